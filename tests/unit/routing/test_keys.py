"""Key names and the queue entry format."""

from __future__ import annotations

import pytest

from routing.keys import QueueEntry, RoutingKeys, parse_queue_entry, queue_entry, queue_range


def test_every_key_has_the_prefix_and_one_style() -> None:
    keys = RoutingKeys("oslo")
    assert keys.volunteers == "oslo:routing:volunteers"
    assert keys.queue == "oslo:routing:queue"
    assert keys.calls_today("2024-03-01") == "oslo:routing:calls-today:2024-03-01"
    with pytest.raises(ValueError):
        RoutingKeys("two words")


def test_queue_entries_round_trip() -> None:
    entry = QueueEntry("so", 128, 1_700_000_000_123, 42)
    assert str(entry) == "so|128|1700000000123|000000000042"
    assert parse_queue_entry(str(entry).encode()) == entry


def test_byte_order_of_entries_is_the_policy_order() -> None:
    ordered = [
        ("fa", 0, 5, 1),
        ("so", 0, 9, 7),
        ("so", 0, 10, 3),
        ("so", 0, 10, 12),
        ("so", 1, 0, 1),
        ("so", 128, 0, 1),
        ("so-x", 0, 0, 1),  # another language whose code starts with "so"
    ]
    entries = [queue_entry(*parts) for parts in ordered]
    low, high = queue_range("so")
    in_so = [e for e in sorted(entries) if low[1:] <= e <= high[1:]]
    assert in_so == entries[1:6]
    assert sorted(entries[:6]) == entries[:6]
