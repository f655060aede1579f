"""The whole app against a real Redis and a real database."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpline import create_app
from helpline.db import get_db
from helpline.sim.webhook import Webhooks

AUTH_TOKEN = "test-auth-token"
BASE_URL = "https://helpline.example.org"
HELPLINE_NUMBER = "+4722000000"


@pytest.fixture
def app_config(database_url: str, redis_url: str, tmp_path: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "REDIS_PREFIX": "htest",
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "PUBLIC_BASE_URL": BASE_URL,
        "HELPLINE_NUMBER": HELPLINE_NUMBER,
        "CALLER_HASH_SECRET": "test-secret",
        "DIRECT_NUMBERS": {"+4722000017": "so"},
    }


@pytest.fixture
def app(app_config: dict[str, Any], redis_client: Any) -> Iterator[Flask]:
    yield from built_app(app_config)


def built_app(config: dict[str, Any]) -> Iterator[Flask]:
    """The app for ``config``, with fresh tables; checked for caller numbers afterwards."""
    app = create_app(config)
    get_db(app).create_all()
    yield app
    assert_no_caller_number_kept(app)
    get_db(app).engine.dispose()


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
    from sqlalchemy import select

    from helpline.models import Base

    parts: list[str] = []
    with get_db(app).engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(select(table)):
                parts.append(repr(tuple(row)))
    return "\n".join(parts)


def assert_no_caller_number_kept(app: Flask) -> None:
    from helpline.live import get_live

    stored = dump_redis(get_live(app).client) + "\n" + dump_database(app)
    for number in CALLER_NUMBERS:
        for form in (number, number.lstrip("+")):
            assert form not in stored, "a caller's number was stored"


# -- volunteers' SMS (issue #8): Twilio's REST API on a local port, RQ jobs ---------

ACCOUNT_SID = "AC" + "1" * 32


@pytest.fixture
def twilio_api() -> Iterator[Any]:
    from .twilio_api import TwilioApi, serve

    api = TwilioApi(ACCOUNT_SID, AUTH_TOKEN)
    server = serve(api)
    yield api
    server.shutdown()
    server.server_close()


@pytest.fixture
def sms_config(app_config: dict[str, Any], twilio_api: Any) -> dict[str, Any]:
    """``app_config`` with outbound SMS sent to the local Twilio API, retried at once."""
    return {
        **app_config,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_API_BASE_URL": twilio_api.url,
        "SMS_RETRY_INTERVALS": [0],
    }


def run_jobs(app: Flask) -> None:
    """Run every queued RQ job (and due retries) with a real worker, in burst mode.

    ``SimpleWorker`` runs jobs in this process, inside the test app's context, so
    they use the test's database and Redis (a forking worker would too, but
    could not report assertion errors as clearly).
    """
    import redis as redis_lib
    from rq import Queue, SimpleWorker

    from helpline.tasks import QUEUE

    connection = redis_lib.Redis.from_url(app.config["REDIS_URL"])
    with app.app_context():
        worker = SimpleWorker([Queue(QUEUE, connection=connection)], connection=connection)
        worker.work(burst=True, with_scheduler=True)
    connection.close()
