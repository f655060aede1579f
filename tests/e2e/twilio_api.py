"""A local HTTP server that receives SMS requests exactly as Twilio's REST API does.

It checks what Twilio would check (the path with the account sid, HTTP basic
auth with the account sid and auth token, the form fields To, From and Body)
and answers with a Twilio-shaped JSON message resource. ``fail_next`` makes
the next requests fail with HTTP 500, to show that sending is retried.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class SentSms:
    to: str
    from_: str
    body: str


@dataclass
class TwilioApi:
    account_sid: str
    auth_token: str
    sent: list[SentSms] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # why each bad request was refused
    fail_next: int = 0
    requests: int = 0
    url: str = ""
    _sids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, method: str, path: str, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, object]]:
        with self._lock:
            self.requests += 1
            expected = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
            if method != "POST" or path != expected:
                return self._refuse(404, f"{method} {path}")
            credentials = base64.b64encode(
                f"{self.account_sid}:{self.auth_token}".encode()
            ).decode()
            if headers.get("authorization") != f"Basic {credentials}":
                return self._refuse(401, "bad basic auth")
            if not headers.get("content-type", "").startswith(
                "application/x-www-form-urlencoded"
            ):
                return self._refuse(400, "not a form")
            form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
            missing = {"To", "From", "Body"} - set(form)
            if missing:
                return self._refuse(400, f"missing {sorted(missing)}")
            if self.fail_next > 0:
                self.fail_next -= 1
                return 500, {"code": 20500, "message": "Internal Server Error", "status": 500}
            self.sent.append(SentSms(form["To"], form["From"], form["Body"]))
            sid = f"SM{next(self._sids):032x}"
            return 201, {
                "sid": sid,
                "account_sid": self.account_sid,
                "to": form["To"],
                "from": form["From"],
                "body": form["Body"],
                "status": "queued",
                "direction": "outbound-api",
                "num_segments": "1",
                "api_version": "2010-04-01",
                "date_created": "Wed, 25 Nov 2026 17:00:00 +0000",
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
            }

    def _refuse(self, status: int, why: str) -> tuple[int, dict[str, object]]:
        self.refused.append(why)
        return status, {"code": 20404, "message": why, "status": status}

    def bodies_to(self, number: str) -> list[str]:
        return [sms.body for sms in self.sent if sms.to == number]


def serve(api: TwilioApi) -> ThreadingHTTPServer:
    """Start the server on a free local port, in a daemon thread; sets ``api.url``."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, payload = api.handle("POST", self.path, headers, body)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
