"""The values the commands accept, checked where click reads them.

Every bad value is one line, ``Error: Invalid value for '--week': ...``, with the
command's usage above it and exit code 2: never a traceback. A command checks
here what it can before it starts anything (a busy port before the database,
Redis or a worker).
"""

from __future__ import annotations

import errno
import os
import re
import socket
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import click

PORT = click.IntRange(1, 65535)
POSITIVE = click.FloatRange(min=0, min_open=True)
NOT_NEGATIVE = click.FloatRange(min=0)
SHARE = click.FloatRange(0, 1)


def speed_or_max(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Callback of ``simulate --speed``: a positive number, or ``max``."""
    if value is None or value == "max":
        return value
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not number > 0 or number == float("inf"):
        raise click.BadParameter(f"{value!r} is neither a positive number nor 'max'")
    return value


def http_url(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Callback of an option that takes a service's address, e.g. http://127.0.0.1:5000."""
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise click.BadParameter(f"{value!r} is not an http(s) address like http://127.0.0.1:5000")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as error:
        raise click.BadParameter(f"{value!r}: {error}") from None
    return value.rstrip("/")


def output_file(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Callback of an option naming a file to write at the end (``-``: standard output):
    checked now, so that a long run never ends unable to write what it found."""
    if value is None or value == "-":
        return value
    path = Path(value)
    folder = path.parent
    if path.is_dir():
        raise click.BadParameter(f"{value!r} is a folder")
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise click.BadParameter(f"cannot write {value!r}: no writable folder {str(folder)!r}")
    return value


_ISO_WEEK = re.compile(r"(\d{4})-W(\d{2})")


def iso_week(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Callback of a ``--week`` option: an ISO week written ``2026-W49``, or None."""
    if value is None:
        return None
    match = _ISO_WEEK.fullmatch(value.strip())
    if match is None:
        raise click.BadParameter(f"{value!r} is not an ISO week; write it like 2026-W49")
    year, week = int(match[1]), int(match[2])
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise click.BadParameter(f"{year} has no week {week}") from None
    return match[0]


def ensure_port_free(host: str, port: int) -> None:
    """Raise :class:`click.BadParameter` if ``port`` on ``host`` is taken (checked as
    the server will bind it, address reuse included)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except OSError as error:
        raise click.BadParameter(f"{host!r} is not an address of this machine ({error})",
                                 param_hint="--host") from None
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise click.BadParameter(
                f"{port} is in use by another program on {host}; choose another port",
                param_hint="--port") from None
        raise click.BadParameter(f"cannot listen on {host}:{port}: {error.strerror or error}",
                                 param_hint="--port") from None
