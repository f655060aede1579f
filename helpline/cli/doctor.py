"""``helpline doctor``: is this deployment ready to answer calls? One line per check."""

from __future__ import annotations

import sys

import click

from helpline.bootstrap import bootstrap
from helpline.cli.params import POSITIVE
from helpline.cli.twilio import read_settings
from helpline.ops.doctor import DEFAULT_TIMEOUT_SECONDS, Doctor, exit_code, fail


@click.command()
@click.option("--timeout", default=DEFAULT_TIMEOUT_SECONDS, show_default=True, type=POSITIVE,
              help="Seconds each check may take (they run at once).")
@click.option("--strict", is_flag=True, help="Warnings (missing recordings) fail too.")
def doctor(timeout: float, strict: bool) -> None:
    """Check settings, database, Redis, routing, workers, tick, spool, SMS, Twilio and
    prompts, each with its fix; exit 0 only when all pass."""
    settings = read_settings()
    try:
        # built without refusing production problems: the first check reports them
        helpline = bootstrap(settings.model_copy(update={"production": False}))
    except Exception as error:
        click.echo("\n".join(fail("service", f"cannot be built: {error}",
                                  "fix the setting or file it names").lines()))
        sys.exit(1)
    try:
        findings = Doctor(helpline, settings).run(timeout)
    finally:
        helpline.close()
    for finding in findings:
        click.echo("\n".join(finding.lines()))
    sys.exit(exit_code(findings, strict=strict))
