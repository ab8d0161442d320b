"""The poll cache keeps a rendered body only for the entry it was rendered for."""

from __future__ import annotations

from congress_site.congress.fastpath import Entry, EtagCache
from congress_site.congress.paths import cache_key

PATH = "/tc/s/@proposals"
TID = b"\x00" * 7 + b"\x01"


def test_a_body_rendered_before_a_phase_boundary_is_not_kept_for_the_next_phase():
    # Two requests at the same transaction, either side of a phase boundary: the later
    # one's entry replaces the earlier one's before the earlier body is ready.
    cache = EtagCache()
    before = Entry(TID, '"s.4.collaboration"', 100.0)
    cache.put(PATH, before)
    after = Entry(TID, '"s.4.review"', 200.0)
    cache.put(PATH, after)
    cache.add_body(PATH, before, b'{"phase": "collaboration"}', "application/json")
    assert cache.get(PATH) is after and cache.get(PATH).body is None
    cache.add_body(PATH, after, b'{"phase": "review"}', "application/json")
    assert cache.get(PATH).body == b'{"phase": "review"}'
    assert cache.get(PATH).etag == '"s.4.review"'


def test_the_key_is_the_path_as_the_server_gave_it():
    assert cache_key({"SCRIPT_NAME": "/site", "PATH_INFO": PATH}) == "/site" + PATH
    assert cache_key({"PATH_INFO": PATH}) == PATH
