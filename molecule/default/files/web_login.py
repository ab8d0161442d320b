"""Log in to Postorius as a person would, then fetch pages (Molecule verify only).

    web_login.py BASE CAFILE LOGIN PATH... < password
BASE is https://NAME; LOGIN "-" stays anonymous. Prints JSON: whether the login
was accepted and, per PATH, the HTTP status and the page.
"""

import http.cookiejar
import json
import re
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request

base, cafile, login, *paths = sys.argv[1:]
password = sys.stdin.read().strip()
context = ssl.create_default_context(cafile=cafile)
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(
    urllib.request.HTTPSHandler(context=context), urllib.request.HTTPCookieProcessor(jar)
)


def fetch(path, data=None):
    headers = {"Referer": base + "/accounts/login/"}
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(
            urllib.request.Request(base + path, data=body, headers=headers), timeout=60
        ) as r:
            return r.status, r.geturl(), r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.geturl(), exc.read().decode("utf-8", "replace")


logged_in = None
if login != "-":
    status, url, page = fetch("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, url, page = fetch(
        "/accounts/login/", {"login": login, "password": password, "csrfmiddlewaretoken": token}
    )
    logged_in = "/accounts/login/" not in url
pages = {}
for path in paths:
    status, url, page = fetch(path)
    pages[path] = {"status": status, "url": url, "body": page}
print(json.dumps({"logged_in": logged_in, "pages": pages}))
