"""YAML files as people write them: read with ruamel.yaml, checked with pydantic,
every problem said as ``file:line: message``.

This module owns the generic part of reading a hand-written YAML file, so that the
schedules, the volunteers file and the service's own files (languages, prompt
and SMS texts) report mistakes the same way:

- **Nesting** deeper than :data:`MAX_NESTING` levels is refused before reading
  (:func:`too_deep`, one linear pass): ruamel.yaml's scanner slows down with the
  square of the depth of ``[``/``{`` (4,000 took 85 s) and its composer recurses
  (50,000 nested ``[`` were a RecursionError); no file of the service needs
  more than a handful of levels.
- **Reading** is ruamel.yaml's round trip, which keeps the line of every key,
  value and list item (``.lc``). Every plain value is read as the text written:
  ``09:00``, ``no`` or ``2026-12-25`` stay text, never a number, a boolean or a
  date. A key given twice is a problem (its first value is kept), not a stop.
- **Checking** is a pydantic model (a :class:`YamlModel` whose ``title`` names it
  in messages: "a shift"), built from the shapes below and the caller's own
  validators (a ``ValueError``'s message is the problem shown).
- **Every problem at once**: the model is checked once to report every error,
  each at the line of the offending value (a missing field: at the mapping that
  lacks it; an unknown or repeated one: at its key). Then it is checked again,
  leniently, to return what can still be read: a :data:`Droppable` value that
  has a problem is read as None, so one mistake hides no other problem. Each
  problem's place in the document is kept too (:meth:`YamlFile.path_of`), for a
  caller that names the entry a problem is in.

Shapes: :data:`Text` (one value, not empty), :data:`Flag` (``true`` or ``false``),
:data:`OneOrMore` (one value or a list of them), :data:`Entries` (a list, ``- ``
lines; empty means none), :data:`Fields` (``name: value`` lines with names chosen
by the writer).
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError, core_schema
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.resolver import VersionedResolver

from schedules.exceptions import Problem, did_you_mean
from schedules.model import Source

T = TypeVar("T")
M = TypeVar("M", bound="YamlModel")

Path = tuple[str | int, ...]
"""Where a value is: keys and list positions from the top of the file, as pydantic
gives an error's location (``("shifts", 2, "weekly", 0)``)."""

KEY = "[key]"
"""The last part of a :data:`Path` that means the key itself, not its value (as in
pydantic's locations of dictionary keys)."""

MAX_NESTING = 30
"""The deepest nesting read: a schedule needs 5 levels, the service's files fewer than 10."""

_ITEMS = re.compile(r"(?:[-?:](?:[ \t]+|$))*")  # "- - ? " opening a line: one level each
_BRACKETS = re.compile(r"[\[\]{}]")

_MODELS = "yaml_files.models"  # context: id of each mapping -> the model that read it
_LENIENT = "yaml_files.lenient"  # context: the second pass, which reads what it can

# Error types of the shapes below, and what each says about the value it is at.
_MESSAGES = {
    "yaml_text": "{what} should be a single value, not a list or a set of fields",
    "yaml_empty": "{what} is empty",
    "yaml_list": "{what} should be a list, one '- ' line per item",
    "yaml_mapping": "{what} should be a set of 'name: value' lines",
    "yaml_flag": "{what} should be true or false",
}


class YamlFile:
    """One YAML text, read round trip, and the problems found in it so far.

    ``data`` is the document (mappings and lists with their positions, every
    value text), or None when the text is not YAML or is empty (a problem says
    so). :meth:`check` adds the problems of a model; callers add their own with
    :meth:`report`.
    """

    def __init__(self, text: str, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.data: Any = None
        self._paths: dict[Problem, Path] = {}
        self._quoted: set[tuple[int, int]] = set()
        deep = too_deep(text)
        if deep is not None:
            self.problems.append(Problem(file, deep, f"this is nested more than {MAX_NESTING} "
                                         "levels deep (lists and mappings inside each other); "
                                         "nothing was read"))
            return
        yaml = YAML(typ="rt")
        yaml.Resolver = _TextResolver
        yaml.Constructor = _Constructor
        try:
            self.data = yaml.load(text)
        except MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark is not None else None
            context = error.context
            if context and error.context_mark and error.context_mark.line + 1 != line:
                context = f"{context} on line {error.context_mark.line + 1}"
            # ruamel.yaml 0.19 writes one token as a tuple: "but found ('<block mapping start>',)".
            problem = re.sub(r"\('(<[^>]*>)',\)", r"'\1'", error.problem or "")
            what = ", ".join(part for part in (context, problem) if part)
            self.problems.append(Problem(file, line, f"this is not valid YAML: {what}"))
            return
        except YAMLError as error:
            self.problems.append(Problem(file, None, f"this is not valid YAML: {error}"))
            return
        self._repeated: list[tuple[Any, str | None, int]] = yaml.constructor.repeated
        self._quoted = yaml.constructor.quoted
        self._first_line = next((number for number, line in enumerate(text.splitlines(), 1)
                                 if line.strip() and not line.lstrip().startswith("#")), 1)
        if self.data is None or (isinstance(self.data, str) and not self.data.strip()):
            self.data = None
            self.problems.append(Problem(file, None, "the file is empty"))

    def line(self, path: Path) -> int | None:
        """The line of the value at ``path`` (of the key, when ``path`` ends with
        :data:`KEY`); for a part that is not there, the line of what holds it."""
        return self._walk(path)[1]

    def source(self, path: Path) -> Source:
        """Where the value at ``path`` is written."""
        return Source(self.file, self.line(path) or 1)

    def report(self, path: Path, message: str) -> None:
        """Add a problem with the value at ``path``."""
        self.problems.append(self._at(path, Problem(self.file, self.line(path), message)))

    def path_of(self, problem: Problem) -> Path:
        """Where ``problem`` (one of :attr:`problems`) is in the document: the path
        of the value it is about (for a key given twice, of the mapping it is in);
        ``()`` for the file as a whole, or for a problem not found here."""
        return self._paths.get(problem, ())

    def quoted(self, path: Path) -> bool:
        """Whether the value at ``path`` is written in quotes (``"13"`` or ``'13'``),
        for a format that asks for quotes where other YAML readers would see a
        number. False for a value that is not there."""
        _node, _line, steps = self._walk(path)
        if not steps or len(steps) != len([part for part in path if part != KEY]):
            return False  # not there
        container, key = steps[-1]
        if isinstance(key, int):
            at = container.lc.item(key)
        else:
            at = container.lc.key(key) if path[-1] == KEY else container.lc.value(key)
        return (at[0], at[1]) in self._quoted

    def parse(self, parse: Callable[[str], T], text: str, path: Path) -> T | None:
        """``parse(text)`` for the text at ``path``; None when it raises ValueError,
        whose message is then the problem reported."""
        try:
            return parse(text)
        except ValueError as error:
            self.report(path, str(error))
            return None

    def check(self, model: type[M], *, context: Mapping[str, Any] | None = None) -> M | None:
        """The document read as ``model`` (its title names the whole file in
        messages), every problem added; with problems, what can still be read
        (each failing :data:`Droppable` value None), or None when nothing can.
        ``context`` is given to the model's validators (``info.context``)."""
        if self.data is None:
            return None
        models: dict[int, type[YamlModel]] = {}
        problems: list[Problem] = []
        try:
            return model.model_validate(self.data, context={**(context or {}), _MODELS: models})
        except ValidationError as error:
            # On one line, an unknown field is said before a missing one (a misspelling).
            errors = sorted(error.errors(), key=lambda e: e["type"] != "extra_forbidden")
            problems = [self._at(details["loc"], self._problem(details, models))
                        for details in errors]
        finally:
            problems += self._repeats(models)
            self.problems.extend(sorted(problems, key=lambda problem: problem.line or 0))
        try:
            return model.model_validate(self.data, context={**(context or {}), _LENIENT: True})
        except ValidationError:
            return None

    # Where values are, and what to call them

    def _at(self, path: Path, problem: Problem) -> Problem:
        """``problem``, remembered as being about the value at ``path``."""
        self._paths.setdefault(problem, tuple(path))
        return problem

    def _walk(self, path: Path) -> tuple[Any, int | None, list[tuple[Any, str | int]]]:
        """The value at ``path``, its line, and the (container, key) steps taken to
        reach it. A part that is not there (a missing field, a union member's tag,
        a position in a single value) leaves the walk where it is."""
        node = self.data
        line = self._line_of_root()
        steps: list[tuple[Any, str | int]] = []
        for part in path:
            if part == KEY and steps and isinstance(steps[-1][0], CommentedMap):
                line = steps[-1][0].lc.key(steps[-1][1])[0] + 1
                continue
            if isinstance(node, CommentedMap) and isinstance(part, str) and part in node:
                # An empty value's own position is where the next token starts.
                at = node.lc.key(part) if node[part] == "" else node.lc.value(part)
                line = at[0] + 1
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
                line = node.lc.item(part)[0] + 1
            else:
                continue
            steps.append((node, part))
            node = node[part]
        return node, line, steps

    def _line_of_root(self) -> int:
        lc = getattr(self.data, "lc", None)
        return lc.line + 1 if lc is not None else self._first_line

    def _name(self, path: Path, models: Mapping[int, type[YamlModel]]) -> str:
        """What to call the value at ``path``: the title of the model that read it, a
        field's name, or a key with the name of the mapping it is in."""
        node, _line, steps = self._walk(path)
        keys = [(container, key) for container, key in steps if isinstance(key, str)]
        if id(node) in models:
            return _title(models[id(node)], [key for _container, key in keys])
        if not keys:
            return "the file"
        container, key = keys[-1]
        if id(container) in models or len(keys) == 1:
            return key
        # A value in a mapping whose names the writer chose: the field's title says
        # what it is ("the level of {key}"), or it is the key in that field.
        holder, name = keys[-2]
        field = models[id(holder)].model_fields.get(str(name)) if id(holder) in models else None
        if field is not None and field.title:
            return field.title.format(key=key)
        return f"{key} in {name}"

    def _problem(self, error: ErrorDetails, models: Mapping[int, type[YamlModel]]) -> Problem:
        loc, kind, ctx = error["loc"], error["type"], error.get("ctx") or {}
        node, line, steps = self._walk(loc)
        if kind == "missing":
            message = f"{self._name(loc[:-1], models)} needs {loc[-1]!r}"
        elif kind == "extra_forbidden" and steps and id(steps[-1][0]) in models:
            container, key = steps[-1]
            line = container.lc.key(key)[0] + 1
            names = _field_names(models[id(container)])
            message = (f"unknown field {key!r} in {self._name(loc[:-1], models)}"
                       f"{did_you_mean(str(key), names)} (expected {_listing(names)})")
        elif kind == "value_error" and "error" in ctx:
            message = str(ctx["error"])
        elif kind in _MESSAGES:
            keys = [key for _container, key in steps if isinstance(key, str)]
            what = str(ctx.get("what", "")).format(key=keys[-1] if keys else "")
            message = _MESSAGES[kind].format(what=what or self._name(loc, models))
        elif loc and loc[-1] == KEY:
            message = f"a name in {self._name(loc[:-2], models)} should be plain text"
        else:
            message = f"{self._name(loc, models)}: {error['msg'][:1].lower()}{error['msg'][1:]}"
        return Problem(self.file, line, message)

    def _repeats(self, models: Mapping[int, type[YamlModel]]) -> Iterator[Problem]:
        """A problem for every key given twice in one mapping (its first value was
        kept) and every key that is not a name (it was left out)."""
        paths = dict(_mappings(self.data, ()))
        for mapping, key, line in self._repeated:
            path = paths.get(id(mapping), ())
            where = self._name(path, models)
            if key is None:
                message = f"a name in {where} should be plain text"
            else:
                message = (f"{key!r} is given twice in {where} "
                           f"(first on line {mapping.lc.key(key)[0] + 1})")
            yield self._at(path, Problem(self.file, line, message))


def too_deep(text: str, limit: int = MAX_NESTING) -> int | None:
    """The first line of ``text`` nested more than ``limit`` levels deep, or None.

    One linear pass, without a parser (a parser is what deep nesting makes slow or
    crash), so it counts an upper bound: the indentations still open above a line,
    the ``- ``, ``? `` and ``: `` items that open it, and the ``[`` and ``{`` still
    open, inside quotes and comments too."""
    indents: list[int] = []
    flow = 0
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        column = len(line) - len(stripped)
        while indents and indents[-1] >= column:
            indents.pop()
        indents.append(column)
        opening = _ITEMS.match(stripped)
        block = len(indents) + (sum(c in "-?:" for c in opening.group(0)) if opening else 0)
        for bracket in _BRACKETS.findall(line):
            flow = flow + 1 if bracket in "[{" else max(0, flow - 1)
            if block + flow > limit:
                return number
        if block + flow > limit:
            return number
    return None


def load(
    text: str, file: str, model: type[M], *, context: Mapping[str, Any] | None = None
) -> tuple[M | None, list[Problem]]:
    """``text`` (named ``file`` in problems) read as ``model``: what could be read,
    and every problem, in line order (see :meth:`YamlFile.check`)."""
    document = YamlFile(text, file)
    return document.check(model, context=context), document.problems


# Models and shapes


class YamlModel(BaseModel):
    """A ``name: value`` mapping in a YAML file: known fields only, each checked.

    A subclass names itself for messages with ``model_config =
    ConfigDict(title="a shift")`` ("a shift needs 'languages'"); ``{key}`` in the
    title is the key the mapping is written under ("volunteer {key}").
    """

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _a_mapping(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict):
            raise not_a_mapping(cls.model_config.get("title") or cls.__name__)
        context = info.context if isinstance(info.context, dict) else {}
        if _MODELS in context:
            context[_MODELS][id(data)] = cls
        if context.get(_LENIENT):
            # What can still be read: unknown fields left out, missing droppable ones None.
            names = _field_names(cls)
            data = {key: value for key, value in data.items() if key in names}
            for name, field in cls.model_fields.items():
                if field.is_required() and _is_droppable(field.metadata):
                    data.setdefault(field.alias or name, None)
        return data


def not_a_mapping(what: str) -> PydanticCustomError:
    """The problem "``what`` should be a set of 'name: value' lines", for a validator
    that checks the shape itself (``{key}`` in ``what``: the key it is under)."""
    return PydanticCustomError("yaml_mapping", _MESSAGES["yaml_mapping"], {"what": what})


class _Droppable:
    """Marks a value that, when it has a problem, is read as None by the lenient pass."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        (inner,) = [arg for arg in typing.get_args(source) if arg is not type(None)]
        return core_schema.with_info_wrap_validator_function(_drop, handler.generate_schema(inner))


def _drop(value: Any, validate: core_schema.ValidatorFunctionWrapHandler,
          info: core_schema.ValidationInfo) -> Any:
    lenient = isinstance(info.context, dict) and info.context.get(_LENIENT)
    if lenient and value is None:
        return None
    try:
        return validate(value)
    except ValidationError:
        if lenient:
            return None
        raise


def _text(value: Any) -> str:
    if isinstance(value, dict | list):
        raise PydanticCustomError("yaml_text", _MESSAGES["yaml_text"])
    text = str(value.value if isinstance(value, TaggedScalar) else value)
    if not text.strip():
        raise PydanticCustomError("yaml_empty", _MESSAGES["yaml_empty"])
    return text


def _flag(value: Any) -> bool:
    word = _text(value).strip().lower()
    if word not in ("true", "false"):
        raise PydanticCustomError("yaml_flag", _MESSAGES["yaml_flag"])
    return word == "true"


def _one_or_more(value: Any) -> list[Any]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise PydanticCustomError("yaml_empty", _MESSAGES["yaml_empty"])
    return items


def _entries(value: Any) -> list[Any]:
    if isinstance(value, str) and not value.strip():
        return []
    if not isinstance(value, list):
        raise PydanticCustomError("yaml_list", _MESSAGES["yaml_list"])
    return value


def _fields(value: Any) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise PydanticCustomError("yaml_mapping", _MESSAGES["yaml_mapping"])
    return value


Droppable = Annotated[T | None, _Droppable()]
"""A value that, when it has a problem, is reported and then read as None, so that
the rest of the file is still read (a list entry, a line of a list, a field)."""

Text = Annotated[str, BeforeValidator(_text)]
"""One value, read as the text written; not a list, not a mapping, not empty."""


def parsed(parse: Callable[[str], T]) -> PlainValidator:
    """For ``Annotated[T, parsed(parse)]``: one value, read as text (as :data:`Text`)
    and turned into a T by ``parse``, whose ValueError's message is the problem."""
    return PlainValidator(lambda value: parse(_text(value)))

Flag = Annotated[bool, PlainValidator(_flag)]
"""Yes or no, written ``true`` or ``false`` (in any case: YAML 1.2's words; ``yes``,
``no``, ``on`` and ``off`` are not, since every value is read as the text written)."""

OneOrMore = Annotated[list[T], BeforeValidator(_one_or_more)]
"""One value or a list of values (``languages: so`` or ``languages: [so, ar]``)."""

Entries = Annotated[list[T], BeforeValidator(_entries)]
"""A list (``- `` lines); an empty value means no entries."""

Fields = Annotated[dict[str, T], BeforeValidator(_fields)]
"""``name: value`` lines whose names the writer chooses (``mon-fri: 09:00-21:00``).
Problems call a value "mon-fri in opening_hours", or what the field's title says:
``Field(title="the opening hours of {key}")``."""


# ruamel.yaml, set up to read values as text and to go on past a repeated key


class _TextResolver(VersionedResolver):
    """No implicit types: every plain value is text."""

    @property
    def versioned_resolver(self) -> Any:
        return {}


class _Constructor(RoundTripConstructor):
    """Round trip, recording each repeated key (mapping, key, line; the first value
    is kept, where ruamel.yaml would stop) and each key that is not a name, such as
    a list (mapping, None, line; left out). Explicitly typed values (``!!int 5``)
    are read as their text too; where a value is written in quotes is recorded
    (line and column, from 0)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.repeated: list[tuple[Any, str | None, int]] = []
        self.quoted: set[tuple[int, int]] = set()

    def check_mapping_key(
        self, node: Any, key_node: Any, mapping: Any, key: Any, value: Any
    ) -> bool:
        if not isinstance(key, str):  # "? [a, b]": a list or a mapping as a key
            self.repeated.append((mapping, None, key_node.start_mark.line + 1))
            return False
        if key in mapping:
            self.repeated.append((mapping, key, key_node.start_mark.line + 1))
            return False
        return True

    def construct_text(self, node: Any) -> Any:
        if node.style in ("'", '"'):
            self.quoted.add((node.start_mark.line, node.start_mark.column))
        return self.construct_scalar(node)


for _tag in ("str", "null", "bool", "int", "float", "timestamp", "binary"):
    _Constructor.add_default_constructor(_tag, method="construct_text")


def _mappings(node: Any, path: Path) -> Iterator[tuple[int, Path]]:
    """The id and path of every mapping in the document."""
    if isinstance(node, dict):
        yield id(node), path
        for key, value in node.items():
            yield from _mappings(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _mappings(value, (*path, index))


def _title(model: type[BaseModel], keys: list[str] | None = None) -> str:
    """The model's title, ``{key}`` in it filled with the key it is written under."""
    title = model.model_config.get("title") or model.__name__
    return title.format(key=keys[-1]) if "{key}" in title and keys else title


def _field_names(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


def _is_droppable(metadata: list[Any]) -> bool:
    return any(isinstance(item, _Droppable) for item in metadata)


def _listing(names: list[str]) -> str:
    quoted = [repr(name) for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
