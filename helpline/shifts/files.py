"""Schedule files on disk, read for an import: every ``*.yaml`` of a folder or the
files named, each problem naming the path it was read from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from schedules.exceptions import Problem, ScheduleError


def read_files(paths: Iterable[Path]) -> dict[str, tuple[Path, str]]:
    """The texts of schedule files (a folder means every ``*.yaml`` in it but the
    volunteers file), by base name, with the path each was read from. Raises
    ScheduleError naming each file that cannot be read."""
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
