"""Reading languages.yaml and the prompt files with the project's YAML reader:
values as written, and every problem of a file at once, each with its line and
its language."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpline.prompts.files import (
    PLACEHOLDERS,
    PROMPT_KEYS,
    Entry,
    LanguageFileError,
    SayVoice,
    read_languages,
    read_prompts,
)

LANGUAGES = """\
languages:
  - code: nb
    english: Norwegian
    native: Norsk
    digits: "10"
    local: true
    voice: {say: {language: nb-NO, voice: Polly.Liv}}
  - code: no
    english: Nowhere
    native: "  Nei  "
    digits: '05'
    voice: {recorded: TRUE}
menu_order:
  - nb
  - no
"""


def write(tmp_path: Path, text: str, name: str = "languages.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(LanguageFileError) as caught:
        read_languages(write(tmp_path, text))
    return [(error.line, error.entry, error.problem) for error in caught.value.problems]


def test_values_are_the_text_written(tmp_path: Path) -> None:
    entries, order = read_languages(write(tmp_path, LANGUAGES))
    assert entries == [
        Entry("nb", "Norwegian", "Norsk", None, "10", SayVoice("nb-NO", "Polly.Liv"), True, 2),
        Entry("no", "Nowhere", "Nei", None, "05", None, False, 8),
    ]
    assert order == ["nb", "no"]


def test_every_problem_of_the_file_at_once(tmp_path: Path) -> None:
    text = (
        LANGUAGES.replace("digits: '05'", "digits: 05")
        .replace("local: true", "local: yes")
        .replace("    native: Norsk\n", "")
        .replace("{recorded: TRUE}", "{say: {language: so, voice: Google.nb-NO-Standard-A}}")
        .replace("  - no\n", "  - no\n  - nb\n")
    )
    assert problems(tmp_path, text) == [
        (2, "language 'nb'", "this language needs 'native'"),
        (5, "language 'nb'", "local should be true or false"),
        (10, "language 'no'", 'write digits in quotes, e.g. digits: "05" (without quotes other '
         "YAML readers see a number, and a leading 0 would be lost)"),
        (11, "language 'no'", "voice: the Google voice Google.nb-NO-Standard-A does not speak "
         "the language so (its name should start with Google.so-)"),
        (15, "menu_order", "'nb' is listed twice"),
    ]
    with pytest.raises(LanguageFileError) as caught:
        read_languages(write(tmp_path, text))
    error = caught.value
    assert (error.line, error.entry) == (2, "language 'nb'")
    assert str(error).splitlines() == [str(each) for each in error.problems]
    assert str(error).startswith(f"{tmp_path / 'languages.yaml'}, line 2, language 'nb': ")


def test_a_misspelt_field_is_one_mistake(tmp_path: Path) -> None:
    text = LANGUAGES.replace("english: Nowhere", "englsh: Nowhere")
    assert problems(tmp_path, text) == [
        (9, "language 'no'", "unknown field 'englsh' in this language (did you mean english?) "
         "(expected 'code', 'english', 'native', 'native_alt', 'digits', 'voice' or 'local')"),
    ]


def test_a_broken_language_hides_no_other_problem(tmp_path: Path) -> None:
    text = LANGUAGES.replace("voice: {recorded: TRUE}", "voice: Polly.Amy").replace(
        "digits: '05'", 'digits: "10"')
    assert problems(tmp_path, text) == [
        (5, "language 'nb'", "digits '10' are also those of 'no'; each language needs its own"),
        (12, "language 'no'", "voice has the wrong shape: write either 'voice: {say: "
         "{language: nb-NO, voice: Polly.Liv}}' or 'voice: {recorded: true}'"),
    ]


def test_a_code_that_cannot_be_read_is_not_called_unknown_in_the_menu(tmp_path: Path) -> None:
    text = LANGUAGES.replace("code: no", "code: No")
    assert problems(tmp_path, text) == [
        (8, "language 'No'", "code 'No' is not a BCP 47 language code such as 'so', 'ar' or "
         "'fa-AF'"),
    ]
    text = LANGUAGES.replace("  - no\n", "  - noo\n")
    assert problems(tmp_path, text) == [
        (13, "menu_order", "'no' missing: every language must be listed once"),
        (15, "menu_order", "'noo' is not the code of any language (did you mean no?)"),
    ]


def test_not_yaml_and_not_utf8(tmp_path: Path) -> None:
    found = problems(tmp_path, "languages: [nb\n")
    assert found[0][:2] == (2, None) and found[0][2].startswith("this is not valid YAML")
    path = tmp_path / "languages.yaml"
    path.write_bytes(b"languages: \xff\n")
    with pytest.raises(LanguageFileError, match="not saved as UTF-8 text"):
        read_languages(path)


# --- prompt files --------------------------------------------------------------------

NB = Entry("nb", "Norwegian", "Norsk", None, "10", SayVoice("nb-NO", None), True, 2)
SO = Entry("so", "Somali", "Soomaali", None, "13", None, False, 9)
CODES = ("nb", "so")

def prompt_text(key: str) -> str:
    return f"{key} text" + "".join(f" {{{name}}}" for name in PLACEHOLDERS.get(key, ()))


def prompt_file(**changes: str) -> str:
    """A prompt file for Somali, each line ``key: value`` (an empty value: no line)."""
    lines = {"reviewed": "false", **{key: f'"{prompt_text(key)}"' for key in PROMPT_KEYS}}
    lines.update(changes)
    text = "".join(f"{key}: {value}\n" for key, value in lines.items() if value)
    return text + "names:\n  so: Af-Soomaali\n  nb: Af-Noorweeji\n"


def prompt_problems(tmp_path: Path, text: str) -> list[tuple[int | None, str | None, str]]:
    write(tmp_path, text, "so.yaml")
    with pytest.raises(LanguageFileError) as caught:
        read_prompts(tmp_path, SO, CODES, ["nb"])
    return [(error.line, error.entry, error.problem) for error in caught.value.problems]


def test_a_sound_prompt_file(tmp_path: Path) -> None:
    write(tmp_path, prompt_file(connecting='"Connecting\n  you: {language}."'), "so.yaml")
    read = read_prompts(tmp_path, SO, CODES, ["nb"])
    assert read.prompts["connecting"] == "Connecting you: {language}."
    assert read.prompts["menu_entry"] == "menu_entry text {digits}"
    assert read.reviewed is False
    assert dict(read.names) == {"so": "Af-Soomaali", "nb": "Af-Noorweeji"}


def test_every_problem_of_a_prompt_file_at_once(tmp_path: Path) -> None:
    text = prompt_file(reviewed="no", greting='"Hi"', greeting="", whisper='"In {langauge}"',
                       goodbye='"Bye {"')
    text = text.replace("  nb: Af-Noorweeji\n", "  sv: Af-Iswiidhish\n")
    so = "language 'so'"
    assert prompt_problems(tmp_path, text) == [
        (1, so, "reviewed should be true or false"),
        (11, so, "goodbye: a '{' or '}' is not closed; placeholders look like {language}"),
        (14, so, "whisper must contain {language}, not {langauge}"),
        (17, so, "unknown field 'greting' in the file (did you mean greeting?) (expected "
         + ", ".join(f"'{key}'" for key in ("reviewed", "reviewed_by", "notes", "names",
                                             *PROMPT_KEYS[:-1]))
         + f" or '{PROMPT_KEYS[-1]}')"),
        (19, so, "names: give the name of 'nb' in this language (needed when a prompt names it)"),
        (20, so, "names: 'sv' is not the code of any language"),
    ]


def test_reviewed_is_required_and_true_needs_a_reviewer(tmp_path: Path) -> None:
    so = "language 'so'"
    assert prompt_problems(tmp_path, prompt_file(reviewed="")) == [
        (1, so, "'reviewed: false' (or true, once a native speaker has checked every prompt) "
         "is required"),
    ]
    assert prompt_problems(tmp_path, prompt_file(reviewed="true")) == [
        (1, so, 'reviewed: true needs reviewed_by: who checked the prompts, and when (e.g. '
         'reviewed_by: "Hodan A., volunteer, 2026-03")'),
    ]


@pytest.mark.parametrize("voice", ["~", "null", "Liv", "Polly Liv", "polly.Liv"])
def test_a_voice_name_twilio_does_not_know_is_refused(tmp_path: Path, voice: str) -> None:
    text = LANGUAGES.replace("voice: Polly.Liv", f"voice: '{voice}'")
    [(line, entry, problem)] = problems(tmp_path, text)
    assert (line, entry) == (7, "language 'nb'")
    assert problem.startswith(f"voice: {voice!r} is not a Twilio voice name")


@pytest.mark.parametrize("voice", ["Polly.Liv", "Google.nb-NO-Standard-A", "alice"])
def test_twilio_voice_names(tmp_path: Path, voice: str) -> None:
    entries, _ = read_languages(write(tmp_path, LANGUAGES.replace("Polly.Liv", voice)))
    assert entries[0].say == SayVoice("nb-NO", voice)
