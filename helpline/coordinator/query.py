"""The query parameters of the interface's pages, read and checked in one place.

:data:`PAGES` says which parameters each page reads, :data:`PARAMETERS` how each
is read. :func:`check` runs before every page of the interface: it parses every
parameter the page declares and the request gives, and stops at the first it
cannot read with a 400 page, in her interface language, that names it and says
what it should be (rather than a 500 further down, or silently another week).
An empty value means "not given" (the page's default); a parameter the page does
not declare is ignored. Views read the parsed values with :func:`query`.

Dates and weeks are bounded (:data:`EARLIEST` to :data:`LATEST`), so the day
after, the week before and a database query's bounds never leave the calendar;
numbers are ASCII digits, bounded. A ``next`` address that is not a plain path of
the interface is dropped (the page then goes to its default), never refused: a
login must work whatever link brought her there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast
from urllib.parse import urlsplit

from flask import g, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.routing import IntegerConverter, Map

from helpline.bootstrap import from_app
from schedules.timezones import iso_week, parse_iso_week

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
FIRST_WEEK = iso_week(EARLIEST + timedelta(days=-EARLIEST.weekday() % 7))  # its Monday
LAST_WEEK = iso_week(LATEST)
LAST_AUDIT_PAGE = 1_000_000
HOURS_OF_A_WEEK = 7 * 24
PREFIX = "/coordinator"

_WEEK = re.compile(r"[0-9]{4}-W[0-9]{2}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMBER = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class Query:
    """The parsed query parameters of one request; None (or False): not given."""

    week: str | None = None  # week=2026-W49
    first: date | None = None  # from=2026-11-01
    last: date | None = None  # to=2026-11-28
    by: str | None = None  # by=day | week
    lang: str | None = None  # lang=so
    hour: int | None = None  # h=0..167, the hour of the week
    page: int | None = None  # page=1..
    show_all: bool = False  # all=1
    next: str | None = None  # next=/coordinator/...: a path of the interface


# -- reading one value (pure: text in, value out, ValueError when it cannot be read)


def week_of(text: str) -> str:
    """``2026-W49``, a week that exists, whose Monday is within the bounds."""
    if not _WEEK.fullmatch(text) or not EARLIEST <= parse_iso_week(text) <= LATEST:
        raise ValueError(text)
    return text


def date_of(text: str) -> date:
    """``2026-12-24``, within the bounds."""
    if not _DATE.fullmatch(text):
        raise ValueError(text)
    day = date.fromisoformat(text)
    if not EARLIEST <= day <= LATEST:
        raise ValueError(text)
    return day


def number_of(text: str, first: int, last: int) -> int:
    """A whole number written in ASCII digits, from ``first`` to ``last``."""
    if not _NUMBER.fullmatch(text) or not first <= int(text) <= last:
        raise ValueError(text)
    return int(text)


def one_of(text: str, choices: Collection[str]) -> str:
    if text not in choices:
        raise ValueError(text)
    return text


def local_path(target: str | None) -> str | None:
    """``target`` if it is a plain path of the interface (no scheme, no host, no
    backslash, printable ASCII only: nothing a browser or a header could read
    another way), else None."""
    if not target or not target.isascii() or not target.isprintable() or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return None
    if parts.path != PREFIX and not parts.path.startswith(PREFIX + "/"):
        return None
    return target


# -- every parameter of the interface --------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """How one query parameter is read, and what she is told it should be."""

    field: str  # of Query
    parse: Callable[[str], object]
    expected: Any  # a lazy text


PARAMETERS: dict[str, Parameter] = {
    "week": Parameter("week", week_of, lazy_gettext(
        "a week written like 2026-W49, between %(first)s and %(last)s",
        first=FIRST_WEEK, last=LAST_WEEK)),
    "from": Parameter("first", date_of, lazy_gettext(
        "a date written like 2026-12-24, between %(first)s and %(last)s",
        first=EARLIEST.isoformat(), last=LATEST.isoformat())),
    "to": Parameter("last", date_of, lazy_gettext(
        "a date written like 2026-12-24, between %(first)s and %(last)s",
        first=EARLIEST.isoformat(), last=LATEST.isoformat())),
    "by": Parameter("by", lambda text: one_of(text, ("day", "week")),
                    lazy_gettext("%(one)s or %(other)s", one="day", other="week")),
    "lang": Parameter("lang", lambda text: one_of(text, from_app().known_languages),
                      lazy_gettext("the code of one of the helpline's languages")),
    "h": Parameter("hour", lambda text: number_of(text, 0, HOURS_OF_A_WEEK - 1),
                   lazy_gettext("an hour of the week, from 0 to %(last)d",
                                last=HOURS_OF_A_WEEK - 1)),
    "page": Parameter("page", lambda text: number_of(text, 1, LAST_AUDIT_PAGE),
                      lazy_gettext("a page number from 1 to %(last)d", last=LAST_AUDIT_PAGE)),
    "all": Parameter("show_all", lambda text: one_of(text, ("0", "1")) == "1",
                     lazy_gettext("%(one)s or %(other)s", one="0", other="1")),
    "next": Parameter("next", local_path, lazy_gettext("a page of this interface")),
}

PAGES: dict[str, tuple[str, ...]] = {
    "coordinator.session.login": ("next",),
    "coordinator.coverage.week": ("week", "lang", "h"),
    "coordinator.shifts.index": (),
    "coordinator.shifts.language": ("week",),
    "coordinator.shifts.export": (),
    "coordinator.volunteers.index": ("all",),
    "coordinator.volunteers.new": (),
    "coordinator.volunteers.edit": (),
    "coordinator.board.page": (),
    "coordinator.board.table": (),
    "coordinator.stats.page": ("from", "to", "by"),
    "coordinator.stats.csv": ("from", "to", "by"),
    "coordinator.accounts.index": (),
    "coordinator.accounts.new": (),
    "coordinator.accounts.edit": (),
    "coordinator.audit.log": ("page",),
}
"""Every page of the interface that a browser opens (GET) and the parameters it
reads; a test fails for a page missing here."""


class BadQuery(BadRequest):
    """A query parameter that cannot be read: a 400 that names it."""

    def __init__(self, parameter: str, expected: Any) -> None:
        super().__init__(f"{parameter}: expected {expected}")
        self.parameter = parameter
        self.expected = expected


def parse(args: Callable[[str], str | None], names: Collection[str]) -> Query:
    """The parameters ``names`` read with ``args`` (a query string's ``get``);
    BadQuery at the first that cannot be read."""
    values: dict[str, Any] = {}  # Query field -> its parsed value
    for name in names:
        text = args(name)
        if not text:
            continue
        parameter = PARAMETERS[name]
        try:
            values[parameter.field] = parameter.parse(text)
        except ValueError:
            raise BadQuery(name, parameter.expected) from None
    return Query(**values)


def check() -> None:
    """Run before every page of the interface: parse what the page declares."""
    g.coordinator_query = parse(request.args.get, PAGES.get(request.endpoint or "", ()))


def query() -> Query:
    """The parsed query parameters of this request (see :func:`check`)."""
    return cast(Query, g.get("coordinator_query") or Query())


def bad_query(error: BadQuery) -> tuple[str, int]:
    """The 400 page: which parameter, what it should be, and the page without it."""
    plain = None
    if request.endpoint and request.method == "GET":
        plain = url_for(request.endpoint, **(request.view_args or {}))
    message = gettext("The address has %(name)s= which should be %(expected)s.",
                      name=error.parameter, expected=error.expected)
    return render_template("coordinator/error.html", heading=gettext("Not understood"),
                           message=message, plain=plain), 400


def not_found(error: NotFound) -> tuple[str, int] | NotFound:
    """A 404 under the interface is a page of the interface, in her language."""
    if request.path != PREFIX and not request.path.startswith(PREFIX + "/"):
        return error
    return render_template("coordinator/error.html", heading=gettext("No such page"),
                           message=gettext("There is no such page (or no longer)."),
                           plain=None), 404


class IdConverter(IntegerConverter):
    """``<id:volunteer_id>``: a row id as the database can hold it (ASCII digits,
    a positive 32-bit integer); a longer number is no page (404), not a database
    error."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map: Map) -> None:
        super().__init__(map, min=1, max=2**31 - 1)
