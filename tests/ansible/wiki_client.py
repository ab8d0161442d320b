"""A person using a konbit wiki over HTTPS, for Molecule's verify (runs inside the container).

Copied to the container by molecule/default/verify-wikis.yml; standard library only.
Each call does one thing a person does with a browser and prints what they saw as
JSON; the cookie jar file keeps the person's session between calls:

    wiki_client.py --cafile CA --jar JAR URL login LOGIN PASSWORD
    wiki_client.py --cafile CA --jar JAR URL edit PAGE TEXT
    wiki_client.py --cafile CA --jar JAR URL read PAGE
    wiki_client.py --cafile CA URL get PATH

``edit`` posts the edit form even when DokuWiki shows it read-only (as a forged
request would): whether the text changed is for ``read`` to tell.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser


class FormFields(HTMLParser):
    """The named fields of the form with the given id (hidden inputs, textarea)."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.found = False
        self.fields: dict[str, str] = {}
        self.sectok = ""  # any form's security token, the form or not

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = self.found = True
        if tag == "input" and a.get("name") == "sectok" and not self.sectok:
            self.sectok = a.get("value") or ""
        if self.inside and tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.fields[a["name"]] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


class Browser:
    def __init__(self, base: str, cafile: str | None, jar: str | None):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.MozillaCookieJar(jar) if jar else None
        if self.jar is not None and jar and os.path.exists(jar):
            self.jar.load(ignore_discard=True)
        handlers = [urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=cafile))]
        if self.jar is not None:
            handlers.append(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=30) as answer:
                status, headers, raw = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            status, headers, raw = error.code, error.headers, error.read()
        if self.jar is not None:
            self.jar.save(ignore_discard=True)
        return status, headers.get("Content-Type", ""), raw.decode("utf-8", "replace")

    def page(self, page: str, **query: str) -> str:
        return "/doku.php?" + urllib.parse.urlencode({"id": page, **query})

    def login(self, login: str, password: str) -> dict:
        _, _, html = self.request(self.page("start", do="login"))
        form = FormFields("dw__login")
        form.feed(html)
        status, _, html = self.request(
            "/doku.php",
            {**form.fields, "id": "start", "do": "login", "u": login, "p": password},
        )
        return {"status": status, "logged_in": "do=logout" in html}

    def edit(self, page: str, text: str) -> dict:
        _, _, html = self.request(self.page(page, do="edit"))
        form = FormFields("dw__editform")
        form.feed(html)
        fields = form.fields or {"sectok": form.sectok, "id": page, "date": "", "prefix": "."}
        status, _, _ = self.request(
            "/doku.php",
            {**fields, "id": page, "wikitext": text, "summary": "molecule", "do[save]": "1"},
        )
        return {"can_edit": 'name="do[save]"' in html, "status": status}

    def read(self, page: str) -> dict:
        status, kind, body = self.request(self.page(page, do="export_raw"))
        return {"status": status, "raw": kind.startswith("text/plain"), "body": body[:200_000]}

    def get(self, path: str) -> dict:
        status, kind, body = self.request(path)
        return {"status": status, "type": kind, "body": body[:200_000]}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cafile")
    parser.add_argument("--jar")
    parser.add_argument("url")
    parser.add_argument("action", choices=["login", "edit", "read", "get"])
    parser.add_argument("args", nargs="*")
    args = parser.parse_args(argv)
    browser = Browser(args.url, args.cafile, args.jar)
    print(json.dumps(getattr(browser, args.action)(*args.args)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
