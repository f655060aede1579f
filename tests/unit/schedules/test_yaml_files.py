"""The generic YAML reading: values as written, and every problem of a file at its
line, for any pydantic model (here one like the service's languages file)."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field

from schedules.exceptions import Problem
from schedules.yaml_files import (
    KEY,
    Droppable,
    Entries,
    Fields,
    Flag,
    OneOrMore,
    Text,
    YamlFile,
    YamlModel,
    load,
    parsed,
)


def digits(text: str) -> str:
    if not text.isdigit():
        raise ValueError(f"{text!r} is not a menu code: write digits, like 12")
    return text


class Language(YamlModel):
    model_config = ConfigDict(title="language {key}")

    english: Text
    digits: Annotated[str, parsed(digits)]
    voices: OneOrMore[Droppable[Text]] = []


class LanguagesFile(YamlModel):
    model_config = ConfigDict(title="the file")

    languages: Fields[Droppable[Language]]
    menu_order: Droppable[Entries[Text]] = None
    notes: Droppable[Fields[Text]] = Field(None, title="the note on {key}")


def problems(text: str) -> list[str]:
    return [str(problem) for problem in load(text, "languages.yaml", LanguagesFile)[1]]


def test_every_value_is_read_as_the_text_written() -> None:
    document = YamlFile("a: 09:00\nb: no\nc: 2026-12-25\nd: ~\ne: !!int 07\nf: [1.0, on]\n", "x")
    assert document.data == {"a": "09:00", "b": "no", "c": "2026-12-25", "d": "~", "e": "07",
                             "f": ["1.0", "on"]}
    assert document.problems == []


def test_a_sound_file_and_the_lines_of_its_values() -> None:
    text = "languages:\n  so:\n    english: Somali\n    digits: '12'\n    voices: [a, b]\n"
    document = YamlFile(text, "languages.yaml")
    read = document.check(LanguagesFile)
    assert read is not None and read.languages["so"] == Language(
        english="Somali", digits="12", voices=["a", "b"])
    assert document.line(("languages", "so", "digits")) == 4
    assert document.line(("languages", "so", KEY)) == 2
    assert document.line(("languages", "so", "voices", 1)) == 5
    assert document.source(("languages",)).line == 2


def test_every_problem_at_its_line_and_what_can_still_be_read() -> None:
    text = (
        "languages:\n"
        "  so:\n"
        "    english: Somali\n"
        "    digits: 1x\n"
        "  ar:\n"
        "    englsh: Arabic\n"
        "    digits: '13'\n"
        "    voices: [a, [b], '']\n"
        "  ti:\n"
        "    english: Tigrinya\n"
        "    digits: '14'\n"
        "    english: again\n"
        "  ? [x]\n"
        "  : 1\n"
        "menu_order: so\n"
        "notes:\n"
        "  so: [a]\n"
    )
    document = YamlFile(text, "languages.yaml")
    read = document.check(LanguagesFile)
    assert [str(problem) for problem in document.problems] == [
        "languages.yaml:4: '1x' is not a menu code: write digits, like 12",
        "languages.yaml:6: unknown field 'englsh' in language ar (did you mean english?) "
        "(expected 'english', 'digits' or 'voices')",
        "languages.yaml:6: language ar needs 'english'",
        "languages.yaml:8: voices should be a single value, not a list or a set of fields",
        "languages.yaml:8: voices is empty",
        "languages.yaml:12: 'english' is given twice in language ti (first on line 10)",
        "languages.yaml:13: a name in languages should be plain text",
        "languages.yaml:15: menu_order should be a list, one '- ' line per item",
        "languages.yaml:17: the note on so should be a single value, not a list or a set of "
        "fields",
    ]
    assert read is not None
    assert read.languages == {"so": None, "ar": None, "ti": Language(english="Tigrinya",
                                                                     digits="14")}
    assert read.menu_order is None and read.notes is None


def test_the_shape_of_the_whole_file() -> None:
    assert problems("- a\n- b\n") == [
        "languages.yaml:1: the file should be a set of 'name: value' lines"]
    assert problems("# only a comment\n") == ["languages.yaml: the file is empty"]
    assert problems("menu_order: []\n") == ["languages.yaml:1: the file needs 'languages'"]
    assert problems("languages: [so\n") == [
        "languages.yaml:2: this is not valid YAML: while parsing a flow sequence on line 1, "
        "expected ',' or ']', but got '<stream end>'"]
    assert problems("a: b\n---\nc: d\n") == [
        "languages.yaml:2: this is not valid YAML: expected a single document in the stream "
        "on line 1, but found another document"]


def test_load_gives_the_problems_in_line_order() -> None:
    read, found = load("languages:\n  so: {english: Somali, digits: '1'}\n", "f", LanguagesFile)
    assert read is not None and found == []
    read, found = load("notes: {b: x}\nlanguages: 3\n", "f", LanguagesFile)
    assert read is None
    assert found == [Problem("f", 2, "languages should be a set of 'name: value' lines")]


def test_each_problem_keeps_where_it_is_in_the_document() -> None:
    text = (
        "languages:\n"
        "  so:\n"
        "    english: Somali\n"
        "    digits: 1x\n"
        "    english: again\n"
        "  ar: {digits: '13'}\n"
        "menu_order: so\n"
    )
    document = YamlFile(text, "languages.yaml")
    document.check(LanguagesFile)
    document.report(("menu_order",), "not in the menu")
    assert {str(problem): document.path_of(problem) for problem in document.problems} == {
        "languages.yaml:4: '1x' is not a menu code: write digits, like 12":
            ("languages", "so", "digits"),
        "languages.yaml:5: 'english' is given twice in language so (first on line 3)":
            ("languages", "so"),
        "languages.yaml:6: language ar needs 'english'": ("languages", "ar", "english"),
        "languages.yaml:7: menu_order should be a list, one '- ' line per item": ("menu_order",),
        "languages.yaml:7: not in the menu": ("menu_order",),
    }
    assert document.path_of(Problem("languages.yaml", 1, "not from here")) == ()
    broken = YamlFile("a: [b\n", "x")
    assert [broken.path_of(problem) for problem in broken.problems] == [()]


def test_whether_a_value_is_written_in_quotes() -> None:
    text = "a: \"13\"\nb: 13\nc: ['1', 2, \"3\"]\nd: {e: '4', f: 5}\n'g': !!str 6\nh:\n"
    document = YamlFile(text, "x")
    assert [document.quoted((key,)) for key in "abgh"] == [True, False, False, False]
    assert [document.quoted(("c", index)) for index in range(3)] == [True, False, True]
    assert document.quoted(("d", "e")) and not document.quoted(("d", "f"))
    assert document.quoted(("g", KEY)) and not document.quoted(("a", KEY))
    assert not document.quoted(("missing",)) and not document.quoted(("c", 7))
    assert not document.quoted(("a", "deeper")) and not document.quoted(())


class Settings(YamlModel):
    model_config = ConfigDict(title="the file")

    local: Droppable[Flag] = None
    recorded: Droppable[Flag] = None


def test_a_flag_is_true_or_false() -> None:
    read, found = load("local: true\nrecorded: FALSE\n", "f", Settings)
    assert read == Settings(local=True, recorded=False) and found == []
    read, found = load("local: yes\nrecorded: [true]\n", "f", Settings)
    assert read is not None and read.local is None and read.recorded is None
    assert [str(problem) for problem in found] == [
        "f:1: local should be true or false",
        "f:2: recorded should be a single value, not a list or a set of fields",
    ]
