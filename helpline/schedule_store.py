"""The schedule in the database: validated YAML documents, read as one Schedule.

Every change — an import, an edit in the coordinator interface — goes through
:func:`replace_documents`, which validates the whole schedule with the
``schedules`` package (problems name the file, the line and what is wrong)
before anything is stored. The caller commits, then calls
``helpline.roster.apply_now`` so the router follows at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from helpline.models import ScheduleDocument, Volunteer
from schedules.exceptions import Problem, ScheduleError
from schedules.model import Schedule
from schedules.yaml_io import dump, load_texts

KnownLanguages = Mapping[str, str]  # code -> name used in problems ("Somali")


def volunteer_languages(session: Session) -> dict[str, frozenset[str]]:
    """Each volunteer's key and the languages she speaks (what validation needs)."""
    return {
        volunteer.key: frozenset(volunteer.speaks())
        for volunteer in session.scalars(select(Volunteer))
    }


def documents(session: Session) -> dict[str, str]:
    """The stored schedule files, by name."""
    rows = session.scalars(select(ScheduleDocument).order_by(ScheduleDocument.name))
    return {row.name: row.text for row in rows}


def load_schedule(session: Session, known: KnownLanguages) -> Schedule | None:
    """The whole schedule, or None when no schedule has been imported yet."""
    texts = documents(session)
    if not texts:
        return None
    return load_texts(texts, known, volunteer_languages(session))


_cache: dict[tuple[object, ...], Schedule | None] = {}


def current_schedule(session: Session, known: KnownLanguages) -> Schedule | None:
    """Like :func:`load_schedule`, but parsed again only when the documents changed
    (one cheap query decides): fast enough for every call."""
    version = tuple(
        session.execute(
            select(func.count(ScheduleDocument.id), func.max(ScheduleDocument.updated_at))
        ).one()
    ) + (tuple(sorted(known)),)
    if version not in _cache:
        _cache.clear()
        _cache[version] = load_schedule(session, known)
    return _cache[version]


def replace_documents(
    session: Session,
    texts: Mapping[str, str],
    known: KnownLanguages,
    *,
    actor: str,
    now: datetime | None = None,
) -> Schedule:
    """Validate ``texts`` as the whole schedule and store them in place of the old
    documents. Raises ScheduleError (and changes nothing) if anything is wrong."""
    schedule = load_texts(texts, known, volunteer_languages(session))
    now = now or datetime.now(UTC)
    session.execute(delete(ScheduleDocument))
    session.add_all(
        ScheduleDocument(name=name, text=text, updated_at=now, updated_by=actor)
        for name, text in texts.items()
    )
    session.flush()
    return schedule


def save_schedule(
    session: Session, schedule: Schedule, known: KnownLanguages, *, actor: str
) -> Schedule:
    """Store an edited schedule (from the coordinator interface)."""
    return replace_documents(session, dump(schedule), known, actor=actor)


def read_files(paths: Iterable[Path]) -> dict[str, str]:
    """The texts of schedule files (a folder means every ``*.yaml`` in it), by base
    name. Raises ScheduleError naming each file that cannot be read."""
    return {name: text for name, (_path, text) in read_files_with_paths(paths).items()}


def read_files_with_paths(paths: Iterable[Path]) -> dict[str, tuple[Path, str]]:
    """Like :func:`read_files`, keeping where each file was read from."""
    texts: dict[str, tuple[Path, str]] = {}
    problems: list[Problem] = []
    for path in paths:
        files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        for file in files:
            if file.name == "volunteers.yaml":
                continue  # the volunteers file is imported on its own
            try:
                texts[file.name] = (file, file.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as error:
                problems.append(Problem(str(file), None, f"cannot read the file: {error}"))
    if problems:
        raise ScheduleError(problems)
    return texts


def with_paths(error: ScheduleError, paths: Mapping[str, Path]) -> ScheduleError:
    """The same problems, naming each file by the path it was read from."""
    return ScheduleError([
        Problem(str(paths[p.file]) if p.file and p.file in paths else p.file, p.line, p.message)
        for p in error.problems
    ])
