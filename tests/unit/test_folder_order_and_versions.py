"""Folder order, reordering and versions of an object, on the persistent objects alone."""

from __future__ import annotations

import pytest

from congress_site.content import versions
from congress_site.content.base import NameError_
from congress_site.content.operations import create, edit, move
from congress_site.site import new_site


@pytest.fixture
def folder():
    site = new_site()
    folder = create(site, "Folder", {"title": "F"}, "ana", name="f")
    for name in "abcde":
        create(folder, "Page", {"title": name}, "ana", name=name)
    return folder


def names(folder):
    return [obj.__name__ for obj in folder.ordered_values()]


def test_children_stand_in_the_order_they_were_added(folder):
    assert names(folder) == list("abcde")


def test_reorder_by_delta_top_bottom_and_subset(folder):
    folder.reorder("d", "top")
    assert names(folder) == list("dabce")
    folder.reorder("d", 2)
    assert names(folder) == list("abdce")
    folder.reorder("a", "bottom")
    assert names(folder) == list("bdcea")
    folder.reorder("e", -10)  # past the top: the top
    assert names(folder) == list("ebdca")
    folder.reorder("a", -1, subset_ids=["b", "c", "a"])  # one up among those shown
    assert names(folder) == list("ebdac")
    with pytest.raises(ValueError):
        folder.reorder("a", 1, subset_ids=["c", "a"])  # not their current order
    with pytest.raises(ValueError):
        folder.reorder("a", "sideways")
    with pytest.raises(NameError_):
        folder.reorder("zz", 1)


def test_reorder_renumbers_when_no_room_is_left(folder):
    # Putting d and e in turn right after a halves the same gap each time: after some 50
    # moves no float fits between, and the children are renumbered.
    for i in range(80):
        name = "de"[i % 2]
        folder.reorder(name, 1 - names(folder).index(name))
        assert names(folder)[:2] == ["a", name]
    positions = [obj._position for obj in folder.ordered_values()]
    assert len(set(positions)) == 5
    assert positions[-1] < 1000  # renumbered at least once (added ones stand at timestamps)


def test_rename_keeps_the_place_and_a_move_goes_last(folder):
    move(folder["b"], folder, "b2", "ana")
    assert names(folder) == ["a", "b2", "c", "d", "e"]
    other = create(folder.__parent__, "Folder", {"title": "G"}, "ana", name="g")
    create(other, "Page", {"title": "z"}, "ana", name="z")
    move(folder["a"], other, "a", "ana")
    assert names(other) == ["z", "a"]


def test_each_version_has_the_fields_it_left():
    site = new_site()
    page = create(site, "Page", {"title": "P", "text": "<p>1</p>"}, "ana", name="p")
    edit(page, {"text": "<p>2</p>"}, "ana")
    edit(page, {"title": "P2"}, "ana")  # not a text change
    edit(page, {"text": "<p>3</p>"}, "ana")
    found = [(v.values["title"], v.values["text"]) for v in versions.versions(page)]
    assert found == [("P", "<p>1</p>"), ("P", "<p>2</p>"), ("P2", "<p>2</p>"), ("P2", "<p>3</p>")]
