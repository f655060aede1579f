"""The ``helpline`` command.

A Flask CLI group (:class:`flask.cli.FlaskGroup`): a command that needs the
service gets the app built once by :func:`helpline.app.create_app` from the
environment, and reads its parts with :func:`helpline.bootstrap.from_app`.
``simulate``, ``demo`` and ``staffing`` build what they need themselves.

- ``service``    serve, db upgrade, worker
- ``schedules``  volunteers import; schedules import, export, coverage
- ``routing``    routing status, check, rebuild
- ``messages``   messages failed
- ``prompts``    prompts check
- ``users``      coordinators' accounts
- ``simulate``   simulate, demo
- ``staffing``   Erlang-B staffing advice
- ``twilio``     twilio configure, fallback-twiml (the numbers at Twilio)
- ``doctor``     every check of a deployment, with its fix
"""

from __future__ import annotations

import signal
import threading
from typing import Any

import click
import redis
from flask.cli import FlaskGroup, routes_command, shell_command
from pydantic import ValidationError

from helpline.app import create_app
from helpline.cli import (
    doctor,
    messages,
    prompts,
    routing,
    schedules,
    service,
    simulate,
    staffing,
    twilio,
    users,
)
from helpline.prompts.catalog import LanguageFileError
from helpline.settings import ProductionRefused
from helpline.store.database import DatabaseError


class HelplineGroup(FlaskGroup):
    """Flask's group, listing and finding only its own commands, so that ``--help``
    and commands that need no service do not build one."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.commands)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self.commands.get(name)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a configuration it cannot use, or a Redis or database it
        cannot reach, is one line (``Error: ...``), never a traceback."""
        try:
            return super().invoke(ctx)
        except ProductionRefused as refused:  # one line per setting, no traceback
            raise click.ClickException(str(refused)) from None
        except ValidationError as error:
            raise click.ClickException("the configuration has a bad value: " + "; ".join(
                f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors()
            )) from None
        except LanguageFileError as error:
            raise click.ClickException(str(error)) from None
        except redis.RedisError as error:
            raise click.ClickException(f"cannot use Redis: {_first_line(error)}") from None
        except DatabaseError as error:
            raise click.ClickException(
                f"cannot use the database: {_first_line(getattr(error, 'orig', None) or error)}"
            ) from None

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run a command with SIGTERM (what ``timeout``, systemd and containers send)
        handled as Ctrl-C: the command unwinds and stops whatever it started."""
        if threading.current_thread() is not threading.main_thread():
            return super().main(*args, **kwargs)
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            return super().main(*args, **kwargs)
        finally:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _first_line(error: object) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


main = HelplineGroup(
    name="helpline",
    create_app=create_app,
    add_default_commands=False,
    set_debug_flag=False,
    help="Helpline call router. Configuration comes from environment variables.",
)

for command in (
    service.serve, service.db, service.worker,
    schedules.volunteers, schedules.schedules,
    routing.routing, messages.messages, prompts.prompts, users.users,
    simulate.simulate, simulate.demo, staffing.staffing, shell_command, routes_command,
    twilio.twilio, doctor.doctor,
):
    main.add_command(command)
