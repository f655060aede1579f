"""The SMS texts volunteers receive, in their preferred language.

One file per language, ``helpline/prompts/sms/<code>.yaml``; a file may also
carry ``reviewed`` and ``notes`` (the translator's remarks). A volunteer whose
language has no file gets the local language's texts, and English stands in for
the local language if it has none.
Every file is checked when the service starts: each text present, with exactly
its placeholders, so a translator's slip shows at once and not in an SMS. The
files are read as every hand-written YAML file of the project is, by
:mod:`schedules.yaml_files` (each value the text written, the shape the pydantic
models below), and every problem of every file is reported at once, each with
its file and line (``sms/so.yaml:12: ...``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, ValidationInfo, create_model

from helpline.prompts.files import Name, check_placeholders, misspelt
from schedules.exceptions import Problem
from schedules.yaml_files import Droppable, Flag, Text, YamlFile, YamlModel

SMS_DIR = Path(__file__).resolve().parent / "sms"

#: Each text and the placeholders it must have.
TEXTS: Mapping[str, frozenset[str]] = {
    "help": frozenset(),
    "not_understood": frozenset(),
    "checked_in": frozenset(),
    "checked_in_later": frozenset({"time"}),
    "no_shift_now": frozenset(),
    "checked_out": frozenset(),
    "paused": frozenset({"time"}),
    "pause_limit": frozenset({"max"}),
    "status": frozenset({"shifts", "state"}),
    "no_shifts_today": frozenset(),
    "state_available": frozenset(),
    "state_busy": frozenset(),
    "state_paused": frozenset({"time"}),
    "state_off": frozenset(),
    "state_no_shift": frozenset(),
    "reminder_automatic": frozenset({"languages", "time"}),
    "reminder_sms": frozenset({"languages", "time"}),
    "missed_pause": frozenset({"count", "minutes"}),
    "note_request": frozenset({"topics"}),
    "note_saved": frozenset({"topic"}),
    "note_none": frozenset(),
}

class SmsTextError(ValueError):
    """Mistakes in SMS text files: ``problems`` holds each, with its file and line
    where known; the message says them all, one a line."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class SmsTexts:
    """The texts of one language."""

    code: str
    texts: Mapping[str, str]
    topics: Mapping[str, str]

    def text(self, key: str, **values: object) -> str:
        return self.texts[key].format(**values)

    def topic_menu(self) -> str:
        """``1 health, 2 children and school, ...``"""
        return ", ".join(f"{i} {self.topics[key]}" for i, key in enumerate(TOPICS, start=1))


# The shape of a file


def _sms_text(text: str, info: ValidationInfo) -> str:
    """A text (the field it is read for) with exactly its placeholders."""
    key = str(info.field_name)
    check_placeholders(f"the text {key!r}", text, TEXTS[key])
    return text


class _Topics(YamlModel):
    """What each topic of the after-call note is called, in the order of their digits
    (1 = health)."""

    model_config = ConfigDict(title="topics")

    health: Name
    children: Name
    work_money: Name
    family: Name
    authorities: Name
    loneliness: Name
    other: Name


#: The topics of the after-call note, in the order of their digits (1 = health).
TOPICS: tuple[str, ...] = tuple(_Topics.model_fields)


class _FileBase(YamlModel):
    model_config = ConfigDict(title="the file")

    reviewed: Droppable[Flag] = None
    notes: Droppable[Text] = None
    topics: Droppable[_Topics]


_SmsText = Droppable[Annotated[Name, AfterValidator(_sms_text)]]
_TEXTS: dict[str, Any] = {key: (_SmsText, ...) for key in TEXTS}
_SmsFile = create_model("_SmsFile", __base__=_FileBase, **_TEXTS)


# Reading


def read_texts(path: Path) -> SmsTexts:
    """The texts of the file at ``path``; :class:`SmsTextError` with every problem
    of the file."""
    try:
        document = YamlFile(path.read_text(encoding="utf-8"), str(path))
    except UnicodeDecodeError:
        raise SmsTextError([Problem(str(path), None, "the file is not UTF-8 text")]) from None
    except OSError as error:
        problem = Problem(str(path), None, f"cannot read the file: {error.strerror}")
        raise SmsTextError([problem]) from None
    read = document.check(_SmsFile)
    if read is None or document.problems:
        data = document.data if isinstance(document.data, dict) else {}
        said = misspelt(data, (), _SmsFile) | misspelt(data.get("topics"), ("topics",), _Topics)
        raise SmsTextError(sorted(
            (problem for problem in document.problems if document.path_of(problem) not in said),
            key=lambda problem: problem.line or 0,
        ))
    return SmsTexts(
        path.stem,
        {key: getattr(read, key) for key in TEXTS},
        {key: getattr(read.topics, key) for key in TOPICS},
    )


class SmsCatalog:
    """Every SMS text file, and the fall-back for languages without one."""

    def __init__(self, local: str, directory: Path = SMS_DIR) -> None:
        """Read every file in ``directory``; :class:`SmsTextError` with the problems of
        all of them at once."""
        self.by_code: dict[str, SmsTexts] = {}
        problems: list[Problem] = []
        for path in sorted(directory.glob("*.yaml")):
            try:
                self.by_code[path.stem] = read_texts(path)
            except SmsTextError as error:
                problems.extend(error.problems)
        if not (directory / "en.yaml").is_file():
            problems.append(
                Problem(str(directory), None, "en.yaml (the last fall-back) is missing"))
        if problems:
            raise SmsTextError(problems)
        self.local = self.by_code.get(local, self.by_code["en"])

    def for_language(self, code: str | None) -> SmsTexts:
        return self.by_code.get(code or "", self.local)
