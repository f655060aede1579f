"""What an installed (not editable) service needs is declared and shipped.

The wheel itself is built, installed into a fresh virtual environment, migrated
and sent a signed call by ``scripts/check-wheel`` (run by CI).
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("helpline", "routing", "schedules")


def imported_modules() -> set[str]:
    found: set[str] = set()
    for source in SOURCES:
        for path in (ROOT / source).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - set(SOURCES)


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {re.split(r"[\s\[<>=!~;]", dep, maxsplit=1)[0] for dep in project["dependencies"]}
    return {_normal(name) for name in names}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_module_the_service_imports_is_a_declared_dependency() -> None:
    distributions = packages_distributions()
    missing = {module: distributions.get(module) for module in imported_modules()
               if not {_normal(d) for d in distributions.get(module, [])} & declared()}
    assert missing == {}, "imported directly but not in [project.dependencies]"


def test_every_dependency_has_a_lower_bound() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert [dep for dep in project["dependencies"] if ">=" not in dep] == []


def test_the_data_an_installed_service_reads_lies_inside_its_packages() -> None:
    from helpline.prompts.catalog import DEFAULT_LANGUAGES_FILE
    from helpline.settings import Settings
    from helpline.store.migrations import MIGRATIONS

    for path in (DEFAULT_LANGUAGES_FILE, Settings().languages_file, MIGRATIONS):
        assert path.resolve().is_relative_to(ROOT / "helpline"), path
    assert (MIGRATIONS / "env.py").is_file() and list((MIGRATIONS / "versions").glob("*.py"))
    assert (ROOT / "languages.yaml").resolve() == DEFAULT_LANGUAGES_FILE.resolve()
