"""A minimal LMTP server standing for a service such as Mailman (Molecule verify only).

    lmtp_sink.py PORT OUTFILE
accepts every recipient on 127.0.0.1:PORT and appends each message to OUTFILE.
"""

import socketserver
import sys

port, outfile = int(sys.argv[1]), sys.argv[2]


class LMTP(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 sink LMTP")
        recipients = 0
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"LHLO":
                self.reply("250 sink")
            elif verb == b"MAIL":
                recipients = 0
                self.reply("250 ok")
            elif verb == b"RCPT":
                recipients += 1
                self.reply("250 ok")
            elif verb == b"DATA":
                self.reply("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                with open(outfile, "ab") as f:
                    f.write(data + b"\n---\n")
                for _ in range(recipients):
                    self.reply("250 stored")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


socketserver.TCPServer.allow_reuse_address = True
with socketserver.TCPServer(("127.0.0.1", port), LMTP) as server:
    server.serve_forever()
