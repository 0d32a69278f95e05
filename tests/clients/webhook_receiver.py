"""A partner's webhook endpoint for the tests, verifying signatures with `standardwebhooks`
(the Standard Webhooks reference library from PyPI), not with vocweek's own code.

    webhook_receiver.py PORT_FILE SECRET_FILE LOG_FILE FAIL_FIRST

Listens on a free loopback port (written to PORT_FILE), reads the secret from SECRET_FILE at
each request (the test learns it after registering the URL), answers the first FAIL_FIRST
verified messages with 500 and the rest with 204, and appends one JSON line per request to
LOG_FILE: {"id", "type", "asset_id", "data", "verified", "status"}.
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

port_file, secret_file, log_file, fail_first = sys.argv[1:5]
fail_first = int(fail_first)
answered = {"verified": 0}
lock = threading.Lock()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        headers = {name.lower(): value for name, value in self.headers.items()}
        with open(secret_file, encoding="utf-8") as f:
            secret = f.read().strip()
        try:
            event = Webhook(secret).verify(body, headers)
            verified = True
        except Exception:  # any verification failure is a refusal
            event, verified = {}, False
        with lock:
            if not verified:
                status = 401
            elif answered["verified"] < fail_first:
                status = 500
            else:
                status = 204
            if verified:
                answered["verified"] += 1
            line = {
                "id": headers.get("webhook-id"),
                "type": event.get("type"),
                "asset_id": event.get("data", {}).get("asset_id"),
                "data": event.get("data"),
                "verified": verified,
                "status": status,
            }
            with open(log_file, "a", encoding="utf-8") as log:
                log.write(json.dumps(line) + "\n")
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
with open(port_file + ".tmp", "w", encoding="utf-8") as f:
    f.write(str(server.server_address[1]))
import os  # noqa: E402  (written atomically: the test polls for the file)

os.replace(port_file + ".tmp", port_file)
server.serve_forever()
