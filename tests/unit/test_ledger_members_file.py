"""The members file: the example inventory parses; every bad entry is named by its path."""

import pathlib
import textwrap

import pytest
import yaml

from congress_site.ledger.errors import MembersFileError
from congress_site.ledger.members_file import parse_members_data, parse_members_yaml
from congress_site.ledger.money import Money
from congress_site.ledger.months import Month

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
    assert problems(doc) == ["konbit_members[1].subscriptions[0].from: '2026-13' is not a month"]


def test_unknown_keys_anywhere():
    doc = data()
    doc["konbit_members"][0]["persons"][0]["mailbx"] = True
    doc["konbit_members"][0]["subscriptions"][0]["share"] = 1
    doc["konbit_extra"] = 1
    found = problems(doc)
    assert any(p.startswith("konbit_extra: unknown key") for p in found)
    assert any(p.startswith("konbit_members[0].persons[0].mailbx: unknown key") for p in found)
    assert any(p.startswith("konbit_members[0].subscriptions[0].share: unknown key") for p in found)


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
    assert message.startswith("konbit_members[0].subscriptions[0].amount_per_share: ")
    assert fragment in message


def test_unknown_currency():
    doc = data()
    doc["konbit_members"][0]["currency"] = "USD"
    found = problems(doc)
    assert found[0].startswith("konbit_members[0].currency: 'USD' is not a known currency")


def test_missing_required_and_bad_types():
    doc = data()
    del doc["konbit_members"][0]["name"]
    doc["konbit_members"][0]["subscriptions"][0]["shares"] = -1
    doc["konbit_members"][0]["persons"][0]["mailbox"] = "yes"
    found = problems(doc)
    assert "konbit_members[0].name: is required" in found
    assert any(p.startswith("konbit_members[0].subscriptions[0].shares:") for p in found)
    assert any(p.startswith("konbit_members[0].persons[0].mailbox:") for p in found)


def test_subscriptions_oldest_first_and_until_after_from():
    doc = data()
    doc["konbit_members"][1]["subscriptions"].reverse()
    assert any("oldest first" in p for p in problems(doc))
    doc = data()
    doc["konbit_members"][0]["subscriptions"][0]["until"] = "2025-12"
    assert problems(doc) == [
        "konbit_members[0].subscriptions[0].until: 2025-12 is before from 2026-01"
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
        p.startswith("konbit_members[1].id: member id 'coop-alpha' is already") for p in found
    )
    assert any(p.startswith("konbit_members[1].persons[0].login: login 'marie'") for p in found)
    assert "konbit_members[1].persons[0].lists[0]: no list named 'nope' in the file" in found
    assert "konbit_members[0].persons[0].wikis[0]: no wiki named 'nowiki' in the file" in found
    assert "konbit_lists[0].owners[1]: no login named 'zoe' in the file" in found


def test_mail_domains_checked_when_known():
    doc = data()
    doc["konbit_members"][0]["persons"][0]["aliases"] = ["info@elsewhere.example"]
    parse_members_data(doc)  # domains unknown: nothing to check against
    found = problems(doc, mail_domains=MAIL_DOMAINS)
    assert found == [
        "konbit_members[0].persons[0].aliases[0]: 'info@elsewhere.example' "
        "is not in a konbit mail domain"
    ]
    doc = data()
    doc["konbit_mail_domains"] = ["beta.example.org"]
    assert any(p.startswith("konbit_members[0].domain:") for p in problems(doc))


def test_nextcloud_needs_a_quota():
    doc = data()
    doc["konbit_members"][0]["persons"][0]["nextcloud"] = {}
    assert problems(doc) == ["konbit_members[0].persons[0].nextcloud.quota: is required"]


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
