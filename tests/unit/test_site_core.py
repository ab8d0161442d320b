"""Unit tests of the site core: type registry, workflow, security, catalog."""

from __future__ import annotations

import pytest
from pyramid.authorization import Authenticated, Everyone

from congress_site.content import get_type, registered_types
from congress_site.content.base import NameError_
from congress_site.content.operations import create, sanitize_html, set_local_roles
from congress_site.security.passwords import hash_password, password_problems, verify_password
from congress_site.security.policy import Identity, effective_principals, effective_roles
from congress_site.security.ratelimit import RateLimiter
from congress_site.security.roles import ADD, EDIT, VIEW
from congress_site.site import new_site
from congress_site.workflow import SIMPLE_PUBLICATION, WorkflowError


def principals_of(login, roles=(), groups=()):
    base = {Everyone, Authenticated, f"user:{login}"}
    base |= {f"role:{r}" for r in roles} | {f"group:{g}" for g in groups}
    return Identity(login=login, user=object(), base_principals=frozenset(base))


def permits(identity, obj, permission):
    from pyramid.authorization import ACLHelper

    return bool(ACLHelper().permits(obj, effective_principals(identity, obj), permission))


@pytest.fixture
def site():
    return new_site()


def test_every_basic_type_is_declared_with_a_schema():
    names = {ct.name for ct in registered_types()}
    assert {"Folder", "Page", "News Item", "Event", "File", "Image"} <= names
    page = get_type("Page")
    assert page.field_names() == ["title", "description", "text"]
    assert page.rich_text == ("text",) and page.workflow == "simple_publication"
    assert get_type("Folder").folderish and not page.folderish


def test_page_cannot_contain_children_and_names_are_checked(site):
    folder = create(site, "Folder", {"title": "F"}, "admin")
    page = create(folder, "Page", {"title": "P"}, "admin")
    assert not page.folderish
    with pytest.raises(NameError_):
        folder.check_name("P with spaces")
    with pytest.raises(NameError_):
        folder.check_name(page.__name__)
    assert folder.choose_name("P") == "p-2"


def test_workflow_state_drives_view_permission(site):
    page = create(site, "Page", {"title": "Plan"}, "alice")
    anonymous, bob = None, principals_of("bob", ["Member"])
    alice = principals_of("alice", ["Member"])
    assert page.review_state == "private"
    assert permits(alice, page, VIEW) and permits(alice, page, EDIT)  # Owner
    assert not permits(bob, page, VIEW)
    assert not permits(anonymous, page, VIEW)
    page.review_state = "internal"
    assert permits(bob, page, VIEW) and not permits(anonymous, page, VIEW)
    assert not permits(bob, page, EDIT)
    page.review_state = "published"
    assert permits(anonymous, page, VIEW)


def test_private_child_of_published_folder_stays_hidden(site):
    folder = create(site, "Folder", {"title": "F"}, "admin")
    folder.review_state = "published"
    page = create(folder, "Page", {"title": "P"}, "admin")
    assert not permits(None, page, VIEW)


def test_local_roles_are_inherited_down_the_tree(site):
    folder = create(site, "Folder", {"title": "F"}, "admin")
    page = create(folder, "Page", {"title": "P"}, "admin")
    carol = principals_of("carol", groups=["editors"])
    assert not permits(carol, page, EDIT)
    set_local_roles(folder, "group:editors", {"Editor"}, "admin")
    carol = principals_of("carol", groups=["editors"])  # a new request
    assert permits(carol, page, EDIT) and permits(carol, page, VIEW)
    assert effective_roles(carol, page) == {"Editor"}
    assert not permits(carol, site, ADD)


def test_transitions_are_permission_guarded(site):
    page = create(site, "Page", {"title": "P"}, "alice")

    class Request:
        """What workflow needs of a request: an identity and permission checks."""

        identity = principals_of("bob", ["Member"])

        def has_permission(self, permission, context):
            return permits(self.identity, context, permission)

    request = Request()
    from congress_site.workflow import transition

    with pytest.raises(WorkflowError) as err:
        transition(page, request, "publish")
    assert err.value.code == "forbidden"
    request.identity = principals_of("alice", ["Member"])
    transition(page, request, "publish")
    assert page.review_state == "published"
    with pytest.raises(WorkflowError) as err:
        transition(page, request, "publish")
    assert err.value.code == "transition"
    assert SIMPLE_PUBLICATION.find("published", "make_private").target == "private"


def test_catalog_filters_by_allowed_principals(site):
    secret = create(site, "Page", {"title": "Secret", "text": "<p>budget details</p>"}, "alice")
    public = create(site, "Page", {"title": "Public", "text": "<p>budget overview</p>"}, "alice")
    public.review_state = "published"
    site.catalog.index(public)
    total, found = site.catalog.search(site, {Everyone}, text="budget")
    assert total == 1 and found == [public]
    total, found = site.catalog.search(site, {Everyone, "user:alice"}, text="budget", sort=None)
    assert {o.title for o in found} == {"Secret", "Public"}
    set_local_roles(secret, "user:bob", {"Reader"}, "alice")
    total, _found = site.catalog.search(site, {Everyone, "user:bob"}, text="details")
    assert total == 1


def test_passwords_hash_verify_and_policy():
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "wrong")
    assert not verify_password(None, "anything")
    assert password_problems("short", "bob")
    assert password_problems("bob-is-my-password", "bob")
    assert password_problems("aaaaaaaaaaaa")
    assert password_problems("a good long passphrase", "bob") == []


def test_rate_limiter_blocks_after_the_limit():
    limiter = RateLimiter(3, 60)
    for _ in range(3):
        assert limiter.retry_after("k") == 0
        limiter.fail("k")
    assert limiter.retry_after("k") > 0
    assert limiter.retry_after("other") == 0
    limiter.reset("k")
    assert limiter.retry_after("k") == 0


def test_sanitiser_keeps_structure_and_drops_scripts():
    html = '<h2>T</h2><p style="x" onclick="y">a <a href="javascript:z">l</a></p><script>s</script>'
    clean = sanitize_html(html)
    assert clean.startswith("<h2>T</h2><p>a <a")
    assert "javascript" not in clean and "script" not in clean and "onclick" not in clean
