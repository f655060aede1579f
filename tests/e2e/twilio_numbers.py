"""A local HTTP server that answers like Twilio's REST API for the account's numbers.

It serves what ``helpline twilio configure`` and ``helpline doctor`` use: the
list of IncomingPhoneNumbers filtered by ``PhoneNumber`` (GET, paged JSON as
Twilio sends it) and the update of one number (POST, form-encoded). Like Twilio
it checks the path with the account sid, HTTP basic auth with the account sid
and auth token, and the form: only the known fields, methods GET or POST, URLs
absolute. ``silent`` serves a socket that accepts connections and never answers.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIELDS = {
    "VoiceUrl": "voice_url", "VoiceMethod": "voice_method",
    "StatusCallback": "status_callback", "StatusCallbackMethod": "status_callback_method",
    "SmsUrl": "sms_url", "SmsMethod": "sms_method",
    "VoiceFallbackUrl": "voice_fallback_url", "VoiceFallbackMethod": "voice_fallback_method",
}


@dataclass
class TwilioNumbers:
    account_sid: str
    auth_token: str
    numbers: dict[str, dict[str, Any]] = field(default_factory=dict)  # sid -> resource
    updates: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # (number, form)
    refused: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    url: str = ""
    _sids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, number: str, **configured: str) -> dict[str, Any]:
        """A number of the account, as Twilio holds it (unconfigured by default)."""
        sid = f"PN{next(self._sids):032x}"
        resource: dict[str, Any] = {
            "sid": sid, "account_sid": self.account_sid, "phone_number": number,
            "friendly_name": number, "voice_url": "https://demo.twilio.com/welcome/voice/",
            "voice_method": "POST", "status_callback": "", "status_callback_method": "POST",
            "sms_url": "https://demo.twilio.com/welcome/sms/reply", "sms_method": "POST",
            "voice_fallback_url": None, "voice_fallback_method": "POST",
            "voice_application_sid": None, "sms_application_sid": "", "trunk_sid": None,
            "api_version": "2010-04-01", "capabilities": {"voice": True, "sms": True},
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/IncomingPhoneNumbers/{sid}.json",
        }
        resource.update(configured)
        self.numbers[sid] = resource
        return resource

    def by_number(self, number: str) -> dict[str, Any]:
        [resource] = [r for r in self.numbers.values() if r["phone_number"] == number]
        return resource

    def handle(self, method: str, target: str, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.requests.append(f"{method} {target}")
            credentials = base64.b64encode(
                f"{self.account_sid}:{self.auth_token}".encode()).decode()
            if headers.get("authorization") != f"Basic {credentials}":
                return self._refuse(401, "bad basic auth", code=20003)
            parts = urlsplit(target)
            prefix = f"/2010-04-01/Accounts/{self.account_sid}/IncomingPhoneNumbers"
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if method == "GET" and parts.path == f"{prefix}.json":
                return self._list(prefix, query)
            update = re.fullmatch(re.escape(prefix) + r"/(PN[0-9a-f]{32})\.json", parts.path)
            if method == "POST" and update and update.group(1) in self.numbers:
                return self._update(update.group(1), headers, body)
            return self._refuse(404, f"{method} {parts.path}", code=20404)

    def _list(self, prefix: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        wanted = query.get("PhoneNumber")
        found = [r for r in self.numbers.values() if wanted in (None, r["phone_number"])]
        size = int(query.get("PageSize", "50"))
        return 200, {
            "incoming_phone_numbers": found[:size], "page": 0, "page_size": size,
            "start": 0, "end": max(0, len(found[:size]) - 1), "previous_page_uri": None,
            "next_page_uri": None, "first_page_uri": f"{prefix}.json?PageSize={size}&Page=0",
            "uri": f"{prefix}.json?PageSize={size}&Page=0",
        }

    def _update(self, sid: str, headers: dict[str, str],
                body: bytes) -> tuple[int, dict[str, Any]]:
        if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return self._refuse(400, "not a form")
        form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
        unknown = set(form) - set(FIELDS)
        if unknown:
            return self._refuse(400, f"unknown fields {sorted(unknown)}")
        for name, value in form.items():
            if name.endswith("Method") and value not in ("GET", "POST"):
                return self._refuse(400, f"{name} {value!r} is not GET or POST", code=21603)
            if not name.endswith("Method") and not value.startswith(("https://", "http://")):
                return self._refuse(400, f"{name} {value!r} is not a URL", code=21502)
        resource = self.numbers[sid]
        resource.update({FIELDS[name]: value for name, value in form.items()})
        self.updates.append((resource["phone_number"], form))
        return 200, resource

    def _refuse(self, status: int, why: str, code: int = 21000) -> tuple[int, dict[str, Any]]:
        self.refused.append(why)
        return status, {"code": code, "message": why, "status": status,
                        "more_info": f"https://www.twilio.com/docs/errors/{code}"}


@contextmanager
def serving(api: TwilioNumbers) -> Iterator[TwilioNumbers]:
    """Serve ``api`` on a free local port (sets ``api.url``); stopped on leaving."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, payload = api.handle(method, self.path, headers, body)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._answer("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._answer("POST")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def silent() -> Iterator[tuple[str, int]]:
    """A local port that accepts connections (the kernel's backlog) and never answers:
    a server that hangs. Closed on leaving."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield "127.0.0.1", listener.getsockname()[1]
    finally:
        listener.close()
