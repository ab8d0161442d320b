#!/usr/bin/env bash
# The members-file rules (and Nextcloud's and the wikis' settings) in Ansible: playbooks/validate.yml accepts the example
# inventory and refuses a broken file before anything changes; every broken file in
# tests/ansible/bad-members/ is refused with the message on its "# expect:" line
# (members-rules.yml, one run). The same files are refused by the site's importer
# (tests/unit/test_members_file.py): one implementation serves both.
set -euo pipefail
cd "$(dirname "$0")/../.."
PLAYBOOK="${ANSIBLE_PLAYBOOK:-.venv/bin/ansible-playbook}"
"$PLAYBOOK" playbooks/validate.yml >/dev/null
echo "ok   example inventory validates"
bad=tests/ansible/bad-members/duplicate-login.yml
expect="$(sed -n 's/^# expect: //p' "$bad")"
if out="$("$PLAYBOOK" playbooks/validate.yml -e "@$bad" 2>&1)"; then
  echo "FAIL validate.yml accepted $bad"; exit 1
fi
grep -qF -- "$expect" <<<"$out" || { echo "FAIL validate.yml did not name: $expect"; echo "$out" | tail -5; exit 1; }
echo "ok   validate.yml refuses $bad naming the entry"
# Role settings a sysadmin types are checked by the same first play (Nextcloud's, the wikis').
refuse() {  # refuse EXPECTED EXTRA-VARS-JSON
  if out="$("$PLAYBOOK" playbooks/validate.yml -e "$2" 2>&1)"; then
    echo "FAIL validate.yml accepted $2"; exit 1
  fi
  grep -qF -- "$1" <<<"$out" || { echo "FAIL validate.yml did not say: $1"; echo "$out" | tail -8; exit 1; }
  echo "ok   validate.yml refuses $2"
}
refuse "Got no match for: lots" '{"nextcloud_apps": ["calendar", "lots"]}'
refuse "nextcloud_default_quota: 'lots' is not a size" '{"nextcloud_default_quota": "lots"}'
refuse "nextcloud_collabora_url: '' is not an https URL" '{"nextcloud_apps": ["richdocuments"], "nextcloud_collabora_url": ""}'
refuse "wikis_domain: 'Wiki.Example' is not a lowercase domain name" '{"wikis_domain": "Wiki.Example"}'
refuse "value of wikis_url_style must be one of: host, path" '{"wikis_url_style": "paths"}'
refuse "konbit_wikis[lib]: a name DokuWiki's own paths use" \
  '{"wikis_url_style": "path", "konbit_wikis": [{"name": "konbit"}, {"name": "alpha"}, {"name": "lib"}]}'
if ! out="$("$PLAYBOOK" -i localhost, tests/ansible/members-rules.yml 2>&1)"; then
  grep -E 'msg|ERROR' <<<"$out" | grep -v 'msg: ok' | head -20; echo "FAIL members-rules.yml"; exit 1
fi
echo "ok   every file in tests/ansible/bad-members is refused, naming its entry"
