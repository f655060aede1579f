"""The whole app against a real Redis and a real database."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpline.app import create_app
from helpline.bootstrap import Helpline, from_app
from helpline.jobs.worker import SimpleHelplineWorker
from helpline.settings import Settings
from helpline.sim.webhook import Webhooks
from helpline.startup import load_demo
from helpline.state.connection import blocking_client
from helpline.state.keys import QUEUE
from helpline.store.models import Base

from ..conftest import MARKER_KEY
from .twilio_api import TwilioApi, serve

AUTH_TOKEN = "test-auth-token"
BASE_URL = "https://helpline.example.org"
HELPLINE_NUMBER = "+4722000000"
ACCOUNT_SID = "AC" + "1" * 32


@pytest.fixture
def app_config(database_url: str, redis_url: str, tmp_path: Path) -> dict[str, Any]:
    """The settings of the test app (a module may override this fixture, extending it)."""
    return {
        "instance_path": tmp_path / "instance",
        "database_url": database_url,
        "redis_url": redis_url,
        "redis_prefix": "htest",
        "twilio_auth_token": AUTH_TOKEN,
        "public_base_url": BASE_URL,
        "helpline_number": HELPLINE_NUMBER,
        "caller_hash_secret": "test-secret",
        "direct_numbers": {"+4722000017": "so"},
        "production": False,  # https, but SQLite and the embedded Redis on a laptop
    }


@pytest.fixture
def app(app_config: dict[str, Any], redis_client: Any) -> Iterator[Flask]:
    yield from built_app(app_config)


def built_app(config: Mapping[str, Any]) -> Iterator[Flask]:
    """The app for ``config``, with fresh tables; checked for caller numbers afterwards."""
    app = create_app(Settings(**config))
    app.testing = True
    helpline = from_app(app)
    helpline.db.create_all()
    yield app
    assert_no_caller_number_kept(app)
    assert_every_key_is_registered(app)
    helpline.close()


def load_demo_data(helpline: Helpline) -> None:
    """The example volunteers and schedules (``schedules/examples``) in the database."""
    with helpline.db.unit_of_work() as uow:
        load_demo(helpline, uow)
        uow.commit()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def webhooks_for(app: Flask) -> Webhooks:
    """Signed webhooks posted to ``app`` through its test client, as Twilio would."""
    client = app.test_client()

    def transport(
        path: str, form: Mapping[str, str], headers: Mapping[str, str]
    ) -> tuple[int, str]:
        response = client.post(path, data=dict(form), headers=dict(headers))
        return response.status_code, response.get_data(as_text=True)

    return Webhooks(transport, auth_token=AUTH_TOKEN, base_url=BASE_URL)


@pytest.fixture
def webhooks(app: Flask) -> Webhooks:
    return webhooks_for(app)


# Every caller number a test uses is registered here; after each test, no database
# row and no Redis key or value may contain any of them.
CALLER_NUMBERS: set[str] = set()


def dump_redis(client: Any) -> str:
    parts: list[str] = []
    for key in client.scan_iter(count=1000):
        parts.append(repr(key))
        kind = client.type(key).decode()
        if kind == "string":
            parts.append(repr(client.get(key)))
        elif kind == "hash":
            parts.append(repr(client.hgetall(key)))
        elif kind == "set":
            parts.append(repr(client.smembers(key)))
        elif kind == "zset":
            parts.append(repr(client.zrange(key, 0, -1, withscores=True)))
        elif kind == "list":
            parts.append(repr(client.lrange(key, 0, -1)))
        elif kind == "stream":
            parts.append(repr(client.xrange(key)))
    return "\n".join(parts)


def dump_database(app: Flask) -> str:
    parts: list[str] = []
    with from_app(app).db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                parts.append(repr(tuple(row)))
    return "\n".join(parts)


def assert_no_caller_number_kept(app: Flask) -> None:
    stored = dump_redis(from_app(app).redis) + "\n" + dump_database(app)
    for number in CALLER_NUMBERS:
        for form in (number, number.lstrip("+")):
            assert form not in stored, "a caller's number was stored"


def assert_every_key_is_registered(app: Flask) -> None:
    """Every key the service wrote is one its key registry names (RQ keeps its own)."""
    helpline = from_app(app)
    keys = [key.decode() for key in helpline.redis.scan_iter(count=1000)]
    strays = [key for key in keys if not key.startswith("rq:")
              and key != MARKER_KEY and not helpline.keys.owns(key)]
    assert strays == [], "keys that helpline.state.keys does not name"


# -- volunteers' SMS: Twilio's REST API on a local port, RQ jobs ----------------------


@pytest.fixture
def twilio_api() -> Iterator[TwilioApi]:
    api = TwilioApi(ACCOUNT_SID, AUTH_TOKEN)
    server = serve(api)
    yield api
    server.shutdown()
    server.server_close()


def local_twilio(config: Mapping[str, Any], twilio_api: TwilioApi) -> dict[str, Any]:
    """``config`` with outbound SMS sent to the local Twilio API, retried at once."""
    return {
        **config,
        "twilio_account_sid": ACCOUNT_SID,
        "twilio_api_base_url": twilio_api.url,
        "sms_retry_intervals": [0],
    }


def run_jobs(app: Flask) -> None:
    """Run every queued RQ job (and due retries) with the service's worker, in burst mode,
    each job in this process, so an assertion error reads clearly."""
    helpline = from_app(app)
    connection = blocking_client(helpline.redis)
    worker = SimpleHelplineWorker([QUEUE], connection=connection, helpline=helpline)
    worker.work(burst=True, with_scheduler=True)
    connection.close()
