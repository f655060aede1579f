"""The ``helpline`` command with bad input and on a fresh checkout, as a new user runs it.

- Every option of every command is given a bad value (a test checks that none is
  forgotten): each is one clean line saying what is wrong, exit code 1 or 2, never a
  traceback, and nothing is started or changed.
- On a fresh checkout no command fails on missing tables: a SQLite file is migrated
  on first use; PostgreSQL is never migrated behind the operator's back: the
  command says in one line what to run.
- ``routing check`` compares Redis with the truth at the service's own clock
  (``CLOCK_SPEED``, as the demo runs), not the wall clock.
- A configuration, Redis or database the command cannot use is one line too.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import pytest
import redis
import sqlalchemy as sa
from click.testing import CliRunner, Result

from helpline.bootstrap import bootstrap
from helpline.cli import main
from helpline.settings import Settings
from helpline.startup import EXAMPLES, load_demo
from helpline.store.migrations import upgrade
from tests.support import private_database

NOT_CHECKED = {  # options whose every value is acceptable
    ("users", "create", "--name"): "free text, shown as given",
}
FLASK_COMMANDS = {"shell", "routes"}  # Flask's own


class Case:
    """A command line with a bad value, and what its one line of error must say."""

    def __init__(self, *args: str, says: str) -> None:
        self.args = list(args)
        self.says = says

    def __repr__(self) -> str:
        return " ".join(self.args)


BINARY = "{binary}"  # replaced by a file that is not text
FILE = "{file}"  # replaced by a file where a folder is wanted
MISSING = "{missing}"  # replaced by a path that does not exist
UNWRITABLE = "/proc/no-such-folder/out"

CASES = [
    Case("demo", "--port", "0", says="0 is not in the range"),
    Case("demo", "--port", "http", says="'http' is not a valid integer"),
    Case("demo", "--speed", "0", says="0.0 is not in the range x>0"),
    Case("demo", "--calls-per-hour", "-5", says="is not in the range x>0"),
    Case("demo", "--seed", "one", says="'one' is not a valid integer"),
    Case("serve", "--port", "70000", says="70000 is not in the range"),
    Case("serve", "--host", "no-such-host.invalid", says="is not an address of this machine"),
    Case("db", "upgrade", "--revision", "nonsense", says="Can't locate revision"),
    Case("users", "create", "ingrid", "--password", "short", says="at least 10 characters"),
    Case("users", "create", "ingrid", "--language", "xx", "--password", "long enough pass",
         says="unknown language codes: xx"),
    Case("users", "create", "ingrid", "--locale", "fr", "--password", "long enough pass",
         says="'fr' is not one of"),
    Case("users", "create", " ", "--password", "long enough pass", says="the user name is empty"),
    Case("volunteers", "import", MISSING, says="does not exist"),
    Case("volunteers", "import", BINARY, says="cannot read the file"),
    Case("schedules", "import", MISSING, says="does not exist"),
    Case("schedules", "import", BINARY, says="cannot read the file"),
    Case("schedules", "export", "--out", FILE, says="is a file"),
    Case("schedules", "export", "--out", UNWRITABLE, says="cannot write to"),
    Case("schedules", "coverage", "--week", "2026-49", says="'2026-49' is not an ISO week"),
    Case("schedules", "coverage", "--week", "2026-W54", says="2026 has no week 54"),
    Case("schedules", "coverage", "--language", "xx", says="unknown language 'xx'"),
    Case("routing", "status", "--language", "xx", says="unknown language 'xx'"),
    Case("messages", "failed", "--limit", "0", says="0 is not in the range x>=1"),
    Case("messages", "failed", "--limit", "all", says="'all' is not a valid integer"),
    Case("simulate", "--url", "127.0.0.1:5000", says="is not an http(s) address"),
    Case("simulate", "--url", "http://127.0.0.1:port", says="Port could not be cast"),
    Case("simulate", "--public-url", "ftp://example.org", says="is not an http(s) address"),
    Case("simulate", "--hours", "-1", says="-1.0 is not in the range x>=0"),
    Case("simulate", "--days", "two", says="'two' is not a valid float"),
    Case("simulate", "--speed", "fast", says="'fast' is neither a positive number nor 'max'"),
    Case("simulate", "--speed", "0", says="'0' is neither a positive number nor 'max'"),
    Case("simulate", "--url", "http://127.0.0.1:9", "--speed", "max",
         says="a service at a URL runs on its own clock"),
    Case("simulate", "--instance", FILE, says="is a file"),
    Case("simulate", "--json", UNWRITABLE, says="cannot write"),
    Case("simulate", "--calls-per-hour", "0", says="is not in the range x>0"),
    Case("simulate", "--languages", "so,xx", says="not in the menu: xx"),
    Case("simulate", "--patience", "0", says="is not in the range x>0"),
    Case("simulate", "--talk", "-3", says="is not in the range x>0"),
    Case("simulate", "--answers", "1.5", says="1.5 is not in the range 0<=x<=1"),
    Case("simulate", "--accepts", "-0.1", says="-0.1 is not in the range 0<=x<=1"),
    Case("simulate", "--seed", "1.5", says="'1.5' is not a valid integer"),
    Case("staffing", "--target", "1", says="1.0 is not in the range 0<x<1"),
    Case("staffing", "--database", "not a url", says="is not a database URL"),
    Case("staffing", "--language", "xx", says="unknown language 'xx'"),
    Case("doctor", "--timeout", "0", says="is not in the range x>0"),
    Case("twilio", "configure", "--fallback-url", "ftp://x", says="is not an http(s) address"),
    Case("twilio", "configure", "--fallback-url", "https://x.example/f.xml",
         "--fallback-method", "PUT", says="'PUT' is not one of 'GET', 'POST'"),
    Case("twilio", "fallback-twiml", "--output", UNWRITABLE, says="cannot write"),
    Case("twilio", "fallback-twiml", "--language", "xx", says="xx"),
    Case("twilio", "fallback-twiml", "--recordings-url", "not a url",
         says="is not an http(s) address"),
]


@pytest.fixture(scope="module")
def shared_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database with the example volunteers and schedules, for every bad
    value (each checks that it changed nothing in it)."""
    with private_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="module")
def with_schedule(shared_database: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    upgrade(shared_database)
    helpline = bootstrap(Settings(instance_path=tmp_path_factory.mktemp("instance"),
                                  database_url=shared_database, redis_url="redis://unused"))
    try:
        with helpline.db.unit_of_work() as uow:
            load_demo(helpline, uow)  # (touches no Redis)
            uow.commit()
    finally:
        helpline.close()
    return shared_database


@pytest.fixture
def env(tmp_path: Path, database_url: str, redis_url: str,
        redis_client: redis.Redis) -> dict[str, str | None]:
    """The environment of a command: the test's database (migrated) and Redis."""
    upgrade(database_url)
    return {"INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": database_url,
            "REDIS_URL": redis_url, "REDIS_PREFIX": "htest", "CLOCK_SPEED": None,
            "CLOCK_ORIGIN": None}


def run(args: list[str], env: Mapping[str, str | None]) -> Result:
    return CliRunner().invoke(main, args, env=dict(env), catch_exceptions=True)


def assert_one_clean_line(result: Result, says: str) -> None:
    text = result.output
    assert result.exit_code in (1, 2), text
    assert isinstance(result.exception, SystemExit), f"{result.exception!r}\n{text}"
    assert "Traceback" not in text, text
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) <= 3, text  # (click's usage and hint lines, then the error)
    assert says in lines[-1], text


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_a_bad_value_is_one_clean_line(
    case: Case, with_schedule: str, redis_url: str, redis_client: redis.Redis, tmp_path: Path
) -> None:
    (tmp_path / "binary.yaml").write_bytes(b"\xff\xfe\x00\x01 not text")
    (tmp_path / "a-file").write_text("x")
    paths = {BINARY: tmp_path / "binary.yaml", FILE: tmp_path / "a-file",
             MISSING: tmp_path / "missing.yaml"}
    args = [str(paths.get(arg, arg)) for arg in case.args]
    env = {"INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": with_schedule,
           "REDIS_URL": redis_url, "REDIS_PREFIX": "htest"}
    before = _tables(with_schedule)
    assert before["schedule_documents"] > 0  # the command would get as far as using the value
    assert_one_clean_line(run(args, env), case.says)
    assert _tables(with_schedule) == before  # nothing changed


def _tables(url: str | None) -> dict[str, int]:
    """Rows per table: what a failed command must leave as it found it."""
    assert url is not None
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            names = sa.inspect(connection).get_table_names()
            return {name: connection.execute(
                sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
                for name in names}
    finally:
        engine.dispose()


def _options(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in group.commands.items():
        if not path and name in FLASK_COMMANDS:
            continue
        if isinstance(command, click.Group):
            yield from _options(command, (*path, name))
            continue
        for param in command.params:
            if isinstance(param, click.Option) and not param.is_flag and param.name != "help":
                yield (*path, name, max(param.opts, key=len))
            elif isinstance(param, click.Argument):
                yield (*path, name, param.human_readable_name)


def test_every_option_of_every_command_has_a_bad_value_case() -> None:
    def covered(option: tuple[str, ...]) -> bool:
        *command, name = option
        for case in CASES:
            if case.args[:len(command)] != command:
                continue
            rest = case.args[len(command):]
            if name in rest or (not name.startswith("--") and rest and rest[0] != "--"):
                return True
        return False

    missing = [" ".join(option) for option in _options(main)
               if option not in NOT_CHECKED and not covered(option)]
    assert missing == []


# -- a fresh checkout ---------------------------------------------------------------

FIRST_USE = [
    ["users", "list"],
    ["users", "create", "ingrid", "--admin", "--password", "long enough pass"],
    ["messages", "failed"],
    ["routing", "status"],
    ["routing", "check"],
    ["routing", "rebuild"],
    ["volunteers", "import", str(EXAMPLES / "volunteers.yaml")],
    ["schedules", "export", "--out", "{tmp}"],
    ["schedules", "coverage"],
    ["staffing"],
    ["worker", "--burst", "--in-process"],
]


@pytest.mark.parametrize("args", FIRST_USE, ids=" ".join)
def test_on_a_fresh_checkout_sqlite_is_migrated_on_first_use(
    args: list[str], tmp_path: Path, redis_url: str, redis_client: redis.Redis
) -> None:
    env = {"INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": None,
           "REDIS_URL": redis_url, "REDIS_PREFIX": "htest"}
    result = run([arg.replace("{tmp}", str(tmp_path / "out")) for arg in args], env)
    assert "Traceback" not in result.output and "no such table" not in result.output, (
        result.output)
    if args == ["schedules", "coverage"]:  # nothing to show yet, and it says so
        assert_one_clean_line(result, "no schedule has been imported yet")
    else:
        assert result.exit_code == 0, f"{result.exception!r}\n{result.output}"
    assert (tmp_path / "instance" / "helpline.db").exists()


@pytest.mark.parametrize("args", FIRST_USE, ids=" ".join)
def test_on_a_fresh_postgresql_every_command_says_what_to_run_and_migrates_nothing(
    args: list[str], tmp_path: Path, database_url: str, redis_url: str,
    redis_client: redis.Redis
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    env = {"INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": database_url,
           "REDIS_URL": redis_url, "REDIS_PREFIX": "htest"}
    result = run([arg.replace("{tmp}", str(tmp_path / "out")) for arg in args], env)
    assert_one_clean_line(result, "has no tables yet: run `helpline db upgrade` first")
    assert "password" not in result.output.lower() or "--password" in " ".join(args)
    assert _tables(database_url) == {}  # not migrated behind the operator's back


# -- the service's clock --------------------------------------------------------------

def test_routing_check_uses_the_services_clock(env: dict[str, str | None]) -> None:
    assert run(["volunteers", "import", str(EXAMPLES / "volunteers.yaml")], env).exit_code == 0
    assert run(["schedules", "import", str(EXAMPLES)], env).exit_code == 0
    ahead = _hours_when_the_roster_differs(env)
    # Redis filled at wall-clock time; the service's clock runs twice as fast from
    # `ahead` hours ago, so it is now `ahead` hours later, when others are on shift
    assert run(["routing", "rebuild"], env).exit_code == 0
    assert run(["routing", "check"], env).exit_code == 0
    scaled = {**env, "CLOCK_SPEED": "2", "CLOCK_ORIGIN": repr(time.time() - ahead * 3600)}
    result = run(["routing", "check"], scaled)
    assert result.exit_code == 1, result.output
    assert "differences; run `helpline routing rebuild` to repair." in result.output
    assert run(["routing", "rebuild"], scaled).exit_code == 0  # at the service's time
    assert run(["routing", "check"], scaled).exit_code == 0


def _hours_when_the_roster_differs(env: Mapping[str, str | None]) -> int:
    settings = Settings(instance_path=Path(str(env["INSTANCE_PATH"])),
                        database_url=env["DATABASE_URL"], redis_url=env["REDIS_URL"],
                        redis_prefix="htest")
    helpline = bootstrap(settings)
    try:
        now = datetime.now(UTC)
        with helpline.db.unit_of_work() as uow:
            truth = helpline.shifts.truth(uow, now + timedelta(minutes=10))
            for hours in range(2, 24 * 7):
                later = helpline.shifts.truth(uow, now + timedelta(hours=hours))
                if set(later) != set(truth):
                    return hours
    finally:
        helpline.close()
    raise AssertionError("the example roster is the same all week")


# -- what the command cannot use --------------------------------------------------------

@pytest.mark.parametrize(("variable", "value", "says"), [
    ("DATABASE_URL", "not a url", "cannot use the database: Could not parse"),
    ("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none",
     "cannot use the database: connection failed"),
    ("REDIS_URL", "redis://127.0.0.1:9/0", "cannot use Redis: Error 111"),
    ("MENU_ATTEMPTS", "three", "the configuration has a bad value: MENU_ATTEMPTS"),
], ids=["database-url", "database-down", "redis-down", "setting"])
def test_what_the_command_cannot_use_is_one_clean_line(
    env: dict[str, str | None], variable: str, value: str, says: str
) -> None:
    assert_one_clean_line(run(["routing", "check"], {**env, variable: value}), says)

