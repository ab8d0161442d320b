#!/usr/bin/python3
"""Keep Mailman 3's lists in step with the members file, through its REST API."""

import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: mailman_lists
short_description: Create Mailman 3 lists and keep their subscribers and owners in step
description:
  - Creates the domains and lists given, sets their description, archive and posting
    policies, subscribes the addresses given and unsubscribes those the previous runs
    subscribed (or persons of the file) that are no longer given. Addresses subscribed by
    hand that it never managed are left alone. Owners are exactly those given.
  - Remembers what it subscribed in I(state_file). Supports check mode.
options:
  url: {description: REST API root (http://127.0.0.1:8001)., type: str, required: true}
  user: {description: REST user., type: str, default: restadmin}
  password: {description: REST password., type: str, required: true, no_log: true}
  lists: {description: konbit_model.lists., type: list, elements: dict, required: true}
  known_addresses:
    {description: Every person's address in the file., type: list, elements: str, default: []}
  state_file:
    {description: Where the managed subscriptions are remembered., type: path, required: true}
  max_message_size:
    {description: Largest message of every list in KB (0 no limit)., type: int, default: 0}
author: konbit admin co-op
"""


# members file posting -> (default_member_action, default_nonmember_action)
POSTING = {
    "members": ("defer", "hold"),
    "anyone": ("defer", "accept"),
    "announce": ("hold", "hold"),
}


class Api:
    def __init__(self, url, user, password):
        self.root = url.rstrip("/") + "/3.1"
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "Accept": "application/json"}

    def call(self, method, path, data=None):
        body = None
        headers = dict(self.headers)
        if data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(
            self.root + path, data=body, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                return exc.code, json.loads(raw)
            except ValueError:
                return exc.code, raw.decode("utf-8", "replace")

    def expect(self, method, path, data=None, ok=(200, 201, 204)):
        status, body = self.call(method, path, data)
        if status not in ok:
            raise RuntimeError(f"{method} {path}: HTTP {status} {body}")
        return status, body

    def entries(self, path):
        found, page = [], 1
        while True:
            sep = "&" if "?" in path else "?"
            _, body = self.expect("GET", f"{path}{sep}count=500&page={page}")
            found.extend(body.get("entries", []))
            if len(found) >= body.get("total_size", 0) or not body.get("entries"):
                return found
            page += 1


def list_id(address):
    name, _, domain = address.partition("@")
    return f"{name}.{domain}"


def wanted_config(lst, max_message_size):
    member_action, nonmember_action = POSTING[lst["posting"]]
    return {
        "max_message_size": max_message_size,
        "description": lst.get("description") or "",
        "archive_policy": "public" if lst["archive"] == "public" else "private",
        "default_member_action": member_action,
        "default_nonmember_action": nonmember_action,
    }


def sync(module, api, check):
    params = module.params
    report = {
        "domains": [],
        "lists": [],
        "config": {},
        "subscribed": {},
        "unsubscribed": {},
        "owners_added": {},
        "owners_removed": {},
    }
    state = {}
    if os.path.exists(params["state_file"]):
        with open(params["state_file"]) as fh:
            state = json.load(fh)
    known = {a.lower() for a in params["known_addresses"]}
    new_state = dict(state)

    domains = {d["mail_host"] for d in api.entries("/domains")}
    for domain in sorted({lst["domain"] for lst in params["lists"]} - domains):
        report["domains"].append(domain)
        if not check:
            api.expect("POST", "/domains", {"mail_host": domain})

    for lst in params["lists"]:
        address, lid = lst["address"].lower(), list_id(lst["address"].lower())
        status, _ = api.call("GET", f"/lists/{lid}")
        exists = status == 200
        if not exists:
            report["lists"].append(address)
            if not check:
                api.expect("POST", "/lists", {"fqdn_listname": address})
        wanted = wanted_config(lst, params["max_message_size"])
        if exists:
            _, config = api.expect("GET", f"/lists/{lid}/config")
            differs = {k: v for k, v in wanted.items() if config.get(k) != v}
        else:
            differs = wanted
        if differs:
            report["config"][address] = sorted(differs)
            if not check:
                api.expect("PATCH", f"/lists/{lid}/config", differs)

        want = {a.lower() for a in lst["subscribers"]}
        managed = set(state.get(address, []))
        have = {}
        if exists:
            for m in api.entries(f"/lists/{lid}/roster/member"):
                have[m["email"].lower()] = m["self_link"].rsplit("/", 1)[-1]
        add = sorted(want - set(have))
        # Only what this sync subscribed, or a person of the file, is taken off:
        # subscriptions made by hand for other addresses stay.
        remove = sorted(a for a in have if a not in want and (a in managed or a in known))
        if add:
            report["subscribed"][address] = add
        if remove:
            report["unsubscribed"][address] = remove
        if not check:
            for a in add:
                api.expect(
                    "POST",
                    "/members",
                    {
                        "list_id": lid,
                        "subscriber": a,
                        "role": "member",
                        "pre_verified": True,
                        "pre_confirmed": True,
                        "pre_approved": True,
                        "send_welcome_message": False,
                    },
                    ok=(201, 409),
                )
            for a in remove:
                api.expect("DELETE", f"/members/{have[a]}")
        new_state[address] = sorted(want)

        want_owners = {a.lower() for a in lst["owner_emails"]}
        owners = {}
        if exists:
            for m in api.entries(f"/lists/{lid}/roster/owner"):
                owners[m["email"].lower()] = m["self_link"].rsplit("/", 1)[-1]
        add_o = sorted(want_owners - set(owners))
        remove_o = sorted(set(owners) - want_owners)
        if add_o:
            report["owners_added"][address] = add_o
        if remove_o:
            report["owners_removed"][address] = remove_o
        if not check:
            for a in add_o:
                api.expect(
                    "POST",
                    "/members",
                    {
                        "list_id": lid,
                        "subscriber": a,
                        "role": "owner",
                        "pre_verified": True,
                        "pre_confirmed": True,
                        "pre_approved": True,
                    },
                    ok=(201, 409),
                )
            for a in remove_o:
                api.expect("DELETE", f"/members/{owners[a]}")

    changed = any(bool(v) for v in report.values())
    if not check and new_state != state:
        tmp = params["state_file"] + ".tmp"
        with open(tmp, "w") as fh:
            json.dump(new_state, fh, indent=1, sort_keys=True)
        os.chmod(tmp, 0o640)
        os.replace(tmp, params["state_file"])
    return changed, report


def main():
    module = AnsibleModule(
        argument_spec={
            "url": {"type": "str", "required": True},
            "user": {"type": "str", "default": "restadmin"},
            "password": {"type": "str", "required": True, "no_log": True},
            "lists": {"type": "list", "elements": "dict", "required": True},
            "known_addresses": {"type": "list", "elements": "str", "default": []},
            "state_file": {"type": "path", "required": True},
            "max_message_size": {"type": "int", "default": 0},
        },
        supports_check_mode=True,
    )
    for lst in module.params["lists"]:
        if lst.get("posting") not in POSTING:
            module.fail_json(msg=f"list {lst.get('name')}: unknown posting {lst.get('posting')!r}")
    api = Api(module.params["url"], module.params["user"], module.params["password"])
    try:
        changed, report = sync(module, api, module.check_mode)
    except (RuntimeError, OSError, urllib.error.URLError) as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=changed, **report)


if __name__ == "__main__":
    main()
