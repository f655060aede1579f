"""languages.yaml, the prompt files and the catalog built from them."""

from __future__ import annotations

import dataclasses
import io
import string
import unicodedata
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from helpline.prompts.catalog import (
    DEFAULT_PROMPTS_DIR,
    PLACEHOLDERS,
    PROMPT_KEYS,
    Catalog,
    LanguageFileError,
    SayVoice,
    UnknownLanguage,
    load_catalog,
)

# The helpline's 25 languages (Dari and Farsi as two entries) and the two local ones.
HELPLINE_LANGUAGES = {
    "ar", "ber", "bs", "fa-AF", "fa", "en", "fr", "hi", "ko", "hr", "ku", "lt", "zh",
    "ps", "pa", "ro", "sr", "so", "es", "ta", "ti", "tr", "hu", "ur", "wo",
}  # fmt: skip
LOCAL_LANGUAGES = {"nb", "da"}

# Languages not written in Latin script, and the Unicode script their native name is in.
NATIVE_SCRIPTS = {
    "ar": "ARABIC",
    "fa": "ARABIC",
    "fa-AF": "ARABIC",
    "ku": "ARABIC",
    "ps": "ARABIC",
    "ur": "ARABIC",
    "hi": "DEVANAGARI",
    "pa": "GURMUKHI",
    "ta": "TAMIL",
    "ti": "ETHIOPIC",
    "zh": "CJK",
    "ko": "HANGUL",
    "sr": "CYRILLIC",
}


def plain_yaml() -> YAML:
    """YAML as other tools read it (YAML 1.2 types), written in the order given."""
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False
    return yaml


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def danish() -> Catalog:
    return load_catalog(local="da")


# --- the shipped files ---------------------------------------------------------------


def test_shipped_file_loads_the_helpline_languages_and_the_local_one(catalog: Catalog) -> None:
    codes = [language.code for language in catalog.languages]
    assert set(codes) == HELPLINE_LANGUAGES | {"nb"}
    assert len(codes) == len(set(codes)) == 26
    assert catalog.local.code == "nb"
    assert catalog.local in catalog.languages
    assert catalog.digits_length == 2


def test_local_language_is_chosen_by_configuration(catalog: Catalog, danish: Catalog) -> None:
    assert danish.local.code == "da"
    assert {language.code for language in danish.languages} == HELPLINE_LANGUAGES | {"da"}
    with pytest.raises(KeyError):
        danish.get("nb")
    with pytest.raises(KeyError):
        catalog.get("da")
    # the local language has the same code in Norway and Denmark
    assert catalog.local.digits == danish.local.digits == "10"
    assert danish.by_digits("10") is danish.local


def test_menu_starts_with_the_local_language(catalog: Catalog) -> None:
    assert catalog.languages[0] is catalog.local


def test_every_menu_code_has_two_digits_is_unique_and_is_found(catalog: Catalog) -> None:
    digits = [language.digits for language in catalog.languages]
    assert len(set(digits)) == len(digits)
    for language in catalog.languages:
        assert len(language.digits) == 2 and language.digits.isascii()
        assert language.digits[0] != "0", "a leading 0 is easily lost"
        assert language.digits[0] != language.digits[1], "doubled digits are easily mis-keyed"
        assert catalog.by_digits(language.digits) is language
        assert catalog.get(language.code) is language
    assert catalog.by_digits("99") is None
    assert catalog.by_digits("") is None


def test_unknown_code_is_a_key_error_that_names_it(catalog: Catalog) -> None:
    with pytest.raises(UnknownLanguage, match="'xx'"):
        catalog.get("xx")
    assert issubclass(UnknownLanguage, KeyError)


@pytest.mark.parametrize("code", sorted(NATIVE_SCRIPTS))
def test_native_names_of_non_latin_languages_are_in_their_script(
    catalog: Catalog, code: str
) -> None:
    native = catalog.get(code).native
    assert not native.isascii()
    letters = [char for char in native if char.isalpha()]
    assert letters and all(NATIVE_SCRIPTS[code] in unicodedata.name(char) for char in letters)


def test_every_language_has_every_prompt_filled_in(catalog: Catalog, danish: Catalog) -> None:
    values = {"language": "X-LANGUAGE", "fallback": "X-FALLBACK", "hours": "X-HOURS"}
    for language in {*catalog.languages, danish.local}:
        assert set(language.prompts) == set(PROMPT_KEYS), language.code
        for key in PROMPT_KEYS:
            text = language.prompt(key, **values)
            assert text.strip() and "{" not in text and "}" not in text, (language.code, key)
            for name in PLACEHOLDERS.get(key, ()):
                if key not in {"menu_entry", "connecting"}:
                    assert f"X-{name.upper()}" in text, (language.code, key)


def test_shipped_prompts_await_review_by_native_speakers(catalog: Catalog) -> None:
    # Machine-assisted first drafts: every file starts as reviewed: false.
    assert all(isinstance(language.reviewed, bool) for language in catalog.languages)


def test_menu_entry_says_the_digits_one_by_one(catalog: Catalog) -> None:
    somali = catalog.get("so")
    assert somali.prompt("menu_entry") == "Af-Soomaali: riix 1 3."
    assert somali.prompt("menu_entry", digits="1 3") == "Af-Soomaali: riix 1 3."
    for language in catalog.languages:
        assert " ".join(language.digits) in language.prompt("menu_entry"), language.code


def test_connecting_names_the_language_in_its_own_words(catalog: Catalog) -> None:
    assert "snakker norsk" in catalog.get("nb").prompt("connecting")
    assert "magyar nyelven" in catalog.get("hu").prompt("connecting")
    assert "Türkçe konuşan" in catalog.get("tr").prompt("connecting")
    assert catalog.get("en").prompt("connecting", language="Somali") == (
        "Connecting you to a neighbourhood mother who speaks Somali. Please wait."
    )


def test_a_language_names_others_in_its_own_words(catalog: Catalog) -> None:
    norwegian, somali, arabic = catalog.get("nb"), catalog.get("so"), catalog.get("ar")
    assert norwegian.name_of(somali) == "somali"
    assert somali.name_of(norwegian) == "Af-Noorweeji"
    assert arabic.name_of(norwegian) == "النرويجية"
    # no name given: the other's English name, or its own native name for itself
    korean = catalog.get("ko")
    assert korean.name_of(somali) == "Somali"
    assert korean.name_of(korean) == "한국어"
    # the local language names every language (whispers, coordinators' screens)
    for language in catalog.languages:
        assert language.code in catalog.local.names


def test_prompt_needs_its_values_and_ignores_others(catalog: Catalog) -> None:
    english = catalog.get("en")
    with pytest.raises(ValueError, match=r"\{fallback\}"):
        english.prompt("fallback_offer")
    with pytest.raises(KeyError, match="no prompt 'welcome'"):
        english.prompt("welcome")
    assert english.prompt("goodbye", hours="ignored") == "Thank you for calling. Goodbye."
    assert english.prompt("opening_hours", hours="Monday 10 to 14") == (
        "You can reach us in your language on: Monday 10 to 14."
    )


# Checked against Twilio's own list of <Say> voices (see docs/languages.md): add a
# voice here only after finding it there, or hearing it work in the Twilio console.
# A wrong voice or language makes Twilio skip the prompt: the caller hears nothing.
VERIFIED_TWILIO_VOICES = {
    SayVoice("nb-NO", "Polly.Liv"),  # female
    SayVoice("da-DK", "Polly.Naja"),  # female
    SayVoice("arb", "Polly.Zeina"),  # female
    SayVoice("tr-TR", "Polly.Filiz"),  # female
    SayVoice("pa-IN", "Google.pa-IN-Standard-A"),  # female
    SayVoice("en-GB", "Polly.Amy"),  # female
    SayVoice("fr-FR", "Polly.Lea"),  # female
    SayVoice("es-ES", "Polly.Lucia"),  # female
    SayVoice("sr-RS", "Google.sr-RS-Standard-A"),  # female, reads Cyrillic
    SayVoice("hi-IN", "Google.hi-IN-Standard-A"),  # female
    SayVoice("ta-IN", "Google.ta-IN-Standard-C"),  # female
    SayVoice("cmn-CN", "Polly.Zhiyu"),  # female
    SayVoice("ko-KR", "Polly.Seoyeon"),  # female
    SayVoice("lt-LT", "Google.lt-LT-Standard-A"),  # male: the only Lithuanian voice
    SayVoice("ro-RO", "Polly.Carmen"),  # female
    SayVoice("hu-HU", "Google.hu-HU-Standard-A"),  # female
}


def test_voices_are_verified_twilio_voices_or_recordings(catalog: Catalog, danish: Catalog) -> None:
    recorded = {language.code for language in catalog.languages if language.recorded}
    assert recorded == {"so", "ti", "ur", "fa-AF", "fa", "ku", "ps", "ber", "bs", "hr", "wo"}
    for language in {*catalog.languages, danish.local}:
        if language.say is not None:
            assert language.say in VERIFIED_TWILIO_VOICES, language.code
    assert catalog.local.say == SayVoice(language="nb-NO", voice="Polly.Liv")


def test_catalog_and_languages_are_immutable(catalog: Catalog) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalog.local.code = "xx"  # type: ignore[misc]
    with pytest.raises(TypeError):
        catalog.local.prompts["greeting"] = "changed"  # type: ignore[index]
    assert hash(catalog.local) == hash(catalog.get("nb"))


def test_prompt_files_use_only_simple_placeholders() -> None:
    # a literal brace would be read as a placeholder: none of the files has one
    for path in sorted(DEFAULT_PROMPTS_DIR.glob("*.yaml")):
        data = plain_yaml().load(path.read_text(encoding="utf-8"))
        for key in PROMPT_KEYS:
            names = {field for _, field, _, _ in string.Formatter().parse(data[key]) if field}
            assert names == set(PLACEHOLDERS.get(key, ())), (path.name, key)


# --- bad files -----------------------------------------------------------------------

LANGUAGES_YAML = """\
languages:
  - code: nb
    english: Norwegian
    native: Norsk
    digits: "10"
    local: true
    voice:
      say: {language: nb-NO, voice: Polly.Liv}
  - code: da
    english: Danish
    native: Dansk
    digits: "10"
    local: true
    voice:
      say: {language: da-DK, voice: Polly.Naja}
  - code: so
    english: Somali
    native: Soomaali
    digits: "13"
    voice:
      recorded: true
  - code: en
    english: English
    native: English
    digits: "23"
    voice:
      say: {language: en-GB, voice: Polly.Amy}
menu_order: [nb, da, so, en]
"""

CODES = ("nb", "da", "so", "en")


def english_prompts() -> dict[str, object]:
    data = plain_yaml().load((DEFAULT_PROMPTS_DIR / "en.yaml").read_text(encoding="utf-8"))
    return {key: data[key] for key in PROMPT_KEYS}


def prompt_file(code: str) -> dict[str, object]:
    names = dict.fromkeys(CODES if code in {"nb", "da"} else (code, "nb", "da"), "name")
    return {"reviewed": False, **english_prompts(), "names": names}


class Files:
    """A small, valid languages.yaml with prompt files in a temporary folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.languages = root / "languages.yaml"
        self.prompts = root / "text"
        self.prompts.mkdir()
        self.languages.write_text(LANGUAGES_YAML, encoding="utf-8")
        for code in CODES:
            self.write_prompts(code, prompt_file(code))

    def write_prompts(self, code: str, data: dict[str, object]) -> None:
        text = io.StringIO()
        plain_yaml().dump(data, text)
        (self.prompts / f"{code}.yaml").write_text(text.getvalue(), encoding="utf-8")

    def edit_languages(self, old: str, new: str) -> None:
        text = self.languages.read_text(encoding="utf-8")
        assert old in text, old
        self.languages.write_text(text.replace(old, new, 1), encoding="utf-8")

    def load(self, local: str = "nb") -> Catalog:
        return load_catalog(self.languages, local=local, prompts_dir=self.prompts)

    def error(self, local: str = "nb") -> LanguageFileError:
        with pytest.raises(LanguageFileError) as caught:
            self.load(local)
        return caught.value


@pytest.fixture
def files(tmp_path: Path) -> Files:
    return Files(tmp_path)


def test_the_small_valid_files_load(files: Files) -> None:
    catalog = files.load()
    assert [language.code for language in catalog.languages] == ["nb", "so", "en"]
    assert [language.code for language in files.load("da").languages] == ["da", "so", "en"]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LanguageFileError, match="does not exist") as caught:
        load_catalog(tmp_path / "nowhere.yaml")
    assert "nowhere.yaml" in str(caught.value)


def test_invalid_yaml_names_the_line(files: Files) -> None:
    files.edit_languages("    english: Somali\n", "    english: Somali\n  native: [\n")
    error = files.error()
    assert error.file == str(files.languages)
    assert error.line is not None and error.line >= 18
    assert "not valid YAML" in str(error)


def test_a_key_written_twice(files: Files) -> None:
    files.edit_languages("    english: Somali\n", "    english: Somali\n    english: Somalian\n")
    error = files.error()
    assert "'english' is given twice in this language (first on line 17)" in str(error)
    assert error.line == 18


def test_duplicate_code(files: Files) -> None:
    files.edit_languages("  - code: en\n", "  - code: so\n")
    error = files.error()
    assert error.entry == "language 'so'"
    assert "the code 'so' is used twice (also on line 16)" in str(error)
    assert error.line == 22


def test_duplicate_digits(files: Files) -> None:
    files.edit_languages('digits: "23"', 'digits: "13"')
    error = files.error()
    assert str(error) == (
        f"{files.languages}, line 25, language 'en': digits '13' are also those of 'so'; "
        "each language needs its own"
    )


def test_a_local_language_cannot_share_digits_with_another(files: Files) -> None:
    files.edit_languages('digits: "23"', 'digits: "10"')
    error = files.error()
    assert "digits '10' are also those of 'en'" in str(error)
    assert error.entry in {"language 'nb'", "language 'da'"}


def test_digits_of_unequal_length(files: Files) -> None:
    files.edit_languages('digits: "23"', 'digits: "234"')
    error = files.error()
    assert error.entry == "language 'en'"
    assert "digits '234' has 3 digits but 'nb' has 2" in str(error)


def test_digits_without_quotes(files: Files) -> None:
    files.edit_languages('digits: "23"', "digits: 23")
    error = files.error()
    assert 'write digits in quotes, e.g. digits: "23"' in str(error)
    assert error.line == 25


@pytest.mark.parametrize("digits", ['"2a"', '"2 3"', '"٢٣"', '""', "[2, 3]"])
def test_digits_must_be_keys_0_to_9(files: Files, digits: str) -> None:
    files.edit_languages('digits: "23"', f"digits: {digits}")
    error = files.error()
    assert error.entry == "language 'en'"
    assert "digits must be the keys 0-9" in str(error)


def test_missing_field(files: Files) -> None:
    files.edit_languages("    native: Soomaali\n", "")
    error = files.error()
    assert error.entry == "language 'so'"
    assert "this language needs 'native'" in str(error)


def test_empty_native_name(files: Files) -> None:
    files.edit_languages("native: Soomaali", 'native: "  "')
    assert "native is empty" in str(files.error())


def test_entry_without_code_is_named_by_position(files: Files) -> None:
    files.edit_languages("  - code: so\n", "  - cod: so\n")
    error = files.error()
    assert error.entry == "language number 3"
    assert "unknown field 'cod' in this language (did you mean code?)" in str(error)


def test_unknown_field_suggests_the_right_one(files: Files) -> None:
    files.edit_languages("    english: Somali\n", "    englsh: Somali\n")
    error = files.error()
    assert "unknown field 'englsh' in this language (did you mean english?)" in str(error)
    assert error.line == 17


def test_code_must_be_a_language_code(files: Files) -> None:
    files.edit_languages("  - code: so\n", "  - code: Somali\n")
    files.edit_languages("menu_order: [nb, da, so, en]", "menu_order: [nb, da, Somali, en]")
    assert "is not a BCP 47 language code" in str(files.error())


@pytest.mark.parametrize(
    ("voice", "problem"),
    [
        ("{recorded: true, say: {language: so}}", "voice has the wrong shape"),
        ("{recorded: false}", "recorded must be true"),
        ("{say: {voice: Polly.Amy}}", "say needs a language"),
        ("{say: {language: en-GB, voyce: Polly.Amy}}", "unknown field 'voyce' in say"),
        ("{say: Polly.Amy}", "say must hold language and voice"),
        ("Polly.Amy", "voice has the wrong shape"),
        ("{say: {language: en-GB, voice: Google.nb-NO-Standard-A}}", "does not speak"),
    ],
)
def test_voice_block_shape(files: Files, voice: str, problem: str) -> None:
    files.edit_languages(
        "    voice:\n      say: {language: en-GB, voice: Polly.Amy}", f"    voice: {voice}"
    )
    error = files.error()
    assert error.entry == "language 'en'"
    assert problem in str(error)


def test_voice_without_a_name_uses_twilio_default(files: Files) -> None:
    files.edit_languages("say: {language: en-GB, voice: Polly.Amy}", "say: {language: en-GB}")
    assert files.load().get("en").say == SayVoice(language="en-GB", voice=None)


def test_local_language_must_be_known_and_local(files: Files) -> None:
    assert "the local language (LOCAL_LANGUAGE) is 'sv'" in str(files.error(local="sv"))
    error = files.error(local="en")
    assert "local languages in this file are: nb, da" in str(error)


def test_local_language_needs_a_twilio_voice(files: Files) -> None:
    files.edit_languages(
        "    voice:\n      say: {language: da-DK, voice: Polly.Naja}",
        "    voice:\n      recorded: true",
    )
    error = files.error(local="da")
    assert error.entry == "language 'da'"
    assert "the local language needs a Twilio voice" in str(error)
    files.load(local="nb")  # a recorded Danish is fine while Norwegian is local


@pytest.mark.parametrize(
    ("order", "problem"),
    [
        ("[nb, da, so]", "'en' missing"),
        ("[nb, da, so, en, so]", "'so' is listed twice"),
        ("[nb, da, so, en, sv]", "'sv' is not the code of any language"),
        ("nb", "menu_order should be a list"),
    ],
)
def test_menu_order_lists_each_language_once(files: Files, order: str, problem: str) -> None:
    files.edit_languages("menu_order: [nb, da, so, en]", f"menu_order: {order}")
    error = files.error()
    assert error.entry == "menu_order"
    assert problem in str(error)
    assert error.line == 28


def test_menu_follows_menu_order(files: Files) -> None:
    files.edit_languages("menu_order: [nb, da, so, en]", "menu_order: [en, so, da, nb]")
    assert [language.code for language in files.load().languages] == ["en", "so", "nb"]


def test_unknown_top_level_key(files: Files) -> None:
    files.edit_languages("menu_order:", "defaults: {}\nmenu_order:")
    assert "unknown field 'defaults' in the file" in str(files.error())


def test_missing_prompt_file(files: Files) -> None:
    (files.prompts / "so.yaml").unlink()
    error = files.error()
    assert error.file == str(files.prompts / "so.yaml")
    assert error.entry == "language 'so'"
    assert "the prompt file is missing" in str(error)


def test_missing_prompt(files: Files) -> None:
    data = prompt_file("so")
    del data["call_back"], data["goodbye"]
    files.write_prompts("so", data)
    error = files.error()
    assert error.file.endswith("so.yaml")
    assert "the file needs 'call_back'" in str(error)
    assert "the file needs 'goodbye'" in str(error)


def test_unknown_prompt_key_suggests_the_right_one(files: Files) -> None:
    data = prompt_file("so")
    data["greting"] = "Hello"
    files.write_prompts("so", data)
    assert "unknown field 'greting' in the file (did you mean greeting?)" in str(files.error())


def test_missing_placeholder(files: Files) -> None:
    data = prompt_file("so")
    data["connecting"] = "Connecting you now. Please wait."
    files.write_prompts("so", data)
    error = files.error()
    assert "connecting must contain {language}" in str(error)
    assert error.line is not None


def test_placeholder_not_allowed_in_this_prompt(files: Files) -> None:
    data = prompt_file("so")
    data["greeting"] = "Welcome to the {language} helpline."
    files.write_prompts("so", data)
    assert "greeting cannot contain {language} (placeholders allowed here: none)" in str(
        files.error()
    )


def test_misspelt_placeholder(files: Files) -> None:
    data = prompt_file("so")
    data["whisper"] = "Helpline call in {langauge}. Press 1 to accept."
    files.write_prompts("so", data)
    assert "whisper must contain {language}" in str(files.error())


@pytest.mark.parametrize("text", ["Press {digits. Now", "Press {digits}}", "Press {digits!r}"])
def test_broken_braces(files: Files, text: str) -> None:
    data = prompt_file("so")
    data["menu_entry"] = text
    files.write_prompts("so", data)
    assert "menu_entry:" in str(files.error())


def test_empty_prompt(files: Files) -> None:
    data = prompt_file("so")
    data["goodbye"] = ""
    files.write_prompts("so", data)
    assert "goodbye is empty" in str(files.error())


def test_reviewed_is_required(files: Files) -> None:
    data = prompt_file("so")
    del data["reviewed"]
    files.write_prompts("so", data)
    assert "'reviewed: false'" in str(files.error())


def test_reviewed_true_needs_reviewed_by(files: Files) -> None:
    data = prompt_file("so")
    data["reviewed"] = True
    files.write_prompts("so", data)
    assert "reviewed: true needs reviewed_by" in str(files.error())
    data["reviewed_by"] = "Hodan A., volunteer, 2026-03"
    files.write_prompts("so", data)
    assert files.load().get("so").reviewed is True


def test_names_must_be_of_known_languages(files: Files) -> None:
    data = prompt_file("so")
    data["names"] = {"so": "Af-Soomaali", "nb": "x", "da": "x", "sv": "Af-Iswiidhish"}
    files.write_prompts("so", data)
    assert "names: 'sv' is not the code of any language" in str(files.error())


def test_a_local_languages_file_names_every_language(files: Files) -> None:
    data = prompt_file("nb")
    data["names"] = {"nb": "norsk", "da": "dansk", "en": "engelsk"}
    files.write_prompts("nb", data)
    error = files.error()
    assert error.entry == "language 'nb'"
    assert "names: give the name of 'so' in this language" in str(error)


def test_every_language_is_checked_not_only_the_menu(files: Files) -> None:
    data = prompt_file("da")
    del data["goodbye"]
    files.write_prompts("da", data)
    assert "da.yaml" in str(files.error(local="nb"))
