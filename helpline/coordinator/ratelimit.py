"""A small login rate limiter in Redis: a one-minute window from the first attempt.

Counted per account name and per client address, so that neither guessing one
account's password nor trying many accounts from one place gets far. The
counters live in Redis (shared by every web process) under the service's prefix;
the address is kept only as a keyed hash.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis
from flask import Flask

from helpline.privacy import keyed_hash

WINDOW_SECONDS = 60
PER_ADDRESS_FACTOR = 4  # an office of several coordinators shares one address


@dataclass
class LoginLimiter:
    client: redis.Redis
    prefix: str
    secret: str
    per_minute: int

    @classmethod
    def of(cls, app: Flask) -> LoginLimiter:
        from helpline.live import get_live

        return cls(
            client=get_live(app).client,
            prefix=str(app.config["REDIS_PREFIX"]),
            secret=str(app.config["CALLER_HASH_SECRET"]),
            per_minute=int(app.config["LOGIN_ATTEMPTS_PER_MINUTE"]),
        )

    def _keys(self, username: str, address: str) -> tuple[str, str]:
        user = keyed_hash(self.secret, username, purpose="login-user")
        addr = keyed_hash(self.secret, address, purpose="login-address")
        return f"{self.prefix}:login:user:{user}", f"{self.prefix}:login:addr:{addr}"

    def allow(self, username: str, address: str) -> bool:
        """Count one attempt; False when either limit is passed for this minute."""
        user_key, addr_key = self._keys(username, address)
        pipe = self.client.pipeline()
        for key in (user_key, addr_key):
            pipe.set(key, 0, ex=WINDOW_SECONDS, nx=True)  # the window starts now
            pipe.incr(key)
        _, user_count, _, addr_count = pipe.execute()
        return bool(
            int(user_count) <= self.per_minute
            and int(addr_count) <= self.per_minute * PER_ADDRESS_FACTOR
        )

    def reset(self, username: str, address: str) -> None:
        """A successful login clears the account's count (not the address's)."""
        user_key, _ = self._keys(username, address)
        self.client.delete(user_key)
