"""Versions read from the history (old entries that kept only the text included), and
the sharing rules, on real persistent objects without a web request."""

from __future__ import annotations

from congress_site.content import versions
from congress_site.content.types import Page
from congress_site.security import sharing
from congress_site.security.users import UserFolder


def page_with_history():
    page = Page("Rota", "", text="<p>Ana</p>")
    page.record("created", "admin")
    # Written before every field was recorded: an edit kept only the text's old value.
    page.title = "Cleaning rota"
    page.text = "<p>Bruno</p>"
    page.record("edited", "admin", fields=["title", "text"], previous={"text": "<p>Ana</p>"})
    page.record("workflow", "admin", transition="publish", previous="private", state="published")
    page.description = "Who cleans"
    page.record("edited", "admin", fields=["description"], previous={"description": ""})
    return page


def test_versions_undo_the_later_edits_and_say_what_they_do_not_know():
    page = page_with_history()
    found = versions.versions(page)
    assert [v.number for v in found] == [0, 1, 3]  # the workflow entry is no version
    first, second, third = (v.values for v in found)
    assert third == {"title": "Cleaning rota", "description": "Who cleans", "text": "<p>Bruno</p>"}
    assert second["description"] == "" and second["text"] == "<p>Bruno</p>"
    assert first["text"] == "<p>Ana</p>" and first["title"] is versions.UNKNOWN
    changed = versions.diff(found[0], found[2], rich_text=("text",))
    assert [d.name for d in changed] == ["title", "description", "text"]
    assert changed[2].changes == [("delete", "Ana"), ("insert", "Bruno")]


def test_readable_text_shows_images_by_their_alt_and_links_with_their_address():
    html = '<p>See <a href="/about/">us</a></p><p><img src="/logo/@@download" alt="Logo"></p>'
    assert versions.readable_text(html) == "See us </about/>\n[Logo: /logo/@@download]"


def test_search_finds_users_and_groups_by_name_with_or_without_accents():
    users = UserFolder()
    users.add_user("lucia", "a-long-password-123", "Lúcia Ferreira")
    users.add_user("luc", "a-long-password-123", "Luc Martin")
    users.add_group("lucioles", "Les Lucioles")
    found = [p.label for p in sharing.search(users, "LUCI")]
    assert found == ["Les Lucioles (lucioles)", "Lúcia Ferreira (lucia)"]  # groups first
    assert [p.id for p in sharing.search(users, "ferreira")] == ["user:lucia"]
    assert sharing.search(users, "   ") == []
