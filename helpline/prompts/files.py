"""Reading and checking ``languages.yaml`` and the prompt files.

This is the file format, described for the people who edit it in
``docs/languages.md``: every mistake becomes a :class:`LanguageFileError` whose
message names the file (and line), the entry and the problem in plain words.
:mod:`helpline.prompts.catalog` turns what is read here into the catalog.
"""

from __future__ import annotations

import difflib
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

PROMPT_KEYS: tuple[str, ...] = (
    # the caller hears these
    "menu_entry",
    "greeting",
    "menu_invalid",
    "connecting",
    "hold_update",
    "all_busy",
    "fallback_offer",
    "nobody_on_shift",
    "opening_hours",
    "call_back",
    "goodbye",
    "emergency",
    "technical_problem",
    # the volunteer hears these, in her preferred language
    "whisper",
    "whisper_declined",
    "whisper_accepted",
)

#: The placeholders each prompt must contain (all others must contain none).
PLACEHOLDERS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "menu_entry": frozenset({"digits"}),
        "connecting": frozenset({"language"}),
        "fallback_offer": frozenset({"fallback"}),
        "opening_hours": frozenset({"hours"}),
        "whisper": frozenset({"language"}),
    }
)

_ENTRY_FIELDS = ("code", "english", "native", "native_alt", "digits", "voice", "local")
_REQUIRED_ENTRY_FIELDS = ("code", "english", "native", "digits", "voice")
_TOP_LEVEL_KEYS = ("languages", "menu_order")
_PROMPT_FILE_META = ("reviewed", "reviewed_by", "notes", "names")
_CODE_PATTERN = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_DIGITS_PATTERN = re.compile(r"[0-9]+")


class LanguageFileError(Exception):
    """A mistake in ``languages.yaml`` or a prompt file, explained in plain words.

    The message names the file (with the line where that is known), the entry
    (a language code, or its position when it has no usable code) and the problem.
    """

    def __init__(
        self, file: Path | str, problem: str, *, entry: str | None = None, line: int | None = None
    ) -> None:
        self.file = str(file)
        self.entry = entry
        self.line = line
        self.problem = problem
        where = self.file if line is None else f"{self.file}, line {line}"
        if entry is not None:
            where = f"{where}, {entry}"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class SayVoice:
    """A Twilio ``<Say>`` voice: its ``language`` and ``voice`` attributes.

    ``voice`` ``None`` leaves the voice to Twilio's default for the language.
    """

    language: str
    voice: str | None


# --- reading YAML with line numbers -------------------------------------------------


class _Map(dict[str, Any]):
    """A YAML mapping that remembers the line of itself and of each of its keys."""

    line: int
    key_lines: dict[str, int]


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int) -> None:
        super().__init__(key, line)
        self.key = key
        self.line = line


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    result = _Map()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            raise _DuplicateKey(key, line)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LanguageFileError(path, "the file does not exist") from None
    except UnicodeDecodeError:
        raise LanguageFileError(path, "the file is not saved as UTF-8 text") from None
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader: builds plain data only
    except _DuplicateKey as dup:
        raise LanguageFileError(
            path, f"{dup.key!r} is written twice; keep only one", line=dup.line
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise LanguageFileError(
            path, f"this is not valid YAML ({problem}); check indentation and quotes", line=line
        ) from None


def _line(mapping: Any, key: str | None = None) -> int | None:
    if not isinstance(mapping, _Map):
        return None
    if key is not None and key in mapping.key_lines:
        return mapping.key_lines[key]
    return mapping.line


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --- languages.yaml -----------------------------------------------------------------


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


def _text(path: Path, entry: _Map, key: str, label: str) -> str:
    value = entry[key]
    if not isinstance(value, str) or not value.strip():
        raise LanguageFileError(
            path, f"{key} must be a non-empty text", entry=label, line=_line(entry, key)
        )
    return value.strip()


def _voice(path: Path, entry: _Map, label: str) -> SayVoice | None:
    voice = entry["voice"]
    line = _line(entry, "voice")
    shape = (
        "write either 'voice: {say: {language: nb-NO, voice: Polly.Liv}}' "
        "or 'voice: {recorded: true}'"
    )
    if not isinstance(voice, dict) or len(voice) != 1 or not set(voice) <= {"say", "recorded"}:
        raise LanguageFileError(path, f"voice has the wrong shape: {shape}", entry=label, line=line)
    if "recorded" in voice:
        if voice["recorded"] is not True:
            raise LanguageFileError(
                path,
                "voice: recorded must be true (for a Twilio voice write 'say:' instead)",
                entry=label,
                line=_line(voice, "recorded") or line,
            )
        return None
    say = voice["say"]
    say_line = _line(voice, "say") or line
    if not isinstance(say, dict):
        raise LanguageFileError(
            path, f"voice: say must hold language and voice: {shape}", entry=label, line=say_line
        )
    unknown = sorted(set(say) - {"language", "voice"})
    if unknown:
        raise LanguageFileError(
            path,
            f"voice: say has an unknown key {unknown[0]!r}; only language and voice are allowed",
            entry=label,
            line=say_line,
        )
    language = say.get("language")
    if not isinstance(language, str) or not language.strip():
        raise LanguageFileError(
            path,
            "voice: say needs a language, the Twilio <Say> language code such as nb-NO",
            entry=label,
            line=say_line,
        )
    name = say.get("voice")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise LanguageFileError(
            path,
            "voice: say: voice must be a Twilio voice name such as Polly.Liv, or left out",
            entry=label,
            line=say_line,
        )
    language, name = language.strip(), name.strip() if name else None
    if (
        name is not None
        and name.startswith("Google.")
        and not name.startswith(f"Google.{language}-")
    ):
        raise LanguageFileError(
            path,
            f"voice: the Google voice {name} does not speak the language {language} "
            f"(its name should start with Google.{language}-)",
            entry=label,
            line=say_line,
        )
    return SayVoice(language=language, voice=name)


def _entry(path: Path, raw: Any, index: int) -> Entry:
    position = f"language number {index + 1}"
    if not isinstance(raw, _Map):
        raise LanguageFileError(
            path, "each language must be a block of 'key: value' lines", entry=position
        )
    code = raw.get("code")
    label = f"language {code!r}" if isinstance(code, str) and code.strip() else position
    for key in raw:
        if key not in _ENTRY_FIELDS:
            raise LanguageFileError(
                path,
                f"unknown field {key!r}{_suggest(key, _ENTRY_FIELDS)}; "
                f"the fields are: {', '.join(_ENTRY_FIELDS)}",
                entry=label,
                line=_line(raw, key),
            )
    for key in _REQUIRED_ENTRY_FIELDS:
        if key not in raw:
            raise LanguageFileError(
                path, f"the field {key!r} is missing", entry=label, line=_line(raw)
            )
    code = _text(path, raw, "code", label)
    if not _CODE_PATTERN.fullmatch(code):
        raise LanguageFileError(
            path,
            f"code {code!r} is not a BCP 47 language code such as 'so', 'ar' or 'fa-AF'",
            entry=label,
            line=_line(raw, "code"),
        )
    digits = raw["digits"]
    if isinstance(digits, int) and not isinstance(digits, bool):
        raise LanguageFileError(
            path,
            f'write digits in quotes, e.g. digits: "{digits}" (without quotes YAML reads '
            "a number, and a leading 0 would change it)",
            entry=label,
            line=_line(raw, "digits"),
        )
    if not isinstance(digits, str) or not _DIGITS_PATTERN.fullmatch(digits):
        raise LanguageFileError(
            path,
            f"digits must be the keys 0-9 that a caller presses, got {digits!r}",
            entry=label,
            line=_line(raw, "digits"),
        )
    local = raw.get("local", False)
    if not isinstance(local, bool):
        raise LanguageFileError(
            path, "local must be true or false", entry=label, line=_line(raw, "local")
        )
    native_alt = _text(path, raw, "native_alt", label) if "native_alt" in raw else None
    return Entry(
        code=code,
        english=_text(path, raw, "english", label),
        native=_text(path, raw, "native", label),
        native_alt=native_alt,
        digits=digits,
        say=_voice(path, raw, label),
        local=local,
        line=_line(raw),
    )


def _check_digits(path: Path, entries: list[Entry]) -> None:
    length = len(entries[0].digits)
    for entry in entries:
        if len(entry.digits) != length:
            raise LanguageFileError(
                path,
                f"digits {entry.digits!r} has {len(entry.digits)} digits but "
                f"{entries[0].code!r} has {length}; every language needs the same number "
                "of digits, so the menu knows when a caller has finished",
                entry=f"language {entry.code!r}",
                line=entry.line,
            )
    # Only one local language is in the menu at a time, so local languages may share
    # digits with each other, but with no other language.
    taken: dict[str, str] = {}
    for entry in entries:
        if entry.local:
            continue
        if entry.digits in taken:
            raise LanguageFileError(
                path,
                f"digits {entry.digits!r} are also those of {taken[entry.digits]!r}; "
                "each language needs its own",
                entry=f"language {entry.code!r}",
                line=entry.line,
            )
        taken[entry.digits] = entry.code
    for entry in entries:
        if entry.local and entry.digits in taken:
            raise LanguageFileError(
                path,
                f"digits {entry.digits!r} are also those of {taken[entry.digits]!r}; "
                "each language needs its own",
                entry=f"language {entry.code!r}",
                line=entry.line,
            )


def _menu_order(path: Path, document: _Map, entries: list[Entry]) -> list[str]:
    order = document["menu_order"]
    line = _line(document, "menu_order")
    if not isinstance(order, list) or not all(isinstance(code, str) for code in order):
        raise LanguageFileError(
            path, "menu_order must be a list of language codes", entry="menu_order", line=line
        )
    known = [entry.code for entry in entries]
    seen: set[str] = set()
    for code in order:
        if code not in known:
            raise LanguageFileError(
                path,
                f"{code!r} is not the code of any language{_suggest(code, known)}",
                entry="menu_order",
                line=line,
            )
        if code in seen:
            raise LanguageFileError(
                path, f"{code!r} is listed twice", entry="menu_order", line=line
            )
        seen.add(code)
    missing = [code for code in known if code not in seen]
    if missing:
        raise LanguageFileError(
            path,
            f"{', '.join(repr(code) for code in missing)} missing: every language must be "
            "listed once",
            entry="menu_order",
            line=line,
        )
    return list(order)


def read_languages(path: Path) -> tuple[list[Entry], list[str]]:
    """The checked entries of ``languages.yaml`` and its ``menu_order``."""
    document = _read_yaml(path)
    if not isinstance(document, _Map):
        raise LanguageFileError(
            path, "the file must have 'languages:' and 'menu_order:' at the top"
        )
    for key in document:
        if key not in _TOP_LEVEL_KEYS:
            raise LanguageFileError(
                path,
                f"unknown top-level key {key!r}{_suggest(key, _TOP_LEVEL_KEYS)}; "
                f"the file has: {', '.join(_TOP_LEVEL_KEYS)}",
                line=_line(document, key),
            )
    for key in _TOP_LEVEL_KEYS:
        if key not in document:
            raise LanguageFileError(path, f"'{key}:' is missing at the top of the file")
    raw_entries = document["languages"]
    if not isinstance(raw_entries, list) or not raw_entries:
        raise LanguageFileError(
            path,
            "languages must be a list of languages, each starting with '- code:'",
            line=_line(document, "languages"),
        )
    entries = [_entry(path, raw, index) for index, raw in enumerate(raw_entries)]
    codes: dict[str, Entry] = {}
    for entry in entries:
        if entry.code in codes:
            raise LanguageFileError(
                path,
                f"the code {entry.code!r} is used twice (also on line {codes[entry.code].line})",
                entry=f"language {entry.code!r}",
                line=entry.line,
            )
        codes[entry.code] = entry
    _check_digits(path, entries)
    return entries, _menu_order(path, document, entries)


# --- prompt files -------------------------------------------------------------------


def _placeholders(path: Path, key: str, text: str, label: str, line: int | None) -> set[str]:
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        raise LanguageFileError(
            path,
            f"{key}: a '{{' or '}}' is not closed; placeholders look like {{language}}",
            entry=label,
            line=line,
        ) from None
    found: set[str] = set()
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise LanguageFileError(
                path,
                f"{key}: {{{name}{'!' + conversion if conversion else ''}"
                f"{':' + spec if spec else ''}}} is not a placeholder; "
                "placeholders look like {language}",
                entry=label,
                line=line,
            )
        found.add(name)
    return found


@dataclass(frozen=True)
class PromptFile:
    """A language's prompt file, checked: its prompts, review state and names."""

    prompts: Mapping[str, str]
    reviewed: bool
    names: Mapping[str, str]


def read_prompts(
    directory: Path, entry: Entry, codes: Iterable[str], locals_: Iterable[str]
) -> PromptFile:
    """Read ``<directory>/<code>.yaml`` for ``entry``; ``codes`` are all the codes of
    ``languages.yaml`` and ``locals_`` those of its local languages."""
    path = directory / f"{entry.code}.yaml"
    label = f"language {entry.code!r}"
    if not path.is_file():
        raise LanguageFileError(
            path,
            f"the prompt file is missing; every language in languages.yaml needs "
            f"{entry.code}.yaml with all its prompts",
            entry=label,
        )
    document = _read_yaml(path)
    if not isinstance(document, _Map):
        raise LanguageFileError(path, "the file must be a list of 'key: text' lines", entry=label)
    allowed = (*_PROMPT_FILE_META, *PROMPT_KEYS)
    for key in document:
        if key not in allowed:
            raise LanguageFileError(
                path,
                f"unknown key {key!r}{_suggest(key, allowed)}",
                entry=label,
                line=_line(document, key),
            )
    missing = [key for key in PROMPT_KEYS if key not in document]
    if missing:
        raise LanguageFileError(
            path,
            f"prompt{'s' if len(missing) > 1 else ''} missing: {', '.join(missing)}",
            entry=label,
        )
    reviewed = document.get("reviewed")
    if not isinstance(reviewed, bool):
        raise LanguageFileError(
            path,
            "'reviewed: false' (or true, once a native speaker has checked every prompt) "
            "is required",
            entry=label,
            line=_line(document, "reviewed"),
        )
    for key in ("reviewed_by", "notes"):
        if key in document and not isinstance(document[key], str):
            raise LanguageFileError(
                path, f"{key} must be text", entry=label, line=_line(document, key)
            )
    if reviewed and not str(document.get("reviewed_by", "")).strip():
        raise LanguageFileError(
            path,
            "reviewed: true needs reviewed_by: who checked the prompts, and when "
            '(e.g. reviewed_by: "Hodan A., volunteer, 2026-03")',
            entry=label,
            line=_line(document, "reviewed"),
        )
    prompts: dict[str, str] = {}
    for key in PROMPT_KEYS:
        text = document[key]
        line = _line(document, key)
        if not isinstance(text, str) or not text.strip():
            raise LanguageFileError(path, f"{key} must be a non-empty text", entry=label, line=line)
        found = _placeholders(path, key, text, label, line)
        wanted = PLACEHOLDERS.get(key, frozenset())
        for name in sorted(wanted - found):
            raise LanguageFileError(path, f"{key} must contain {{{name}}}", entry=label, line=line)
        for name in sorted(found - wanted):
            allowed_here = ", ".join(f"{{{w}}}" for w in sorted(wanted)) or "none"
            raise LanguageFileError(
                path,
                f"{key} cannot contain {{{name}}} (placeholders allowed here: {allowed_here})",
                entry=label,
                line=line,
            )
        prompts[key] = " ".join(text.split())
    known = set(codes)
    # A local language's file names every language: a volunteer who prefers it hears
    # the caller's language named in it ("Samtale på somali").
    required = known if entry.local else {entry.code, *locals_}
    names = _read_names(path, document, label, known, required)
    return PromptFile(
        prompts=MappingProxyType(prompts), reviewed=reviewed, names=MappingProxyType(names)
    )


def _read_names(
    path: Path, document: _Map, label: str, codes: set[str], required: set[str]
) -> dict[str, str]:
    raw = document.get("names", {})
    line = _line(document, "names")
    if not isinstance(raw, dict):
        raise LanguageFileError(
            path, "names must be a block of 'code: name' lines", entry=label, line=line
        )
    names: dict[str, str] = {}
    for code, name in raw.items():
        if code not in codes:
            raise LanguageFileError(
                path,
                f"names: {code!r} is not the code of any language{_suggest(code, codes)}",
                entry=label,
                line=_line(raw, code) or line,
            )
        if not isinstance(name, str) or not name.strip():
            raise LanguageFileError(
                path,
                f"names: the name of {code!r} must be a non-empty text",
                entry=label,
                line=_line(raw, code) or line,
            )
        names[code] = name.strip()
    for code in sorted(required):
        if code not in names:
            raise LanguageFileError(
                path,
                f"names: give the name of {code!r} in this language (needed when a prompt "
                "names it)",
                entry=label,
                line=line,
            )
    return names
