#!/usr/bin/env bash
# Run playbooks/validate.yml against the example inventory (must pass) and
# against each broken members file in tests/ansible/bad-members/ (must fail
# with the message on that file's "# expect:" line). Local only, seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
PLAYBOOK="${ANSIBLE_PLAYBOOK:-.venv/bin/ansible-playbook}"
"$PLAYBOOK" playbooks/validate.yml >/dev/null
echo "ok   example inventory validates"
status=0
for f in tests/ansible/bad-members/*.yml; do
  expect="$(sed -n 's/^# expect: //p' "$f")"
  if out="$("$PLAYBOOK" playbooks/validate.yml -e "@$f" 2>&1)"; then
    echo "FAIL $f: validation passed, expected an error"; status=1
  elif grep -qF -- "$expect" <<<"$out"; then
    echo "ok   $f"
  else
    echo "FAIL $f: error does not name \"$expect\""; grep -E 'msg|ERROR' <<<"$out" | head -5; status=1
  fi
done
exit $status
