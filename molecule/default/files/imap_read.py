"""Read a mailbox over IMAPS as a person would (Molecule verify only).

    imap_read.py HOST CAFILE USER FOLDER SUBJECT < password
prints JSON: the folders, the quota of INBOX, and the raw message whose subject
contains SUBJECT in FOLDER (waiting up to 30 s for it to arrive) with its decoded
text, or exits 1 with the IMAP error (e.g. a refused login).
"""

import email
import email.policy
import imaplib
import json
import ssl
import sys
import time

host, cafile, user, folder, subject = sys.argv[1:6]
password = sys.stdin.read().strip()
context = ssl.create_default_context(cafile=cafile)
try:
    imap = imaplib.IMAP4_SSL(host, 993, ssl_context=context)
    imap.login(user, password)
except imaplib.IMAP4.error as exc:
    print(json.dumps({"error": str(exc)}))
    sys.exit(1)
folders = [line.decode().rsplit(' "/" ', 1)[-1].strip('"') for line in imap.list()[1]]
status, quota = imap.getquotaroot("INBOX")
quota_lines = [q.decode() for q in quota[1] if q]
message = text = None
for _ in range(30):
    imap.select(f'"{folder}"', readonly=True)
    status, found = imap.search(None, "SUBJECT", f'"{subject}"')
    numbers = found[0].split()
    if numbers:
        status, data = imap.fetch(numbers[-1], "(RFC822)")
        message = data[0][1].decode("utf-8", "replace")
        parsed = email.message_from_bytes(data[0][1], policy=email.policy.default)
        parts = [p for p in parsed.walk() if p.get_content_type() == "text/plain"]
        text = "".join(p.get_content() for p in parts)
        break
    time.sleep(1)
imap.logout()
print(json.dumps({"folders": folders, "quota": quota_lines, "message": message, "text": text}))
