"""Verify a message's DKIM signature offline (Molecule verify only).

    dkim_verify.py MESSAGE_FILE TXT_RECORD
checks the DKIM-Signature of the message with the given public key record (as
published in DNS) instead of a DNS query; exits 0 when it verifies.
"""

import sys

import dkim

with open(sys.argv[1], "rb") as f:
    message = f.read()
record = sys.argv[2].encode()


def from_the_zone_file(name, timeout=5):
    return record


ok = dkim.verify(message, dnsfunc=from_the_zone_file)
print("DKIM signature verifies" if ok else "DKIM signature does NOT verify")
sys.exit(0 if ok else 1)
