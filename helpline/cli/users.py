"""``helpline users ...``: coordinator accounts from the command line (the first
administrator is made here; later accounts too, if preferred)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from helpline.accounts import AccountError, create_account
from helpline.cli.ready import service
from helpline.store.models import Role

users = AppGroup("users", help="Coordinator accounts of the web interface.")


@users.command("create")
@click.argument("username")
@click.option("--name", default="", help="Her name as shown in the interface.")
@click.option("--admin", "role", flag_value=Role.ADMIN.value,
              help="An administrator: sees and edits everything.")
@click.option("--coordinator", "role", flag_value=Role.COORDINATOR.value, default=True,
              help="A coordinator of some languages (the default).")
@click.option("--language", "languages", multiple=True,
              help="A language she coordinates (repeat the option), e.g. --language so.")
@click.option("--locale", type=click.Choice(["nb", "da", "en"]), default="nb",
              show_default=True, help="The language of her interface.")
@click.password_option(help="Asked for when not given (at least 10 characters).")
def users_create(
    username: str, name: str, role: str, languages: tuple[str, ...], locale: str, password: str
) -> None:
    """Create an account, e.g. the first administrator:
    ``helpline users create ingrid --admin --name "Ingrid B."``.

    ``--admin`` with ``--language`` is refused: an administrator edits every
    language, so the codes would mean nothing while she is one, and would
    silently become her responsibilities if she were ever made a coordinator."""
    if role == Role.ADMIN.value and languages:
        raise click.ClickException(
            "--language is for coordinators: an administrator already edits every "
            "language (leave out --language, or --admin)")
    helpline = service()
    unknown = set(languages) - set(helpline.known_languages)
    if unknown:
        raise click.BadParameter(f"unknown language codes: {', '.join(sorted(unknown))}",
                                 param_hint="--language")
    with helpline.db.unit_of_work() as uow:
        try:
            create_account(uow, username=username, name=name, password=password,
                           role=Role(role), languages=languages, locale=locale)
        except AccountError as error:
            raise click.ClickException(str(error)) from None
        uow.commit()
    click.echo(f"Created the {role} account {username.strip().lower()!r}.")


@users.command("list")
def users_list() -> None:
    """List the accounts (name, role, languages)."""
    with service().db.unit_of_work() as uow:
        for account in uow.accounts.all():
            langs = ",".join(sorted(account.responsible_for())) or "-"
            state = "" if account.active else " (disabled)"
            click.echo(f"{account.username}\t{account.role}\t{langs}{state}")
