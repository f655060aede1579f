"""The registry names every Redis key, one style, one prefix per helpline."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from helpline.state.keys import RedisKeys

KEYS = RedisKeys("hl")
REF = "0123456789abcdef0123456789abcdef"
MINUTE = datetime(2026, 12, 2, 9, 5, tzinfo=UTC)


def test_names() -> None:
    assert KEYS.call(REF) == f"hl:call:{REF}"
    assert KEYS.call_tried(REF) == f"hl:call:{REF}:tried"
    assert KEYS.misses(12) == "hl:duty:misses:12"
    assert KEYS.note(12) == "hl:duty:note:12"
    assert KEYS.reminded(12, MINUTE) == "hl:duty:reminded:12:202612020905"
    assert KEYS.login_failures("user", "ab12") == "hl:login:fail:user:ab12"
    assert KEYS.login_wait("addr", "cd34") == "hl:login:wait:addr:cd34"
    assert KEYS.tick(MINUTE) == "hl:tick:202612020905"
    assert KEYS.routing.queue == "hl:routing:queue"


def test_a_call_ref_is_read_back_only_from_a_call_key() -> None:
    assert KEYS.call_ref_of(KEYS.call(REF)) == REF
    assert KEYS.call_ref_of(KEYS.call_tried(REF)) is None
    assert KEYS.call_ref_of(KEYS.misses(1)) is None
    assert KEYS.call_ref_of(f"other:call:{REF}") is None


def test_every_named_key_is_owned() -> None:
    named = [KEYS.call(REF), KEYS.call_tried(REF), KEYS.misses(3), KEYS.note(3),
             KEYS.reminded(3, MINUTE), KEYS.login_failures("pair", "ab"),
             KEYS.login_wait("addr", "cd"),
             KEYS.tick(MINUTE), KEYS.routing.volunteers, KEYS.routing.calls,
             KEYS.routing.leases, KEYS.routing.finished, KEYS.routing.queue,
             KEYS.routing.calls_today("2026-12-02")]
    assert all(KEYS.owns(key) for key in named)


@pytest.mark.parametrize("key", [
    "hl:call:+4798765432",  # never a number
    "hl:call:abc:other", "hl:duty:misses:x", "hl:tick:2026", "hl:something", "other:call:ab",
    "rq:queue:helpline", "hl:login:user:", "hl",
])
def test_a_key_the_registry_does_not_name_is_not_owned(key: str) -> None:
    assert not KEYS.owns(key)
