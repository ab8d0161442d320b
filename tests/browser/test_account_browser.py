"""A new person of the members file sets their one password from the link they were
sent, logs in to the site with it, finds their services and changes the password."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.ldap_server import start_ldap_server


@pytest.fixture
def ldap_server(tmp_path):
    server = start_ldap_server(tmp_path / "ldap")
    yield server
    server.stop()


@pytest.fixture
def live_server(tmp_path, ldap_server):
    server = LiveServer(
        tmp_path,
        **ldap_server.settings(),
        **{"account.mail_server": "mail.konbit.example.org"},
    )
    yield server
    server.stop()


def test_a_new_person_sets_their_password_logs_in_and_changes_it(
    live_server, ldap_server, new_page
):
    ldap_server.add_person(
        "lucia", "Lúcia Ferreira", "lucia@konbit.example.org",
        member="atelier-gamma", groups=("persons", "mailbox", "wiki-konbit"),
    )  # fmt: skip
    ldap_server.give_link("lucia", "the-token-lucia-received")
    page = new_page(locale="pt-BR")
    page.goto(f"{live_server.url}/@@set-password?token=the-token-lucia-received")
    expect(page.get_by_text("Seu login é lucia.")).to_be_visible()
    page.get_by_label("Nova senha").fill("short")
    page.locator("input[name=new-confirm]").fill("short")
    page.get_by_role("button", name="Definir senha").click()
    expect(page.get_by_text("Use pelo menos 10 caracteres.")).to_be_visible()

    page.get_by_label("Nova senha").fill("lúcia's own passphrase")
    page.locator("input[name=new-confirm]").fill("lúcia's own passphrase")
    page.get_by_role("button", name="Definir senha").click()
    expect(page).to_have_url(f"{live_server.url}/@@login?login=lucia")
    assert ldap_server.can_bind("lucia", "lúcia's own passphrase")

    page.get_by_label("Senha").fill("lúcia's own passphrase")
    page.get_by_role("button", name="Entrar").click()
    page.get_by_role("link", name="Lúcia Ferreira").click()
    expect(page.get_by_role("heading", name="Minha conta")).to_be_visible()
    expect(page.get_by_text("lucia@konbit.example.org").first).to_be_visible()
    expect(page.get_by_role("cell", name="mail.konbit.example.org").first).to_be_visible()
    expect(page.get_by_text("konbit", exact=True)).to_be_visible()  # the wiki she edits

    page.get_by_role("link", name="Alterar minha senha").click()
    page.get_by_label("Senha atual").fill("lúcia's own passphrase")
    page.get_by_label("Nova senha").fill("a second passphrase, longer")
    page.locator("input[name=new-confirm]").fill("a second passphrase, longer")
    page.get_by_role("button", name="Alterar senha").click()
    expect(page.get_by_role("heading", name="Minha conta")).to_be_visible()
    assert ldap_server.can_bind("lucia", "a second passphrase, longer")
    assert not ldap_server.can_bind("lucia", "lúcia's own passphrase")

    # The link was used up.
    page.goto(f"{live_server.url}/@@set-password?token=the-token-lucia-received")
    expect(page.get_by_role("heading", name="Este link não é válido", exact=False)).to_be_visible()
