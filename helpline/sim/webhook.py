"""Post webhooks the way Twilio does: form-encoded, signed, following TwiML URLs."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from twilio.request_validator import RequestValidator

# (path with query, form fields, headers) -> (status, body)
Transport = Callable[[str, Mapping[str, str], Mapping[str, str]], tuple[int, str]]


@dataclass(frozen=True)
class Reply:
    status: int
    body: str

    @property
    def twiml(self) -> ET.Element:
        root = ET.fromstring(self.body)
        if root.tag != "Response":
            raise ValueError(f"TwiML root must be <Response>, got <{root.tag}>")
        return root


class Webhooks:
    """Signs and posts webhook requests to the service at ``base_url``."""

    def __init__(self, transport: Transport, *, auth_token: str, base_url: str) -> None:
        self._transport = transport
        self._validator = RequestValidator(auth_token)
        self.base_url = base_url.rstrip("/")

    def absolute(self, url: str) -> str:
        return url if "://" in url else self.base_url + url

    def post(self, url: str, params: Mapping[str, str], *, signed: bool = True) -> Reply:
        """POST ``params`` to ``url`` (absolute, or a path on the service)."""
        full = self.absolute(url)
        headers = {}
        if signed:
            headers["X-Twilio-Signature"] = self._validator.compute_signature(full, dict(params))
        parts = urlsplit(full)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        status, body = self._transport(path, params, headers)
        return Reply(status, body)
