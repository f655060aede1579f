"""Login throttling as OWASP's authentication cheat sheet advises: slow guessing
down, and never hand an attacker a switch that locks the rightful user out.

Failed logins are counted in Redis (:mod:`helpline.state.counters`) for scopes,
each named by a keyed hash, never in the clear:

- ``pair``: this account from this address, or from this *known device* (a browser
  where she logged in to this account before, holding a signed cookie: OWASP's
  "device cookies");
- ``addr``: every account from this address (``FACTOR`` times as many free
  failures: an office shares one address);
- ``user``: this account from anywhere (``FACTOR`` times as many free failures):
  against guessing spread over many addresses.

A known device is counted only in its own ``pair``: failures from elsewhere, on
the same account or the same address, never slow her down on it. After ``free``
failures of a scope, each further one makes the scope wait before its next try,
doubling from 2 seconds up to :data:`MAX_WAIT_SECONDS`; while it waits, no password
is checked (429 with ``Retry-After``). A success forgets the account's failures
(not the address's: an attacker's own account must not clear his address).
"""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer

from helpline.privacy import keyed_hash
from helpline.state.counters import Scope

MAX_WAIT_SECONDS = 15 * 60
FACTOR = {"pair": 1, "user": 4, "addr": 4}
"""Free failures of each scope, in ``LOGIN_FREE_ATTEMPTS``: a guesser at one address
waits on his ``pair`` long before the account's count slows her new browsers."""
DEVICE_COOKIE = "helpline_device"
DEVICE_DAYS = 180
DEVICES_PER_BROWSER = 8  # accounts remembered by one shared office computer


def wait_after(failures: int, free: int) -> float:
    """Seconds a scope waits after its ``failures``-th failure (``free`` cost nothing)."""
    if failures <= free:
        return 0.0
    return float(min(MAX_WAIT_SECONDS, 2 ** min(failures - free, 20)))


class Throttle:
    """The scopes of one login attempt, and the known devices of a browser."""

    def __init__(self, secret: str, cookie_secret: str) -> None:
        self.secret = secret
        self.devices = URLSafeTimedSerializer(cookie_secret, salt="login-device")

    def _hash(self, value: str, purpose: str) -> str:
        return keyed_hash(self.secret, value, purpose=purpose)

    def account(self, username: str) -> str:
        """The account name as the counters and the device cookie know it."""
        return self._hash(username, "login-user")

    def scopes(self, username: str, address: str, device: str | None) -> list[Scope]:
        """What this attempt is counted for (see the module's docstring)."""
        if device is not None:
            return [("pair", self._hash(f"{username}\n{device}", "login-device"))]
        return [("pair", self._hash(f"{username}\n{address}", "login-pair")),
                ("addr", self._hash(address, "login-address")),
                ("user", self.account(username))]

    def known_devices(self, cookie: str | None) -> dict[str, str]:
        """The cookie's accounts (hashed) and this browser's device id for each."""
        if not cookie:
            return {}
        try:
            found = self.devices.loads(cookie, max_age=DEVICE_DAYS * 86400)
        except BadSignature:
            return {}
        return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}

    def remember(self, cookie: str | None, username: str) -> str:
        """The cookie after she logged in to ``username`` here: this browser is now a
        known device for it."""
        devices = self.known_devices(cookie)
        devices.pop(self.account(username), None)
        devices[self.account(username)] = secrets.token_hex(16)
        kept = dict(list(devices.items())[-DEVICES_PER_BROWSER:])
        return self.devices.dumps(kept)
