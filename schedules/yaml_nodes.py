"""Reading YAML files as nodes, so that every value keeps its line number.

Values are read as the text that was written (``yaml.compose``, not ``load``): a
time like ``09:00`` or a code like ``no`` is never turned into a number or a
boolean behind the writer's back. A :class:`NodeReader` collects problems instead
of stopping at the first, so one pass over a file reports all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import yaml

from schedules.exceptions import Problem, did_you_mean
from schedules.model import Source

T = TypeVar("T")


class NodeReader:
    """Reads one file's nodes and records each problem with the file and line."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def compose(self, text: str) -> yaml.Node | None:
        """The document's root node; None (with a problem) when the text is not YAML or
        is empty."""
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark is not None else None
            context = error.context
            if context and error.context_mark and error.context_mark.line + 1 != line:
                context = f"{context} on line {error.context_mark.line + 1}"
            what = ", ".join(part for part in (context, error.problem) if part)
            self.problems.append(Problem(self.file, line, f"this is not valid YAML: {what}"))
            return None
        except yaml.YAMLError as error:
            self.problems.append(Problem(self.file, None, f"this is not valid YAML: {error}"))
            return None
        if root is None or (isinstance(root, yaml.ScalarNode) and not root.value.strip()):
            self.problems.append(Problem(self.file, None, "the file is empty"))
            return None
        return root

    def source(self, node: yaml.Node) -> Source:
        return Source(self.file, node.start_mark.line + 1)

    def report(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(self.file, node.start_mark.line + 1, message))

    def fields(
        self,
        node: yaml.Node,
        what: str,
        *,
        required: Sequence[str] = (),
        optional: Sequence[str] = (),
    ) -> dict[str, yaml.Node] | None:
        """The ``name: value`` pairs of a mapping, by name; unknown, repeated and
        missing names are reported. None when ``node`` is not a mapping."""
        pairs = self.mapping(node, what)
        if pairs is None:
            return None
        allowed = [*required, *optional]
        found: dict[str, yaml.Node] = {}
        for key, value in pairs:
            if key.value not in allowed:
                self.report(key, f"unknown field {key.value!r} in {what}"
                            f"{did_you_mean(key.value, allowed)} (expected {_listing(allowed)})")
            else:
                found[key.value] = value
        for name in required:
            if name not in found:
                self.report(node, f"{what} needs {name!r}")
        return found

    def mapping(self, node: yaml.Node, what: str) -> list[tuple[yaml.ScalarNode, yaml.Node]] | None:
        """The ``key: value`` pairs of a mapping node, in order, each key once (a
        repeated key is reported and its later value dropped)."""
        if not isinstance(node, yaml.MappingNode):
            self.report(node, f"{what} should be a set of 'name: value' lines")
            return None
        pairs: list[tuple[yaml.ScalarNode, yaml.Node]] = []
        first_line: dict[str, int] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                self.report(key, f"a name in {what} should be plain text")
            elif key.value in first_line:
                self.report(key, f"{key.value!r} is given twice in {what} "
                            f"(first on line {first_line[key.value]})")
            else:
                first_line[key.value] = key.start_mark.line + 1
                pairs.append((key, value))
        return pairs

    def entries(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        """The items of a list node (``- ...`` lines)."""
        if _is_empty(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.report(node, f"{what} should be a list, one '- ' line per item")
            return []
        return list(node.value)

    def text(self, node: yaml.Node, what: str) -> str | None:
        """The text of a single value; None (reported) for a list, a mapping or nothing."""
        if not isinstance(node, yaml.ScalarNode):
            self.report(node, f"{what} should be a single value, not a list or a set of fields")
            return None
        if not node.value.strip():
            self.report(node, f"{what} is empty")
            return None
        return str(node.value)

    def texts(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node]]:
        """One value or a list of values, each with its node; empty (reported) when
        there are none."""
        items = list(node.value) if isinstance(node, yaml.SequenceNode) else [node]
        if not items:
            self.report(node, f"{what} is empty")
        found: list[tuple[str, yaml.Node]] = []
        for item in items:
            text = self.text(item, what)
            if text is not None:
                found.append((text, item))
        return found

    def parse(self, node: yaml.Node, parser: Callable[[str], T], what: str) -> T | None:
        """``parser`` applied to the text of ``node``; None when either fails (its
        ValueError's message is the problem reported)."""
        text = self.text(node, what)
        return None if text is None else self.parse_text(text, node, parser)

    def parse_text(self, text: str, node: yaml.Node, parser: Callable[[str], T]) -> T | None:
        try:
            return parser(text)
        except ValueError as error:
            self.report(node, str(error))
            return None


def _is_empty(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and not node.value.strip()


def _listing(names: Sequence[str]) -> str:
    quoted = [repr(name) for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
