"""Deep nesting in a YAML file is refused before any parser sees it: ruamel.yaml's
scanner slows with the square of the depth and its composer recurses."""

from __future__ import annotations

import pytest

from schedules.yaml_files import MAX_NESTING, YamlFile, too_deep


@pytest.mark.parametrize("text, line", [
    ("shifts: " + "[" * 50_000 + "]" * 50_000 + "\n", 1),  # issue 13: a RecursionError once
    ("timezone: Europe/Oslo\nshifts:\n  " + "- " * 50_000 + "x\n", 3),
    ("a: " + "{a: " * 40 + "1" + "}" * 40 + "\n", 1),
    ("".join(" " * depth + f"k{depth}:\n" for depth in range(200)), MAX_NESTING + 1),
])
def test_deep_nesting_is_one_problem_naming_the_file_and_line(text: str, line: int) -> None:
    document = YamlFile(text, "deep.yaml")
    assert [str(problem) for problem in document.problems] == [
        f"deep.yaml:{line}: this is nested more than {MAX_NESTING} levels deep (lists and "
        "mappings inside each other); nothing was read"]
    assert document.data is None


def test_nesting_up_to_the_limit_is_read() -> None:
    depth = MAX_NESTING - 1  # the top-level mapping is one level
    text = "a: " + "[" * depth + "x" + "]" * depth + "\n"
    assert too_deep(text) is None
    document = YamlFile(text, "ok.yaml")
    assert document.problems == []


def test_brackets_in_a_long_flat_list_are_not_nesting() -> None:
    assert too_deep("x: [" + "[1], " * 100_000 + "1]\n") is None
