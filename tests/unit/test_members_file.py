"""The members file: the example inventory parses; every bad entry is named by its path;
the files Ansible refuses are refused here (one implementation); what services derive."""

import pathlib
import textwrap

import pytest
import yaml

from congress_site.ledger.money import Money
from congress_site.ledger.months import Month
from congress_site.members import rules
from congress_site.members.file import MembersFileError, parse_members_data, parse_members_yaml
from congress_site.members.model import service_model

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "inventory/example/group_vars/konbit"
BAD_ANSIBLE_FIXTURES = ROOT / "tests/ansible/bad-members"
MAIL_DOMAINS = ["konbit.example.org", "alpha.example.org", "beta.example.org"]

GOOD = """
konbit_members:
  - id: coop-alpha
    name: "Coop Alpha"
    domain: alpha.example.org
    currency: EUR
    subscriptions:
      - from: "2026-01"
        shares: 2
        amount_per_share: "15.00"
        until: "2026-12"
    persons:
      - login: marie
        name: "Marie Dubois"
        email: marie@alpha.example.org
        mailbox: true
        aliases: [contact@alpha.example.org]
        lists: [konbit-all]
        wikis: [alpha]
        nextcloud:
          quota: "10 GB"
        contact: true
  - id: asso-beta
    name: "Association Beta"
    currency: CAD
    subscriptions:
      - {from: "2026-01", shares: 1, amount_per_share: "20"}
      - {from: "2026-05", shares: 2, amount_per_share: "20"}
konbit_lists:
  - name: konbit-all
    description: "Everyone in the konbit"
    owners: [marie]
konbit_wikis:
  - name: alpha
    title: "Coop Alpha wiki"
"""


def data():
    return yaml.safe_load(GOOD)


def problems(doc, **kwargs):
    with pytest.raises(MembersFileError) as info:
        parse_members_data(doc, **kwargs)
    return [e.message for e in info.value.errors]


def test_good_file():
    parsed = parse_members_yaml(GOOD, mail_domains=MAIL_DOMAINS)
    alpha, beta = parsed.members
    assert (alpha.id, alpha.name, alpha.currency, alpha.domain) == (
        "coop-alpha",
        "Coop Alpha",
        "EUR",
        "alpha.example.org",
    )
    line = alpha.subscriptions[0]
    assert (line.start, line.shares, line.amount_per_share, line.until) == (
        Month(2026, 1),
        2,
        Money(1500, "EUR"),
        Month(2026, 12),
    )
    marie = alpha.persons[0]
    assert marie.login == "marie" and marie.mailbox and marie.contact
    assert marie.nextcloud.quota == "10 GB" and marie.lists == ("konbit-all",)
    assert beta.history().dues(Month(2026, 6)) == Money(4000, "CAD")
    assert beta.persons == () and beta.domain is None
    assert parsed.lists[0].owners == ("marie",) and parsed.wikis[0].title == "Coop Alpha wiki"
    assert [login for _, login in ((m, p.login) for m, p in parsed.persons())] == ["marie"]


def test_example_inventory_parses():
    path = EXAMPLE / "members.yml"
    domains = yaml.safe_load((EXAMPLE / "main.yml").read_text())["konbit_mail_domains"]
    parsed = parse_members_yaml(path.read_text(), mail_domains=domains)
    assert len(parsed.members) >= 1


def test_bad_month_is_named_by_path():
    doc = data()
    doc["konbit_members"][1]["subscriptions"][0]["from"] = "2026-13"
    assert problems(doc) == [
        "konbit_members[asso-beta].subscriptions[0].from: '2026-13' is not a month"
    ]


def test_unknown_keys_anywhere():
    doc = data()
    doc["konbit_members"][0]["persons"][0]["mailbx"] = True
    doc["konbit_members"][0]["subscriptions"][0]["share"] = 1
    doc["konbit_extra"] = 1
    found = problems(doc)
    assert any(p.startswith("konbit_extra: unknown key") for p in found)
    assert any(
        p.startswith("konbit_members[coop-alpha].persons[marie].mailbx: unknown key") for p in found
    )
    assert any(
        p.startswith("konbit_members[coop-alpha].subscriptions[0].share: unknown key")
        for p in found
    )


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (15.0, "must be a decimal string"),
        ("-15.00", "must not be negative"),
        ("quinze", "is not a decimal amount"),
        ("15.001", "more than 2 decimals"),
    ],
)
def test_bad_amounts(value, fragment):
    doc = data()
    doc["konbit_members"][0]["subscriptions"][0]["amount_per_share"] = value
    (message,) = problems(doc)
    assert message.startswith("konbit_members[coop-alpha].subscriptions[0].amount_per_share: ")
    assert fragment in message


def test_unknown_currency():
    doc = data()
    doc["konbit_members"][0]["currency"] = "USD"
    found = problems(doc)
    assert found[0].startswith("konbit_members[coop-alpha].currency: 'USD' is not a known currency")


def test_missing_required_and_bad_types():
    doc = data()
    del doc["konbit_members"][0]["name"]
    doc["konbit_members"][0]["subscriptions"][0]["shares"] = -1
    doc["konbit_members"][0]["persons"][0]["mailbox"] = "yes"
    found = problems(doc)
    assert "konbit_members[coop-alpha].name: is required" in found
    assert any(p.startswith("konbit_members[coop-alpha].subscriptions[0].shares:") for p in found)
    assert any(p.startswith("konbit_members[coop-alpha].persons[marie].mailbox:") for p in found)


def test_subscriptions_oldest_first_and_until_after_from():
    doc = data()
    doc["konbit_members"][1]["subscriptions"].reverse()
    assert any("oldest first" in p for p in problems(doc))
    doc = data()
    doc["konbit_members"][0]["subscriptions"][0]["until"] = "2025-12"
    assert problems(doc) == [
        "konbit_members[coop-alpha].subscriptions[0].until: 2025-12 is before from 2026-01"
    ]


def test_duplicates_and_references():
    doc = data()
    doc["konbit_members"][1]["id"] = "coop-alpha"
    doc["konbit_members"][1]["persons"] = [
        {"login": "marie", "name": "Other", "email": "o@x.example", "lists": ["nope"]}
    ]
    doc["konbit_lists"][0]["owners"] = ["marie", "zoe"]
    doc["konbit_members"][0]["persons"][0]["wikis"] = ["nowiki"]
    found = problems(doc)
    assert any(
        p.startswith("konbit_members[coop-alpha].id: member id 'coop-alpha' is already")
        for p in found
    )
    assert any(
        p.startswith("konbit_members[coop-alpha].persons[marie].login: login 'marie'")
        for p in found
    )
    assert (
        "konbit_members[coop-alpha].persons[marie].lists[0]: no list named 'nope' in the file"
        in found
    )
    assert (
        "konbit_members[coop-alpha].persons[marie].wikis[0]: no wiki named 'nowiki' in the file"
        in found
    )
    assert "konbit_lists[konbit-all].owners[1]: no login named 'zoe' in the file" in found


def test_mail_domains_checked_when_known():
    doc = data()
    doc["konbit_members"][0]["persons"][0]["aliases"] = ["info@elsewhere.example"]
    parse_members_data(doc)  # domains unknown: nothing to check against
    found = problems(doc, mail_domains=MAIL_DOMAINS)
    assert found == [
        "konbit_members[coop-alpha].persons[marie].aliases[0]: 'info@elsewhere.example' "
        "is not in a konbit mail domain"
    ]
    doc = data()
    doc["konbit_mail_domains"] = ["beta.example.org"]
    assert any(p.startswith("konbit_members[coop-alpha].domain:") for p in problems(doc))


def test_nextcloud_quota_is_optional_but_must_be_a_size():
    doc = data()
    doc["konbit_members"][0]["persons"][0]["nextcloud"] = {}
    person = parse_members_data(doc).members[0].persons[0]
    assert person.nextcloud is not None and person.nextcloud.quota_bytes is None
    doc["konbit_members"][0]["persons"][0]["nextcloud"] = {"quota": "lots"}
    assert problems(doc) == [
        "konbit_members[coop-alpha].persons[marie].nextcloud.quota: 'lots' is not a size "
        'such as "10 GB" (or "unlimited")'
    ]


def test_yaml_problems():
    for text in ["konbit_members: [", "- just a list", "konbit_members: []\nkonbit_members: []"]:
        with pytest.raises(MembersFileError):
            parse_members_yaml(text)
    with pytest.raises(MembersFileError, match="duplicate key"):
        parse_members_yaml(
            textwrap.dedent(
                """
                konbit_members:
                  - id: a
                    id: b
                    name: A
                    currency: EUR
                """
            )
        )


def test_unquoted_date_is_not_a_month():
    text = GOOD.replace('- from: "2026-01"', "- from: 2026-01-01")
    with pytest.raises(MembersFileError, match=r"from: 2026-01-01 is a date, not a month"):
        parse_members_yaml(text)


def test_all_problems_reported_at_once():
    doc = data()
    doc["konbit_members"][0]["currency"] = "USD"
    doc["konbit_members"][1]["subscriptions"][0]["from"] = "2026-1"
    assert len(problems(doc)) == 2


@pytest.mark.parametrize(
    "fixture",
    sorted(BAD_ANSIBLE_FIXTURES.glob("*.yml")) if BAD_ANSIBLE_FIXTURES.exists() else [],
    ids=lambda p: p.stem,
)
def test_files_the_ansible_role_refuses_are_refused_here_too(fixture):
    with pytest.raises(MembersFileError):
        parse_members_yaml(fixture.read_text(), mail_domains=MAIL_DOMAINS)


@pytest.mark.parametrize(
    ("login", "ok"),
    [("marie", True), ("j.gagnon", True), ("ab", True), ("1abc", False), ("a", False),
     ("marie-", False), ("ma rie", False), ("m@x", False), ("x" * 33, False)],
)  # fmt: skip
def test_one_login_rule_for_the_file_and_the_site(login, ok):
    """The rule that used to exist in three disagreeing versions: a login the members
    file accepts is one the site accepts for its own accounts, and the other way round."""
    from congress_site.security.users import UserError, UserFolder

    doc = {"konbit_members": [{"id": "x", "name": "X", "currency": "EUR", "persons": [
        {"login": login, "name": "N", "email": "n@x.example"}]}]}  # fmt: skip
    file_ok = True
    try:
        parse_members_data(doc)
    except MembersFileError:
        file_ok = False
    site_ok = True
    try:
        UserFolder().add_user(login, "a long enough password")
    except UserError:
        site_ok = False
    assert file_ok is site_ok is ok


def test_reserved_logins_are_refused_in_the_file_only():
    doc = {"konbit_members": [{"id": "x", "name": "X", "currency": "EUR", "persons": [
        {"login": "admin", "name": "N", "email": "n@x.example"}]}]}  # fmt: skip
    assert "reserved" in problems(doc)[0]
    assert rules.login_problem("admin") is None  # the site's own admin account


@pytest.mark.parametrize(
    ("text", "size"),
    [("10 GB", 10 * 1024**3), ("512MB", 512 * 1024**2), ("1.5 gb", 1536 * 1024**2),
     ("unlimited", 0), ("lots", None), ("10", None), ("-1 GB", None), ("0 GB", None), (10, None)],
)  # fmt: skip
def test_sizes(text, size):
    assert rules.parse_size(text) == size


def test_roles_read_their_own_sizes_with_the_same_rule():
    """A role's own sizes (mail_default_quota) go through the Ansible filter konbit_size,
    which is this rule: a size the members file accepts, the roles accept."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "konbit_filter", ROOT / "plugins/filter/konbit.py"
    )
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    konbit_size = plugin.FilterModule().filters()["konbit_size"]
    assert konbit_size("5 GB") == rules.parse_size("5 GB") == 5 * 1024**3
    assert konbit_size("unlimited") == 0
    assert konbit_size("lots") is None


def test_mail_rules():
    doc = data()
    marie = doc["konbit_members"][0]["persons"][0]
    marie["aliases"] = ["@alpha.example.org", "marie@alpha.example.org"]
    assert problems(doc, mail_domains=MAIL_DOMAINS) == [
        "konbit_members[coop-alpha].persons[marie].aliases[1]: address "
        "'marie@alpha.example.org' is already used at "
        "konbit_members[coop-alpha].persons[marie].email"
    ]
    doc = data()
    doc["konbit_members"][0]["persons"][0]["mailbox"] = False
    doc["konbit_members"][0]["persons"][0]["mailbox_quota"] = "1 GB"
    found = problems(doc, mail_domains=MAIL_DOMAINS)
    assert (
        "konbit_members[coop-alpha].persons[marie].mailbox_quota: "
        "is set but the person has no mailbox"
    ) in found
    assert any(
        "persons[marie].email: 'marie@alpha.example.org' is in a konbit mail domain" in p
        for p in found
    )
    doc = data()
    doc["konbit_lists"][0]["name"] = "marie"
    doc["konbit_lists"][0]["domain"] = "alpha.example.org"
    doc["konbit_members"][0]["persons"][0]["lists"] = ["marie"]
    assert problems(doc, mail_domains=MAIL_DOMAINS) == [
        "konbit_lists[marie].name: address 'marie@alpha.example.org' is already used at "
        "konbit_members[coop-alpha].persons[marie].email"
    ]


def test_service_model_derives_groups_lists_and_wikis():
    doc = data()
    doc["konbit_members"][1]["persons"] = [
        {"login": "jean", "name": "Jean", "email": "jean@example.net", "lists": ["konbit-all"]}
    ]
    doc["konbit_members"][0]["persons"][0]["aliases"].append("@alpha.example.org")
    doc["konbit_members"][0]["persons"][0]["mailbox_quota"] = "2 GB"
    doc["konbit_wikis"].append(
        {"name": "beta", "organisations": ["asso-beta"], "visibility": "public"}
    )
    parsed = parse_members_data(doc, mail_domains=MAIL_DOMAINS, list_domain="konbit.example.org")
    model = service_model(parsed)
    marie = model["persons"][0]
    assert marie["aliases"] == ["contact@alpha.example.org"]
    assert marie["catchall"] == ["alpha.example.org"]
    assert marie["mailbox_quota"] == 2 * 1024**3 and marie["nextcloud_quota"] == 10 * 1024**3
    groups = model["groups"]
    assert groups["mailbox"] == ["marie"] and groups["persons"] == ["jean", "marie"]
    assert groups["wiki-alpha"] == ["marie"] and groups["wiki-beta"] == ["jean"]
    assert groups["list-konbit-all-owners"] == ["marie"]
    assert groups["list-konbit-all"] == ["jean", "marie"]
    descriptions = {g["rdn"]: g["description"] for g in model["directory_groups"]}
    assert descriptions["cn=asso-beta,ou=organisations"] == "Association Beta"
    assert descriptions["cn=wiki-beta,ou=groups"] == "Editors of the wiki beta"
    (lst,) = model["lists"]
    assert lst["address"] == "konbit-all@konbit.example.org"
    assert lst["subscribers"] == ["jean@example.net", "marie@alpha.example.org"]
    assert (lst["archive"], lst["posting"]) == ("private", "members")
    beta = model["wikis"][1]
    assert (beta["title"], beta["language"], beta["visibility"]) == ("beta", "en", "public")
    assert model["organisations"][1] == {
        "id": "asso-beta", "name": "Association Beta", "domain": None, "logins": ["jean"]
    }  # fmt: skip


@pytest.mark.parametrize(("language", "ok"), [("oc", True), ("ckb", True), ("ur", False)])
def test_wiki_languages_are_those_debian_ships(language, ok):
    # Debian's dokuwiki 2022-07-31 has inc/lang/oc and ckb, and no ur.
    doc = data()
    doc["konbit_wikis"][0]["language"] = language
    if ok:
        assert service_model(parse_members_data(doc))["wikis"][0]["language"] == language
    else:
        message = f"konbit_wikis[alpha].language: '{language}' is not a language DokuWiki ships"
        assert message in problems(doc)


def test_members_package_imports_no_web_framework():
    import ast

    for path in pathlib.Path(rules.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [
                    node.module or ""
                ]  # fmt: skip
                for name in names:
                    assert name.split(".")[0] not in {"pyramid", "webob", "ZODB", "deform"}, path
