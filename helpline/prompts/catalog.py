"""The helpline's languages: ``languages.yaml`` and the prompt texts, checked at start-up.

``languages.yaml`` (in this package; the top level of the repository links to it)
lists every language a caller can choose: its BCP 47 code, English and native
name, menu digits and how its prompts are voiced (a Twilio ``<Say>`` voice, or
recordings made by a volunteer). Each language has a file
``helpline/prompts/text/<code>.yaml`` with the words it speaks. Both are read
once, when the service starts, and every mistake is reported with the file, the
entry and the problem in plain words, so that a coordinator or translator who
edits them can fix them without reading Python.
The format is described in ``docs/languages.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from helpline.prompts.files import (
    PLACEHOLDERS,
    PROMPT_KEYS,
    LanguageFileError,
    SayVoice,
    read_languages,
    read_prompts,
)

__all__ = [
    "Catalog",
    "DEFAULT_LANGUAGES_FILE",
    "DEFAULT_PROMPTS_DIR",
    "Language",
    "LanguageFileError",
    "PLACEHOLDERS",
    "PROMPT_KEYS",
    "SayVoice",
    "UnknownLanguage",
    "load_catalog",
]

DEFAULT_LANGUAGES_FILE = Path(__file__).resolve().parent / "languages.yaml"
DEFAULT_PROMPTS_DIR = Path(__file__).resolve().parent / "text"


class UnknownLanguage(KeyError):
    """A language code that the catalog does not offer."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown language"


@dataclass(frozen=True)
class Language:
    """One language of the helpline, with the words it speaks.

    ``say`` is ``None`` for a language whose prompts are recorded by a volunteer
    (Twilio has no voice for it). ``names`` holds how this language names other
    languages (``names["nb"]`` in Somali is "Af-Noorweeji"), for prompts that name
    a language; see :meth:`name_of`.
    """

    code: str
    english: str
    native: str
    digits: str
    say: SayVoice | None
    prompts: Mapping[str, str] = field(compare=False, repr=False)
    reviewed: bool
    native_alt: str | None = None
    local: bool = False
    names: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, repr=False
    )

    @property
    def recorded(self) -> bool:
        """True when the prompts are played from recordings, not spoken by Twilio."""
        return self.say is None

    def name_of(self, other: Language) -> str:
        """How this language names ``other``: its own word for it when the prompt
        file gives one, else ``other``'s native name for itself, else its English name
        (for a language that is not this one and has no entry in ``names``)."""
        if other.code in self.names:
            return self.names[other.code]
        return other.native if other.code == self.code else other.english

    def prompt(self, key: str, **values: str) -> str:
        """The text of prompt ``key`` with its placeholders filled in.

        ``menu_entry`` fills ``{digits}`` with this language's digits, spaced so
        that they are read one by one, and ``connecting`` fills ``{language}``
        with this language's name for itself, unless given. Values for
        placeholders that the prompt does not have are ignored.
        """
        try:
            template = self.prompts[key]
        except KeyError:
            raise KeyError(
                f"there is no prompt {key!r}; the prompts are: {', '.join(PROMPT_KEYS)}"
            ) from None
        if key == "menu_entry":
            values.setdefault("digits", " ".join(self.digits))
        elif key == "connecting":
            values.setdefault("language", self.name_of(self))
        missing = sorted(PLACEHOLDERS.get(key, frozenset()) - values.keys())
        if missing:
            raise ValueError(
                f"prompt {key!r} ({self.code}) needs a value for "
                + ", ".join(f"{{{name}}}" for name in missing)
            )
        return template.format_map(values)


@dataclass(frozen=True)
class Catalog:
    """The languages of the menu, in menu order, the local language included."""

    languages: tuple[Language, ...]
    local: Language
    _by_code: Mapping[str, Language] = field(init=False, repr=False, compare=False)
    _by_digits: Mapping[str, Language] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.local not in self.languages:
            raise ValueError(f"the local language {self.local.code!r} is not in the menu")
        object.__setattr__(
            self, "_by_code", MappingProxyType({lang.code: lang for lang in self.languages})
        )
        object.__setattr__(
            self, "_by_digits", MappingProxyType({lang.digits: lang for lang in self.languages})
        )

    def get(self, code: str) -> Language:
        """The language with this code; :class:`UnknownLanguage` (a ``KeyError``) if none."""
        try:
            return self._by_code[code]
        except KeyError:
            raise UnknownLanguage(
                f"no language {code!r} in the menu; the codes are: {', '.join(self._by_code)}"
            ) from None

    def by_digits(self, digits: str) -> Language | None:
        """The language whose menu code is ``digits``, or ``None``."""
        return self._by_digits.get(digits)

    @property
    def digits_length(self) -> int:
        """How many keys a caller presses to choose a language."""
        return len(self.local.digits)


def load_catalog(
    path: Path | str = DEFAULT_LANGUAGES_FILE,
    *,
    local: str = "nb",
    prompts_dir: Path | None = None,
) -> Catalog:
    """Read and check ``languages.yaml`` and every prompt file; the menu for ``local``.

    ``local`` is the configured local language (``LOCAL_LANGUAGE``): it must be an
    entry with ``local: true`` and a Twilio voice. The other local languages are
    left out of the menu. Every language in the file is checked, including those
    left out, so that changing ``LOCAL_LANGUAGE`` cannot reveal a broken file.
    Raises :class:`LanguageFileError`.
    """
    path = Path(path)
    directory = DEFAULT_PROMPTS_DIR if prompts_dir is None else Path(prompts_dir)
    entries, order = read_languages(path)
    by_code = {entry.code: entry for entry in entries}
    locals_ = [entry.code for entry in entries if entry.local]
    chosen = by_code.get(local)
    if chosen is None or not chosen.local:
        raise LanguageFileError(
            path,
            f"the local language (LOCAL_LANGUAGE) is {local!r}, but the local languages in "
            f"this file are: {', '.join(locals_) or 'none (mark them with local: true)'}",
        )
    if chosen.say is None:
        raise LanguageFileError(
            path,
            "the local language needs a Twilio voice (voice: say: ...): it speaks the "
            "greeting and stands in for any recording that is missing",
            entry=f"language {local!r}",
            line=chosen.line,
        )
    languages: dict[str, Language] = {}
    for entry in entries:
        prompt_file = read_prompts(directory, entry, by_code, locals_)
        languages[entry.code] = Language(
            code=entry.code,
            english=entry.english,
            native=entry.native,
            digits=entry.digits,
            say=entry.say,
            prompts=prompt_file.prompts,
            reviewed=prompt_file.reviewed,
            native_alt=entry.native_alt,
            local=entry.local,
            names=prompt_file.names,
        )
    menu = tuple(languages[code] for code in order if not by_code[code].local or code == local)
    return Catalog(languages=menu, local=languages[local])
