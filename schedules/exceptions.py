"""Errors of the schedules package: every problem in a schedule, said in plain words."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from schedules.model import Source


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a schedule, with where it was written when that is known.

    ``str(problem)`` reads like a compiler message: ``oslo.yaml:12: amina-h is
    scheduled for Tigrinya (ti) but does not speak it``.
    """

    file: str | None
    line: int | None
    message: str

    @classmethod
    def at(cls, source: Source | None, message: str) -> Problem:
        """A problem with the rule written at ``source`` (None: not from a file)."""
        if source is None:
            return cls(None, None, message)
        return cls(source.file, source.line, message)

    def __str__(self) -> str:
        if self.file is None:
            return self.message
        if self.line is None:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}: {self.message}"


class ScheduleError(Exception):
    """A schedule (or volunteers file) could not be accepted; ``problems`` lists why,
    all of them, in file and line order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


def unique_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems without repeats (several rules written on one line report once),
    in their first order."""
    return list(dict.fromkeys(problems))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean X?)`` for the choice closest to ``word`` (ignoring case), or
    nothing when none is close."""
    lowered = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f" (did you mean {lowered[close[0]]}?)" if close else ""
