"""Editors at work in Chromium: an image with its alternative text put into a page with
the rich-text editor, a page reverted to an earlier version, a folder shared by
searching a person's name."""

from __future__ import annotations

import io
import re

from PIL import Image as PILImage
from playwright.sync_api import expect

from congress_site.content import operations
from tests.conftest import ADMIN_PASSWORD


def login(page, base, login, password):
    page.goto(f"{base}/@@login")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def publish(site, obj):
    obj.review_state = "published"
    site.catalog.index(obj)


def png() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (40, 20), (47, 111, 159)).save(out, "PNG")
    return out.getvalue()


def editor_body(page):
    return page.frame_locator(".tox-edit-area iframe").locator("body")


def test_insert_a_site_image_with_its_alt_text_and_see_it_as_anonymous(live_server, new_page):
    live_server.site.add_user("admin", ADMIN_PASSWORD, ["Manager"])
    with live_server.site.edit() as site:
        image = operations.create(
            site, "Image",
            {"title": "Konbit logo", "description": "",
             "file": {"fp": io.BytesIO(png()), "filename": "logo.png", "mimetype": "image/png"}},
            "admin", name="logo",
        )  # fmt: skip
        publish(site, image)
        page_obj = operations.create(
            site, "Page", {"title": "About us", "description": "", "text": "<p>Who we are.</p>"},
            "admin", name="about",
        )  # fmt: skip
        publish(site, page_obj)
    base = live_server.url
    page = new_page()
    login(page, base, "admin", ADMIN_PASSWORD)
    page.goto(f"{base}/about/@@edit")
    body = editor_body(page)
    expect(body).to_contain_text("Who we are.")
    body.click()
    page.keyboard.press("Control+End")

    # Pick the image from the site's images: its title is offered as the alternative
    # text; emptied, the page cannot be saved.
    page.get_by_role("button", name="Insert/edit image").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Image list").click()
    page.get_by_role("option", name="Konbit logo").click()
    expect(dialog.get_by_label("Source")).to_have_value("/logo/@@download")
    expect(dialog.get_by_label("Alternative description")).to_have_value("Konbit logo")
    dialog.get_by_label("Alternative description").fill("")
    dialog.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Every image needs a text alternative")
    assert "/@@edit" in page.url  # the form was not sent

    body.locator("img").click()
    page.get_by_role("button", name="Insert/edit image").click()
    dialog.get_by_label("Alternative description").fill("The konbit's logo: a blue square")
    dialog.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="About us")).to_be_visible()

    anonymous = new_page()
    anonymous.goto(f"{base}/about/")
    picture = anonymous.get_by_role("img", name="The konbit's logo: a blue square")
    expect(picture).to_be_visible()
    assert picture.get_attribute("src") == "/logo/@@download"
    assert (
        anonymous.evaluate(
            "document.querySelector('main img').complete && "
            "document.querySelector('main img').naturalWidth"
        )
        == 40
    )


def test_revert_a_page_to_an_earlier_version_and_see_the_difference(live_server, new_page):
    live_server.site.add_user("admin", ADMIN_PASSWORD, ["Manager"])
    with live_server.site.edit() as site:
        operations.create(
            site, "Page",
            {"title": "Rota", "description": "", "text": "<p>Ana cleans on Monday.</p>"},
            "admin", name="rota",
        )  # fmt: skip
    base = live_server.url
    page = new_page()
    login(page, base, "admin", ADMIN_PASSWORD)
    page.goto(f"{base}/rota/@@edit")
    page.get_by_label("Title").fill("Cleaning rota")
    body = editor_body(page)
    body.fill("Bruno cleans on Monday.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Cleaning rota")).to_be_visible()

    page.get_by_role("link", name="History").click()
    page.get_by_role("link", name="changes").click()
    comparison = page.locator(".comparison")
    expect(comparison.locator("del", has_text="Ana")).to_be_visible()
    expect(comparison.locator("ins", has_text="Bruno")).to_be_visible()
    expect(comparison.locator("dt")).to_have_text(["Title", "Text"])

    page.get_by_role("button", name=re.compile(r"^Revert to version 0 ")).click()
    expect(page.get_by_role("status")).to_contain_text("Reverted to version 0.")
    page.get_by_role("link", name="View").click()
    expect(page.get_by_role("heading", name="Rota", exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Ana cleans on Monday.")


def test_share_a_folder_by_searching_a_persons_name(live_server, new_page):
    live_server.site.add_user("admin", ADMIN_PASSWORD, ["Manager"])
    with live_server.site.edit() as site:
        site.users.add_user("lucia", "lucia-password-123456", "Lúcia Ferreira")
        operations.create(
            site, "Folder", {"title": "Working group", "description": ""}, "admin", name="wg"
        )
    base = live_server.url
    page = new_page()
    login(page, base, "admin", ADMIN_PASSWORD)
    page.goto(f"{base}/wg/")
    page.get_by_role("link", name="Sharing").click()
    page.get_by_label("Search users and groups by name").fill("lucia")
    page.get_by_role("button", name="Search", exact=True).last.click()
    row = page.locator("tr", has_text="Lúcia Ferreira (lucia)")
    row.get_by_label("Can edit: Lúcia Ferreira (lucia)").check()
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Sharing updated for Lúcia Ferreira")
    row = page.locator("tr.entry", has_text="Lúcia Ferreira (lucia)")
    expect(row.get_by_label("Can edit: Lúcia Ferreira (lucia)")).to_be_checked()

    lucia = new_page()
    login(lucia, base, "lucia", "lucia-password-123456")
    lucia.goto(f"{base}/wg/")
    expect(lucia.get_by_role("link", name="Edit")).to_be_visible()
