"""A mail server for the tests, on aiosmtpd (from PyPI): it accepts every message and keeps it,
so a test reads what vocweek really sent over SMTP, decoded by Python's email module rather
than by vocweek's own code.

    smtp_sink.py PORT_FILE OUT_DIR

Listens on a free loopback port (written to PORT_FILE once it answers) and, for each message,
writes OUT_DIR/<n>.eml (the bytes received) and then OUT_DIR/<n>.json:
{"envelope_to": [...], "to": "...", "from": "...", "subject": "...", "body": "..."} with the
headers' encoded words and the body's transfer encoding decoded.
"""

import itertools
import json
import os
import socket
import sys
import threading
import time
from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller

port_file, out_dir = sys.argv[1:3]
numbers = itertools.count(1)
lock = threading.Lock()


def write_atomically(path, data):
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.replace(path + ".tmp", path)


class Sink:
    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = BytesParser(policy=policy.default).parsebytes(raw)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "envelope_to": list(envelope.rcpt_tos),
            "to": str(message["to"]),
            "from": str(message["from"]),
            "subject": str(message["subject"]),
            "body": body.get_content() if body is not None else "",
        }
        with lock:
            name = os.path.join(out_dir, "%06d" % next(numbers))
        write_atomically(name + ".eml", raw)
        # The JSON last: the test polls for it.
        write_atomically(name + ".json", json.dumps(record, ensure_ascii=False).encode("utf-8"))
        return "250 Message accepted for delivery"


# aiosmtpd's controller checks that it answers on its port, so it needs a real one: a free
# port the system hands out, released just before the server takes it.
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
controller = Controller(Sink(), hostname="127.0.0.1", port=port)
controller.start()
with open(port_file + ".tmp", "w", encoding="utf-8") as f:
    f.write(str(port))
os.replace(port_file + ".tmp", port_file)
while True:
    time.sleep(3600)
