"""Erlang-B against values from published tables."""

from __future__ import annotations

import pytest

from helpline.staffing.erlang import erlang_b, servers_needed


@pytest.mark.parametrize("servers, load, expected", [
    (1, 1.0, 0.5),
    (2, 1.0, 0.2),
    (5, 2.0, 0.0367),
    (10, 5.0, 0.0184),
    (0, 3.0, 1.0),
])
def test_blocking(servers: int, load: float, expected: float) -> None:
    assert erlang_b(servers, load) == pytest.approx(expected, abs=5e-4)


def test_servers_needed_is_the_fewest() -> None:
    n = servers_needed(5.0, 0.9)
    assert 1 - erlang_b(n, 5.0) >= 0.9 > 1 - erlang_b(n - 1, 5.0)
    assert servers_needed(0.0) == 0


def test_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        erlang_b(-1, 1.0)
    with pytest.raises(ValueError):
        servers_needed(1.0, 1.0)
