"""``helpline prompts check``: how every prompt of every language is voiced."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from helpline.bootstrap import from_app
from helpline.prompts.check import check, render

prompts = AppGroup("prompts", help="The spoken prompts of every language.")


@prompts.command("check")
def prompts_check() -> None:
    """List, per language, which prompts are spoken by TTS, recorded, or missing."""
    helpline = from_app()
    click.echo(render(check(helpline.catalog, helpline.recordings)))
