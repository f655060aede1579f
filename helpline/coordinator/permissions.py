"""Who may change what in the coordinators' interface: every rule, in one place.

An administrator may do everything. A coordinator is responsible for some
languages; she may change only what belongs to them, judged on what an edit
*changes* (a schedule rule's languages, a volunteer's languages), never on the
language in the URL or on a form's token (the token only says the page is not
stale). ``docs/coordinator.md`` states the same rules as a table, and
``tests/e2e/coordinator/test_authorization.py`` checks every route against it.

Pure: no Flask, no database (the views look things up and ask here).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from schedules.model import Away, Closure, ExtraShift, WeeklyShift

Rule = WeeklyShift | ExtraShift | Away | Closure

ADMIN = "admin"


@dataclass(frozen=True)
class User:
    """The logged-in coordinator, as Flask-Login sees her (a copy, not a DB row).

    ``generation`` is her account's session generation when she logged in: the
    session keeps it (:meth:`get_id`), and a session whose generation is no longer
    the account's has ended.
    """

    id: int
    username: str
    name: str
    role: str
    locale: str
    languages: frozenset[str]
    generation: int = 0
    is_active: bool = True
    is_authenticated: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        """What the session keeps: the account and its session generation."""
        return f"{self.id}:{self.generation}"

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    def may_edit(self, language: str) -> bool:
        """Whether she may change ``language``'s shifts and volunteers' ``language``."""
        return self.is_admin or language in self.languages


def may_change_languages(user: User, languages: frozenset[str] | None) -> bool:
    """Whether she may change something of ``languages`` (None: the whole helpline,
    which only an administrator may close)."""
    if user.is_admin:
        return True
    return languages is not None and bool(languages) and languages <= user.languages


def may_edit_volunteer(user: User, speaks: Collection[str], local_language: str) -> bool:
    """Whether she may edit a volunteer who ``speaks`` these languages (and her away
    periods): one of them, other than the local language everyone speaks, is hers."""
    if user.is_admin:
        return True
    return bool((set(speaks) - {local_language}) & user.languages)


def languages_changed(rule: WeeklyShift | ExtraShift | Closure, language: str
                      ) -> frozenset[str] | None:
    """The languages whose schedule an edit of ``rule`` from ``language``'s page
    changes: only ``language``'s part when the rule is for it, else the whole rule's
    (None: a closure of the whole helpline)."""
    if rule.languages is not None and language in rule.languages:
        return frozenset({language})
    return rule.languages


def may_change_rule(user: User, rule: Rule, language: str,
                    speaks: Collection[str], local_language: str) -> bool:
    """Whether she may move or remove ``language``'s part of ``rule`` (``speaks``: the
    languages of the rule's volunteer, if it has one)."""
    if isinstance(rule, Away):
        return may_edit_volunteer(user, speaks, local_language)
    return may_change_languages(user, languages_changed(rule, language))
