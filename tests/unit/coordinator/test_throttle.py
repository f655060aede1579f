"""The login throttle's waits and device cookies (pure: no Redis, no Flask)."""

from __future__ import annotations

from helpline.coordinator.throttle import MAX_WAIT_SECONDS, Throttle, wait_after


def test_waits_double_after_the_free_failures_up_to_a_cap() -> None:
    assert [wait_after(n, 5) for n in range(1, 10)] == [0, 0, 0, 0, 0, 2, 4, 8, 16]
    assert wait_after(10_000, 5) == MAX_WAIT_SECONDS


def test_a_known_device_is_counted_on_its_own_and_names_nobody_in_the_clear() -> None:
    throttle = Throttle("secret", "cookie-secret")
    cookie = throttle.remember(None, "hodan")
    device = throttle.known_devices(cookie)[throttle.account("hodan")]
    assert [scope for scope, _ in throttle.scopes("hodan", "192.0.2.1", device)] == ["pair"]
    assert [scope for scope, _ in throttle.scopes("hodan", "192.0.2.1", None)] == [
        "pair", "addr", "user"]
    assert "hodan" not in cookie
    for _, hashed in throttle.scopes("hodan", "192.0.2.1", None):
        assert "hodan" not in hashed and "192.0.2.1" not in hashed


def test_a_forged_or_foreign_device_cookie_is_ignored() -> None:
    cookie = Throttle("secret", "another key").remember(None, "hodan")
    assert Throttle("secret", "cookie-secret").known_devices(cookie) == {}
    assert Throttle("secret", "cookie-secret").known_devices("garbage") == {}
