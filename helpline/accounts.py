"""Coordinators' accounts: passwords, creation and authentication.

The rules the web pages and ``helpline users`` share: a user name in lower case,
a password of at least :data:`MIN_PASSWORD_LENGTH` characters hashed with argon2
(``argon2-cffi``'s defaults, rehashed when those change), and a check that takes
as long whether or not the account exists. Ending an account's sessions
(:func:`end_sessions`) is one rule too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from helpline.store.models import Account, AccountLanguage, Role
from helpline.store.unit_of_work import UnitOfWork

MIN_PASSWORD_LENGTH = 10

hasher = PasswordHasher()
# verified against when the account does not exist, so both cases take as long
_DUMMY_HASH = hasher.hash("no such account")


class AccountError(ValueError):
    """An account that cannot be created as asked (message in plain words)."""


def password_hash(password: str) -> str:
    """The argon2 hash of a password that follows the rules (10+ characters)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
        )
    return hasher.hash(password)


def create_account(
    uow: UnitOfWork,
    *,
    username: str,
    name: str,
    password: str,
    role: Role = Role.COORDINATOR,
    languages: Iterable[str] = (),
    locale: str = "en",
) -> Account:
    """Add an account; the use case commits."""
    username = username.strip().lower()
    if not username:
        raise AccountError("the user name is empty")
    hashed = password_hash(password)
    if uow.accounts.by_username(username) is not None:
        raise AccountError(f"there is already an account called {username!r}")
    account = Account(
        username=username,
        name=name or username,
        password_hash=hashed,
        role=role.value,
        locale=locale,
        active=True,
        created_at=datetime.now(UTC),
    )
    account.languages = [AccountLanguage(language=code) for code in sorted(set(languages))]
    uow.accounts.add(account)
    uow.flush()
    return account


def end_sessions(account: Account) -> None:
    """End every session of ``account`` at once, on every device: at logout, and
    when her password, role, languages or active state change (the use case
    commits). The interface checks the generation on every request."""
    account.session_generation += 1


def authenticate(uow: UnitOfWork, username: str, password: str) -> Account | None:
    """The active account with that name and password, or None."""
    account = uow.accounts.by_username(username.strip().lower())
    try:
        hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None or not account.active:
        return None
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hasher.hash(password)
    return account
