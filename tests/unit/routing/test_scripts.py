"""The Lua sources: every shared piece written once, every header telling the truth.

Read as text only (no Redis); ``tests/integration/routing/test_scripts.py``
loads every script into a real Redis.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

import routing
from routing.scripts import PRELUDES, SCRIPT_NAMES, lua_file, source

LUA = Path(routing.__file__).parent / "lua"
PRELUDE_FILES = sorted({stem for stems in PRELUDES.values() for stem in stems})
_FUNCTION = re.compile(r"^\s*local function (\w+)\(", re.MULTILINE)
_PRELUDES_LINE = re.compile(r"^-- Preludes:\s+(.+)$", re.MULTILINE)
_ENTRY_FORMAT = "'%s|%03d|%013d|%s'"


def _code(text: str) -> str:
    """``text`` without its comment lines."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))


def _declared_preludes(stem: str) -> tuple[str, ...]:
    """What the ``-- Preludes:`` line of ``routing/lua/<stem>.lua`` names."""
    lines = _PRELUDES_LINE.findall(lua_file(stem))
    assert len(lines) == 1, f"{stem}.lua needs exactly one '-- Preludes:' header line"
    if lines[0].strip() == "none":
        return ()
    return tuple(name.strip().removesuffix(".lua") for name in lines[0].split(","))


def _defined(stem: str) -> list[str]:
    return _FUNCTION.findall(_code(lua_file(stem)))


def test_every_lua_file_is_a_script_or_a_prelude() -> None:
    stems = {path.stem for path in LUA.glob("*.lua")}
    assert stems == set(SCRIPT_NAMES) | set(PRELUDE_FILES)
    assert not set(SCRIPT_NAMES) & set(PRELUDE_FILES)


def test_each_function_is_defined_in_exactly_one_lua_file() -> None:
    definitions = Counter(name for path in LUA.glob("*.lua") for name in _defined(path.stem))
    assert {"entry", "enqueue", "requeue"} <= set(definitions)
    assert {name: n for name, n in definitions.items() if n != 1} == {}


def test_the_queue_entry_format_and_the_queueing_loop_are_written_once() -> None:
    texts = {path.stem: _code(path.read_text(encoding="utf-8")) for path in LUA.glob("*.lua")}
    assert [stem for stem, text in texts.items() if _ENTRY_FORMAT in text] == ["queue"]
    zadd_entry = re.compile(r"redis\.call\('ZADD', \w+(\[\d\])?, 0, entry\(")
    assert [stem for stem, text in texts.items() if zadd_entry.search(text)] == ["queue"]


def test_the_preludes_hold_the_shared_functions() -> None:
    assert set(_defined("queue")) == {"entry", "enqueue"}
    assert set(_defined("requeue")) == {"requeue"}


@pytest.mark.parametrize("stem", PRELUDE_FILES)
def test_a_prelude_reads_no_keys_or_arguments_of_its_own(stem: str) -> None:
    # every key comes from the script that calls it, as one of its own KEYS[n]
    assert not re.search(r"\b(KEYS|ARGV)\b", _code(lua_file(stem)))


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_a_scripts_header_names_the_preludes_it_is_loaded_with(name: str) -> None:
    assert _declared_preludes(name) == PRELUDES[name]


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_a_prelude_comes_after_the_preludes_it_uses(name: str) -> None:
    stems = PRELUDES[name]
    for position, stem in enumerate(stems):
        assert set(_declared_preludes(stem)) <= set(stems[:position]), (name, stem)


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_a_script_calls_only_prelude_functions_it_is_loaded_with(name: str) -> None:
    loaded = {fn for stem in PRELUDES[name] for fn in _defined(stem)}
    shared = {fn for stem in PRELUDE_FILES for fn in _defined(stem)}
    for stem in (*PRELUDES[name], name):
        called = set(re.findall(r"\b(\w+)\(", _code(lua_file(stem)))) & shared
        assert called <= loaded, (name, stem, called - loaded)
    # and no prelude is loaded for nothing: the script or a later prelude uses it
    stems = PRELUDES[name]
    for position, stem in enumerate(stems):
        users = "\n".join(_code(lua_file(s)) for s in (*stems[position + 1 :], name))
        assert set(re.findall(r"\b(\w+)\(", users)) & set(_defined(stem)), (name, stem)


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_a_script_is_its_preludes_then_its_own_file(name: str) -> None:
    text = source(name)
    assert text.endswith(lua_file(name))
    assert text == "\n".join(lua_file(stem) for stem in (*PRELUDES[name], name))


def test_source_knows_only_the_scripts() -> None:
    with pytest.raises(KeyError):
        source("queue")
