"""The standing adversarial suite, part 1: property-based calls through every webhook.

What is driven and what is checked: :mod:`tests.e2e.adversarial`. The run's
size is a hypothesis profile named by ``HYPOTHESIS_PROFILE``:
``adversarial-ci`` (the default, a few hundred examples) or ``adversarial-10k``;
``benchmarks/adversarial.py`` runs 10,000 and counts instead of stopping.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpline.app import create_app
from helpline.bootstrap import from_app
from helpline.settings import Settings
from tests.support import FakeClock

from .adversarial import Harness, settings_for_app, volunteers_on_shift

_COMMON = settings(
    deadline=None,
    database=None,  # every run explores afresh; a failure prints its shrunk example
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)
settings.register_profile("adversarial-ci", _COMMON, max_examples=200)
settings.register_profile("adversarial-10k", _COMMON, max_examples=10_000)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "")
PROFILE = PROFILE if PROFILE.startswith("adversarial-") else "adversarial-ci"


@pytest.fixture
def harness(app_config: dict[str, Any], redis_client: Any) -> Iterator[Harness]:
    clock = FakeClock()
    app: Flask = create_app(Settings(**settings_for_app(app_config)), clock=clock)
    helpline = from_app(app)
    helpline.db.create_all()
    volunteers_on_shift(app)
    yield Harness(app, clock)
    helpline.close()


@pytest.mark.slow
@settings(settings.get_profile(PROFILE))
@given(data=st.data())
def test_no_webhook_however_odd_breaks_a_call(harness: Harness, data: st.DataObject) -> None:
    harness.run(data)
