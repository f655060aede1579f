"""Reading and checking ``languages.yaml`` and the prompt files.

This is the file format, described for the people who edit it in
``docs/languages.md``. Both files are read as every hand-written YAML file of the
project is, by :mod:`schedules.yaml_files`: ruamel.yaml keeps each value as the
text written (a menu code ``"05"`` or a language code ``no`` stays text), the
shape is checked by the pydantic models below, and the checks across entries
(codes and digits used twice, ``menu_order``, the names a prompt file must give)
follow. Every problem of a file is found at once, each with the file, the line,
the entry (a language code) and the problem in plain words; they are raised
together as a :class:`LanguageFileError`. :mod:`helpline.prompts.catalog` turns
what is read here into the catalog; :mod:`helpline.prompts.sms_texts` checks its
texts with the helpers here.
"""

from __future__ import annotations

import difflib
import re
import string
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationInfo,
    create_model,
    model_validator,
)

from schedules.exceptions import did_you_mean
from schedules.yaml_files import (
    KEY,
    Droppable,
    Entries,
    Fields,
    Flag,
    Text,
    YamlFile,
    YamlModel,
    parsed,
)
from schedules.yaml_files import Path as YamlPath

PROMPT_KEYS: tuple[str, ...] = (
    # the caller hears these
    "menu_entry", "greeting", "menu_invalid", "connecting", "hold_update", "all_busy",
    "fallback_offer", "nobody_on_shift", "opening_hours", "call_back", "goodbye", "emergency",
    "technical_problem",
    # the volunteer hears these, in her preferred language
    "whisper", "whisper_declined", "whisper_accepted",
)

#: The placeholders each prompt must contain (all others must contain none).
PLACEHOLDERS: Mapping[str, frozenset[str]] = MappingProxyType({
    "menu_entry": frozenset({"digits"}), "connecting": frozenset({"language"}),
    "fallback_offer": frozenset({"fallback"}), "opening_hours": frozenset({"hours"}),
    "whisper": frozenset({"language"}),
})

_CODE_PATTERN = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_DIGITS_PATTERN = re.compile(r"[0-9]+")


class LanguageFileError(Exception):
    """A mistake in ``languages.yaml`` or a prompt file, explained in plain words.

    The message names the file (with the line where that is known), the entry
    (a language code, or its position when it has no usable code) and the problem.
    A file with several mistakes gives one error whose message says them all, one
    a line; ``problems`` holds each as an error of its own, the first (whose
    ``file``, ``line``, ``entry`` and ``problem`` this error has) first.
    """

    def __init__(self, file: Path | str, problem: str, *, entry: str | None = None,
                 line: int | None = None, more: Sequence[LanguageFileError] = ()) -> None:
        self.file = str(file)
        self.entry = entry
        self.line = line
        self.problem = problem
        where = self.file if line is None else f"{self.file}, line {line}"
        if entry is not None:
            where = f"{where}, {entry}"
        super().__init__("\n".join([f"{where}: {problem}", *(str(error) for error in more)]))
        self.problems: tuple[LanguageFileError, ...] = (
            (LanguageFileError(file, problem, entry=entry, line=line), *more) if more else (self,)
        )


@dataclass(frozen=True)
class SayVoice:
    """A Twilio ``<Say>`` voice: its ``language`` and ``voice`` attributes.

    ``voice`` ``None`` leaves the voice to Twilio's default for the language.
    """

    language: str
    voice: str | None


@dataclass(frozen=True)
class Entry:
    """One language as ``languages.yaml`` describes it, checked."""

    code: str
    english: str
    native: str
    native_alt: str | None
    digits: str
    say: SayVoice | None
    local: bool
    line: int | None


@dataclass(frozen=True)
class PromptFile:
    """A language's prompt file, checked: its prompts, review state and names."""

    prompts: Mapping[str, str]
    reviewed: bool
    names: Mapping[str, str]


# --- values -------------------------------------------------------------------------


def check_placeholders(name: str, text: str, wanted: Collection[str]) -> None:
    """Raise ValueError unless ``text`` holds exactly the placeholders ``wanted``
    (``{language}``); ``name`` names the text in the message."""
    look = "placeholders look like {language}"
    try:
        parsed_text = list(string.Formatter().parse(text))
    except ValueError:
        raise ValueError(f"{name}: a '{{' or '}}' is not closed; {look}") from None
    found: set[str] = set()
    for _, field, spec, conversion in parsed_text:
        if field is not None and (not field.isidentifier() or spec or conversion):
            written = field + (f"!{conversion}" if conversion else "") + (
                f":{spec}" if spec else "")
            raise ValueError(f"{name}: {{{written}}} is not a placeholder; {look}")
        found.update([field] if field is not None else [])
    missing, extra = _braced(set(wanted) - found), _braced(found - set(wanted))
    if missing and extra:
        raise ValueError(f"{name} must contain {missing}, not {extra}")
    if missing:
        raise ValueError(f"{name} must contain {missing}")
    if extra:
        allowed = ", ".join(f"{{{field}}}" for field in sorted(wanted)) or "none"
        raise ValueError(f"{name} cannot contain {extra} (placeholders allowed here: {allowed})")


def _braced(fields: Iterable[str]) -> str:
    return _listing([f"{{{field}}}" for field in sorted(fields)])


def _listing(words: Sequence[str]) -> str:
    """``'a'``, ``'a' and 'b'``, ``'a', 'b' and 'c'``."""
    return f"{', '.join(words[:-1])} and {words[-1]}" if len(words) > 1 else "".join(words)


def _code(text: str) -> str:
    if not _CODE_PATTERN.fullmatch(code := text.strip()):
        raise ValueError(f"code {code!r} is not a BCP 47 language code such as 'so', 'ar' or "
                         "'fa-AF'")
    return code


def _digits(value: Any) -> str:
    if isinstance(value, str) and _DIGITS_PATTERN.fullmatch(value):
        return value
    got = repr(value) if isinstance(value, str) else "a list" if isinstance(value, list) else (
        "a set of fields")
    raise ValueError(f"digits must be the keys 0-9 that a caller presses, got {got}")


def _recorded(text: str) -> bool:
    if text.strip().lower() != "true":
        raise ValueError("voice: recorded must be true (for a Twilio voice write 'say:' instead)")
    return True


def _prompt(text: str, info: ValidationInfo) -> str:
    """A prompt (the field it is read for) with exactly its placeholders; spaces and
    line breaks become one space."""
    key = str(info.field_name)
    check_placeholders(key, text, PLACEHOLDERS.get(key, frozenset()))
    return " ".join(text.split())


# --- the shape of the files -----------------------------------------------------------

Name = Annotated[str, parsed(str.strip)]
"""One value, not empty, without the spaces around it."""

_SHAPE = (
    "write either 'voice: {say: {language: nb-NO, voice: Polly.Liv}}' or 'voice: {recorded: true}'"
)
_REVIEWED = (
    "'reviewed: false' (or true, once a native speaker has checked every prompt) is required"
)


def _one_voice(value: Any) -> Any:
    if not isinstance(value, dict) or len(value) != 1 or not set(value) <= {"say", "recorded"}:
        raise ValueError(f"voice has the wrong shape: {_SHAPE}")
    return value


_VOICE_NAME = re.compile(r"(Polly|Google)\.[A-Za-z0-9-]+|man|woman|alice")


def _say_block(value: Any) -> Any:
    if not isinstance(value, dict):
        raise ValueError(f"voice: say must hold language and voice: {_SHAPE}")
    return value


class _Say(YamlModel):
    model_config = ConfigDict(title="say")

    language: Name | None = None  # required, with its own message below
    voice: Name | None = None

    @model_validator(mode="after")
    def _a_language_the_voice_speaks(self) -> _Say:
        language, voice = self.language, self.voice or ""
        if language is None:
            raise ValueError("voice: say needs a language, the Twilio <Say> language code such "
                             "as nb-NO")
        if voice and not _VOICE_NAME.fullmatch(voice):
            raise ValueError(f"voice: {voice!r} is not a Twilio voice name such as Polly.Liv or "
                             "Google.nb-NO-Standard-A; leave voice out for Twilio's default")
        if voice.startswith("Google.") and not voice.startswith(f"Google.{language}-"):
            raise ValueError(f"voice: the Google voice {voice} does not speak the language "
                             f"{language} (its name should start with Google.{language}-)")
        return self

    def as_voice(self) -> SayVoice:
        return SayVoice(str(self.language), self.voice)


class _Voice(YamlModel):
    model_config = ConfigDict(title="voice")

    say: Annotated[_Say, BeforeValidator(_say_block)] | None = None
    recorded: Annotated[bool, parsed(_recorded)] | None = None


class _Entry(YamlModel):
    model_config = ConfigDict(title="this language")

    # Each field is read on its own, so that a language with one mistake still
    # has its code and digits compared with the others'.
    code: Droppable[Annotated[str, parsed(_code)]]
    english: Droppable[Name]
    native: Droppable[Name]
    native_alt: Droppable[Name] = None
    digits: Droppable[Annotated[str, PlainValidator(_digits)]]
    voice: Droppable[Annotated[_Voice, BeforeValidator(_one_voice)]]
    local: Droppable[Flag] = False


class _LanguagesFile(YamlModel):
    model_config = ConfigDict(title="the file")

    languages: Droppable[Entries[Droppable[_Entry]]]
    menu_order: Droppable[Entries[Droppable[Name]]]


class _PromptMeta(YamlModel):
    model_config = ConfigDict(title="the file")

    reviewed: Droppable[Flag] = None  # required, with its own message (_REVIEWED)
    reviewed_by: Droppable[Name] = None
    notes: Droppable[Text] = None
    names: Droppable[Fields[Droppable[Name]]] = Field(None, title="the name of {key}")


_PromptText = Droppable[Annotated[Name, AfterValidator(_prompt)]]
_PROMPTS: dict[str, Any] = {key: (_PromptText, ...) for key in PROMPT_KEYS}
_PromptFile = create_model("_PromptFile", __base__=_PromptMeta, **_PROMPTS)


# --- languages.yaml -----------------------------------------------------------------


def read_languages(path: Path) -> tuple[list[Entry], list[str]]:
    """The checked entries of ``languages.yaml`` and its ``menu_order``; a
    :class:`LanguageFileError` with every problem of the file."""
    document = _document(path)
    top = document.check(_LanguagesFile)
    read = list(enumerate(top.languages or [])) if top is not None else []
    if top is not None and top.languages == []:
        document.report(("languages",), "there are no languages: write each as a block "
                        "starting with '- code:'")
    _check_codes(document, read)
    _check_digits(document, read)
    if top is not None and top.menu_order is not None:
        every_code = len(read) > 0 and all(e is not None and e.code for _, e in read)
        _check_menu_order(document, top.menu_order, read, every_code)
    said = misspelt(document.data, (), _LanguagesFile)
    for index, _ in read:
        said |= misspelt(document.data["languages"][index], ("languages", index), _Entry)
    _raise_problems(document, lambda at: _entry_label(document, at), said)
    entries = [
        Entry(e.code, e.english, e.native, e.native_alt, e.digits,
              e.voice.say.as_voice() if e.voice.say else None, bool(e.local),
              document.line(("languages", index)))
        for index, e in read
        if e is not None and e.code and e.english and e.native and e.digits and e.voice
    ]
    return entries, [code for code in (top.menu_order if top and top.menu_order else ()) if code]


def _check_codes(document: YamlFile, read: list[tuple[int, _Entry | None]]) -> None:
    first: dict[str, int] = {}
    for index, entry in read:
        if entry is None or entry.code is None:
            continue
        if entry.code in first:
            line = document.line(("languages", first[entry.code], "code"))
            document.report(("languages", index, "code"),
                            f"the code {entry.code!r} is used twice (also on line {line})")
        else:
            first[entry.code] = index


def _check_digits(document: YamlFile, read: list[tuple[int, _Entry | None]]) -> None:
    with_digits = [(index, e, e.code, e.digits) for index, e in read
                   if e is not None and e.code is not None and e.digits is not None]
    if not with_digits:
        return
    _, _, first_code, first_digits = with_digits[0]
    for index, _, _, digits in with_digits:
        at = ("languages", index, "digits")
        if len(digits) != len(first_digits):
            document.report(at, f"digits {digits!r} has {len(digits)} digits but {first_code!r} "
                            f"has {len(first_digits)}; every language needs the same number of "
                            "digits, so the menu knows when a caller has finished")
        if not document.quoted(at):
            document.report(at, f'write digits in quotes, e.g. digits: "{digits}" (without quotes '
                            "other YAML readers see a number, and a leading 0 would be lost)")
    # Only one local language is in the menu at a time, so local languages may share
    # digits with each other, but with no other language.
    taken: dict[str, str] = {}
    for local in (False, True):
        for index, entry, code, digits in with_digits:
            if entry.local is not local:
                continue  # the other kind, or not known (its own problem says why)
            if digits in taken:
                document.report(("languages", index, "digits"), f"digits {digits!r} are also "
                                f"those of {taken[digits]!r}; each language needs its own")
            elif not local:
                taken[digits] = code


def _check_menu_order(
    document: YamlFile, order: list[str | None], read: list[tuple[int, _Entry | None]],
    every_code: bool,
) -> None:
    """Every language listed once; a code that is no language's is said only when
    every language's code could be read (else it may be one that could not)."""
    known = [e.code for _, e in read if e is not None and e.code is not None]
    seen: set[str] = set()
    for index, code in enumerate(order):
        if code is None:
            continue
        if every_code and code not in known:
            document.report(("menu_order", index), f"{code!r} is not the code of any "
                            f"language{did_you_mean(code, known)}")
        elif code in seen:
            document.report(("menu_order", index), f"{code!r} is listed twice")
        seen.add(code)
    missing = [code for code in known if code not in seen]
    if missing and None not in order:
        listed = ", ".join(repr(code) for code in missing)
        document.report(("menu_order", KEY), f"{listed} missing: every language must be listed "
                        "once")


def _entry_label(document: YamlFile, at: YamlPath) -> str | None:
    """The entry a problem at ``at`` is in: "menu_order", "language 'so'" or, for a
    language without a usable code, "language number 3"."""
    if at[:1] == ("menu_order",):
        return "menu_order"
    if len(at) < 2 or at[0] != "languages" or not isinstance(at[1], int):
        return None
    raw = document.data["languages"][at[1]]
    code = raw.get("code") if isinstance(raw, dict) else None
    if isinstance(code, str) and code.strip():
        return f"language {code.strip()!r}"
    return f"language number {at[1] + 1}"


# --- prompt files -------------------------------------------------------------------


def read_prompts(
    directory: Path, entry: Entry, codes: Iterable[str], locals_: Iterable[str]
) -> PromptFile:
    """Read ``<directory>/<code>.yaml`` for ``entry``; ``codes`` are all the codes of
    ``languages.yaml`` and ``locals_`` those of its local languages. A
    :class:`LanguageFileError` with every problem of the file."""
    path = directory / f"{entry.code}.yaml"
    label = f"language {entry.code!r}"
    if not path.is_file():
        raise LanguageFileError(
            path,
            f"the prompt file is missing; every language in languages.yaml needs "
            f"{entry.code}.yaml with all its prompts",
            entry=label,
        )
    document = _document(path, label)
    read = document.check(_PromptFile)
    if read is not None and isinstance(document.data, dict):
        if "reviewed" not in document.data:
            document.report(("reviewed",), _REVIEWED)
        elif read.reviewed and not read.reviewed_by:
            document.report(("reviewed",), "reviewed: true needs reviewed_by: who checked the "
                            'prompts, and when (e.g. reviewed_by: "Hodan A., volunteer, 2026-03")')
        known = set(codes)
        # A local language's file names every language: a volunteer who prefers it
        # hears the caller's language named in it ("Samtale på somali").
        required = known if entry.local else {entry.code, *locals_}
        if "names" not in document.data or read.names is not None:
            _check_names(document, read.names or {}, known, required)
    _raise_problems(document, lambda _at: label, misspelt(document.data, (), _PromptFile))
    if read is None:  # not reached: a file that cannot be read has a problem saying why
        raise LanguageFileError(path, "the file cannot be read", entry=label)
    names = {code: name for code, name in (read.names or {}).items() if name}
    return PromptFile(
        prompts=MappingProxyType({key: getattr(read, key) for key in PROMPT_KEYS}),
        reviewed=bool(read.reviewed),
        names=MappingProxyType(names),
    )


def _check_names(
    document: YamlFile, names: Mapping[str, str | None], codes: set[str], required: set[str]
) -> None:
    for code in names:
        if code not in codes:
            document.report(("names", code, KEY), f"names: {code!r} is not the code of any "
                            f"language{did_you_mean(code, codes)}")
    missing = [repr(code) for code in sorted(required - set(names))]
    if missing:
        document.report(("names",), f"names: give the name of {_listing(missing)} in this "
                        "language (needed when a prompt names it)")


# --- reading and reporting ------------------------------------------------------------


def _document(path: Path, entry: str | None = None) -> YamlFile:
    try:
        return YamlFile(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as error:
        problem = (
            "the file does not exist" if isinstance(error, FileNotFoundError)
            else "the file is not saved as UTF-8 text" if isinstance(error, UnicodeDecodeError)
            else f"the file cannot be read: {error.strerror}"
        )
        raise LanguageFileError(path, problem, entry=entry) from None


def misspelt(mapping: Any, at: YamlPath, model: type[YamlModel]) -> set[YamlPath]:
    """The paths of the fields missing from ``mapping`` (at ``at`` in its file) that
    one of its unknown keys is a misspelling of (``englsh`` for ``english``): the
    unknown key's problem says "did you mean english?", so "needs 'english'" would
    say the same mistake again."""
    if not isinstance(mapping, dict):
        return set()
    fields = [field.alias or name for name, field in model.model_fields.items()]
    missing = {field.lower(): field for field in fields if field not in mapping}
    found: set[YamlPath] = set()
    for key in mapping:
        if key not in fields:
            close = difflib.get_close_matches(str(key).lower(), list(missing), n=1, cutoff=0.6)
            found.update((*at, missing[word]) for word in close)
    return found


def _raise_problems(
    document: YamlFile, entry: Callable[[YamlPath], str | None], said: set[YamlPath]
) -> None:
    """Raise every problem of ``document`` as one error, but those at ``said`` (their
    mistake is said by another problem)."""
    errors = [
        LanguageFileError(document.file, problem.message, entry=entry(at), line=problem.line)
        for problem in sorted(document.problems, key=lambda problem: problem.line or 0)
        if (at := document.path_of(problem)) not in said
    ]
    if errors:
        first = errors[0]
        raise LanguageFileError(document.file, first.problem, entry=first.entry,
                                line=first.line, more=errors[1:])
