"""``helpline twilio configure|fallback-twiml``: the helpline numbers at Twilio.

Neither needs the running service: they read the settings, and ``configure``
talks to Twilio's REST API (:mod:`helpline.ops.number`).
"""

from __future__ import annotations

from pathlib import Path

import click
from pydantic import ValidationError

from helpline.cli.params import http_url, output_file
from helpline.ops.fallback import DEFAULT_COUNT, fallback_document, fallback_languages
from helpline.ops.number import (
    TWILIO_ERRORS,
    NumberSetupError,
    configure,
    describe,
    helpline_numbers,
    number_urls,
)
from helpline.prompts.catalog import LanguageFileError, UnknownLanguage, load_catalog
from helpline.prompts.recordings import Recordings
from helpline.settings import Settings
from helpline.telephony import build_client
from schedules.phones import phone_number

twilio = click.Group("twilio", help="The helpline's Twilio numbers and their fallback.")


def read_settings() -> Settings:
    """The settings from the environment; a bad value is one line per problem."""
    try:
        return Settings()
    except ValidationError as error:
        raise click.ClickException("bad settings in the environment:\n" + "\n".join(
            f"  - {'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors()
        )) from None


@twilio.command("configure")
@click.option("--fallback-url", required=True, metavar="URL", callback=http_url,
              help="Where the document of `helpline twilio fallback-twiml` is hosted "
                   "(https, not on the service's host).")
@click.option("--fallback-method", type=click.Choice(["GET", "POST"]), default="GET",
              show_default=True, help="How Twilio fetches it (static hosts take GET).")
@click.option("--dry-run", is_flag=True, help="Print what would be set; change nothing.")
def twilio_configure(fallback_url: str, fallback_method: str, dry_run: bool) -> None:
    """Point HELPLINE_NUMBER and every DIRECT_NUMBERS number at PUBLIC_BASE_URL: voice,
    status callback, SMS and the voice fallback."""
    settings = read_settings()
    try:
        urls = number_urls(settings, fallback_url,
                           "POST" if fallback_method == "POST" else "GET")
    except NumberSetupError as error:
        raise click.ClickException(str(error)) from None
    numbers = helpline_numbers(settings)
    verb = "would set" if dry_run else "setting"
    for number in numbers:
        click.echo(f"{number}: {verb}")
        for field, value in urls.fields().items():
            click.echo(f"    {field} = {value}")
    if dry_run:
        click.echo("Dry run: nothing was changed at Twilio.")
        return
    try:
        configure(build_client(settings), numbers, urls)
    except NumberSetupError as error:
        raise click.ClickException(f"{error} (nothing was changed)") from None
    except TWILIO_ERRORS as error:
        raise click.ClickException(describe(error)) from None
    click.echo(f"Configured {len(numbers)} number(s). Check with `helpline doctor`.")


@twilio.command("fallback-twiml")
@click.option("-o", "--output", default=None, callback=output_file,
              help="Write it to this file (default: print it).")
@click.option("--language", "codes", multiple=True, metavar="CODE",
              help="A language to speak besides the local one (repeat; default: the first "
                   f"{DEFAULT_COUNT} of the menu that can be voiced).")
@click.option("--recordings-url", default=None, metavar="URL", callback=http_url,
              help="Where prompts/audio/<code>/<file> are hosted too: languages without a "
                   "Twilio voice are then played from their recordings.")
def twilio_fallback_twiml(output: str | None, codes: tuple[str, ...],
                          recordings_url: str | None) -> None:
    """The static TwiML document for the numbers' voice fallback URL: a technical problem,
    said in the main languages, then the duty phone (EMERGENCY_NUMBER)."""
    settings = read_settings()
    try:
        catalog = load_catalog(settings.languages_file, local=settings.local_language)
    except LanguageFileError as error:
        raise click.ClickException(str(error)) from None
    recordings = Recordings.on_disk()
    try:
        languages = fallback_languages(catalog, recordings, recordings_url=recordings_url,
                                       codes=codes)
    except (UnknownLanguage, ValueError) as error:
        raise click.BadParameter(str(error), param_hint="--language") from None
    if not settings.emergency_number:
        raise click.ClickException(
            "EMERGENCY_NUMBER is not set: set the coordinators' duty phone, which the "
            "fallback dials")
    try:
        emergency = phone_number(settings.emergency_number, strict=True)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    document = str(fallback_document(catalog, recordings, languages,
                                     emergency_number=emergency,
                                     helpline_number=settings.helpline_number,
                                     recordings_url=recordings_url)) + "\n"
    spoken = ", ".join(language.code for language in languages)
    if output is None:
        click.echo(document, nl=False)
        return
    Path(output).write_text(document, encoding="utf-8")
    click.echo(f"Wrote {output}: {spoken}, then the duty phone {emergency}. Host it apart "
               "from the service and pass its address to `helpline twilio configure "
               "--fallback-url`.")
