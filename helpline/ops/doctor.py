"""``helpline doctor``: every check of a running deployment, one line each with its fix.

Each check asks one part (settings, database, Redis, the router, RQ's workers
and scheduler, the tick, this host's record spool, outbound SMS, Twilio's
configuration of the numbers, the recordings) and returns a :class:`Finding`.
They run at once, each in a daemon thread with a deadline (:func:`run`), so a
server that accepts a connection and never answers costs one timeout, and the
doctor always ends. A check that raises fails with the error's name and text.

``warn`` is for what the caller never notices as a fault: a prompt without its
recording is spoken in the local language. Only ``fail`` makes the doctor exit 1
(unless it is asked to be strict).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

import redis
from rq import Queue, Worker
from rq.scheduler import RQScheduler

from helpline.bootstrap import Helpline
from helpline.ops.number import (
    TWILIO_ERRORS,
    NumberSetupError,
    describe,
    differences,
    find_number,
    helpline_numbers,
    https_base,
    number_urls,
)
from helpline.prompts.catalog import PROMPT_KEYS
from helpline.prompts.check import check as prompt_voicing
from helpline.settings import Settings, production_problems
from helpline.state.keys import QUEUE
from helpline.store.database import DatabaseError
from helpline.store.models import MessageStatus
from helpline.store.revision import schema_revision

Status = Literal["ok", "warn", "fail"]

TICK_MAX_AGE_SECONDS = 120
FAILED_SMS_WINDOW = timedelta(hours=24)
DEFAULT_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Finding:
    """What one check found: its status, what it saw, and how to fix it."""

    name: str
    status: Status
    detail: str
    fix: str = ""
    more: tuple[str, ...] = field(default=())
    """Further lines (one per problem) under the check's line."""

    def lines(self) -> list[str]:
        head = f"{self.status.upper():<4}  {self.name}: {self.detail}"
        if self.fix:
            head += f" -> {self.fix}"
        return [head, *(f"        {line}" for line in self.more)]


def ok(name: str, detail: str) -> Finding:
    return Finding(name, "ok", detail)


def fail(name: str, detail: str, fix: str, more: Sequence[str] = ()) -> Finding:
    return Finding(name, "fail", detail, fix, tuple(more))


Check = Callable[[], Finding]


def run(checks: Sequence[tuple[str, Check]], timeout: float) -> list[Finding]:
    """Run every check at once; one that does not end within ``timeout`` seconds fails
    (its thread is a daemon and is left behind: it cannot keep the process alive)."""
    found: dict[str, Finding] = {}

    def guarded(name: str, check: Check) -> None:
        try:
            found[name] = check()
        except DatabaseError as error:
            found[name] = fail(name, f"the database did not answer ({type(error).__name__})",
                               "see the database check")
        except redis.exceptions.RedisError as error:
            found[name] = fail(name, f"Redis did not answer ({type(error).__name__})",
                               "see the redis check")
        except Exception as error:  # a check's failure is its finding, never a crash
            first = (str(error).strip().splitlines() or [""])[0][:200]
            found[name] = fail(name, f"{type(error).__name__}: {first}",
                               "see the error; run the check's own command for more")

    threads = [threading.Thread(target=guarded, args=(name, check), daemon=True,
                                name=f"doctor: {name}") for name, check in checks]
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return [found.get(name) or fail(name, f"no answer within {timeout:g} s",
                                    "check that the server runs and answers")
            for name, _ in checks]


class Doctor:
    """The checks of one deployment (``helpline``'s parts, built from its settings)."""

    def __init__(self, helpline: Helpline, settings: Settings | None = None) -> None:
        self.helpline = helpline
        self.settings = settings or helpline.settings
        """The deployment's own settings (``helpline`` may be built with production off,
        so that the doctor can report its problems rather than refuse to start)."""

    def checks(self) -> list[tuple[str, Check]]:
        return [
            ("production settings", self.production),
            ("database", self.database),
            ("redis", self.redis),
            ("routing", self.routing),
            ("workers", self.workers),
            ("tick", self.tick),
            ("spool", self.spool),
            ("sms", self.sms),
            ("twilio", self.twilio),
            ("prompts", self.prompts),
        ]

    def run(self, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> list[Finding]:
        return run(self.checks(), timeout)

    # -- the checks ----------------------------------------------------------------

    def production(self) -> Finding:
        name = "production settings"
        problems = production_problems(self.settings)
        if problems:
            return fail(name, f"{len(problems)} setting(s) a deployment must not run with",
                        "set them in the environment file", problems)
        if not self.settings.is_production:
            return fail(name, "production mode is off",
                        "set PRODUCTION=true (or an https PUBLIC_BASE_URL)")
        return ok(name, "production mode, every secret and server set")

    def database(self) -> Finding:
        name = "database"
        try:
            revision = schema_revision(self.helpline.db.engine)
        except DatabaseError as error:
            return fail(name, f"did not answer ({type(error).__name__})",
                        "check DATABASE_URL and that PostgreSQL runs and lets this host in")
        if not revision.current:
            return fail(name, "answers, but was never migrated", "run `helpline db upgrade`")
        if not revision.up_to_date:
            return fail(name, f"at revision {', '.join(sorted(revision.current))}, the code "
                        f"needs {', '.join(sorted(revision.head))}", "run `helpline db upgrade`")
        return ok(name, f"answers, migrated to head ({', '.join(sorted(revision.head))})")

    def redis(self) -> Finding:
        name = "redis"
        try:
            self.helpline.redis.ping()
        except Exception as error:
            return fail(name, f"did not answer ({type(error).__name__})",
                        "check REDIS_URL and that redis-server runs")
        return ok(name, "answers")

    def routing(self) -> Finding:
        name = "routing"
        helpline = self.helpline
        with helpline.db.unit_of_work() as uow:
            truth = helpline.shifts.truth(uow, helpline.now())
        drift = helpline.availability.check(truth)
        if drift:
            return fail(name, f"{len(drift)} difference(s) between Redis and the schedules",
                        "run `helpline routing rebuild` (details: `helpline routing check`)")
        return ok(name, f"Redis matches the schedules ({len(truth)} volunteer(s) on shift)")

    def workers(self) -> Finding:
        name = "workers"
        client = self.helpline.redis
        workers = Worker.all(connection=client, queue=Queue(QUEUE, connection=client))
        if not workers:
            return fail(name, f"no RQ worker serves the queue {QUEUE!r}",
                        "start `helpline worker` (deploy/: the worker unit)")
        holder = client.get(RQScheduler.get_locking_key(QUEUE))
        if holder is None:
            return fail(name, f"{len(workers)} worker(s), none runs RQ's scheduler (SMS "
                        "retries wait)", "start the workers with `helpline worker`, which runs it")
        owner = holder.decode() if isinstance(holder, bytes) else str(holder)
        return ok(name, f"{len(workers)} worker(s), the scheduler held by {owner}")

    def tick(self) -> Finding:
        name = "tick"
        last = self.helpline.counters.last_tick()
        start = "run `rq cron helpline.jobs.cron` and `helpline worker` (deploy/)"
        if last is None:
            return fail(name, "has never run", start)
        at, failed = last
        age = self.helpline.clock() - at
        if age > TICK_MAX_AGE_SECONDS:
            return fail(name, f"last ran {age:.0f} s ago (more than {TICK_MAX_AGE_SECONDS} s)",
                        start)
        if failed:
            return fail(name, f"ran {age:.0f} s ago, but failed: {', '.join(failed)}",
                        "see the worker's log for the error (each piece is retried every "
                        "minute)")
        return ok(name, f"ran {age:.0f} s ago, every piece done")

    def spool(self) -> Finding:
        name = "spool"
        spool = self.helpline.spool
        waiting, aside = spool.pending(), spool.set_aside()
        if aside:
            return fail(name, f"{len(aside)} spooled file(s) could not be written as records "
                        f"and were set aside in {spool.directory}", "read them, fix or delete "
                        "them; each is logged at ERROR on every flush",
                        [path.name for path in aside])
        if waiting:
            return fail(name, f"{waiting} call record(s) wait on this host's disk in "
                        f"{spool.directory}", "make sure the database answers; the next tick "
                        "or status callback writes them")
        return ok(name, f"empty on this host ({spool.directory})")

    def sms(self) -> Finding:
        name = "sms"
        since = datetime.now(UTC) - FAILED_SMS_WINDOW
        with self.helpline.db.unit_of_work() as uow:
            failed = uow.messages.failed(limit=1000)
        recent = [row for row in failed if _aware(row.created_at) >= since]
        if recent:
            return fail(name, f"{len(recent)} SMS to volunteers failed in the last "
                        f"{FAILED_SMS_WINDOW.total_seconds() / 3600:.0f} hours (status "
                        f"{MessageStatus.FAILED.value!r})",
                        "see `helpline messages failed`; check Twilio and the numbers")
        older = f"; {len(failed)} older" if failed else ""
        return ok(name, f"none failed in the last {FAILED_SMS_WINDOW.total_seconds() / 3600:.0f}"
                  f" hours{older}")

    def twilio(self) -> Finding:
        name = "twilio"
        try:
            urls = number_urls(self.settings, None)
        except NumberSetupError as error:
            return fail(name, str(error), "set PUBLIC_BASE_URL")
        client = self.helpline.telephony.client
        problems: list[str] = []
        numbers = helpline_numbers(self.settings)
        try:
            for number in numbers:
                problems += [f"{number}: {p}" for p in differences(find_number(client, number),
                                                                   urls)]
        except NumberSetupError as error:
            return fail(name, str(error), "fix the setting, or buy/port the number")
        except TWILIO_ERRORS as error:
            return fail(name, describe(error), "fix the credentials, or retry when Twilio "
                        "answers")
        fix = ("run `helpline twilio configure --fallback-url URL` (docs: Pointing a real "
               "Twilio number at it)")
        if problems:
            return fail(name, f"{len(problems)} setting(s) of the number(s) do not point at "
                        f"{https_base(self.settings)}", fix, problems)
        return ok(name, f"credentials valid; {', '.join(numbers)} point at "
                  f"{https_base(self.settings)}, with a fallback")

    def prompts(self) -> Finding:
        name = "prompts"
        rows = [row for row in prompt_voicing(self.helpline.catalog, self.helpline.recordings)
                if row.missing]
        if rows:
            return Finding(
                name, "warn", f"{len(rows)} language(s) miss recordings (spoken in the local "
                "language until recorded)", "record them (docs/languages.md; "
                "`helpline prompts check`)",
                tuple(f"{row.code}: " + ("every prompt" if len(row.missing) == len(PROMPT_KEYS)
                                         else ", ".join(row.missing)) for row in rows))
        return ok(name, "every prompt of every language is voiced")


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes (stored in UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def exit_code(findings: Sequence[Finding], *, strict: bool = False) -> int:
    """0 when every check passed (in ``strict`` mode, warnings too); else 1."""
    failing = {"fail", "warn"} if strict else {"fail"}
    return 1 if any(finding.status in failing for finding in findings) else 0
