"""desktop/rules stays pure: no Qt, no database, no file or network I/O, no clock."""

import ast
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parents[2] / "desktop" / "rules"
FORBIDDEN_MODULES = {
    "PySide6",
    "sqlalchemy",
    "sqlcipher3",
    "os",
    "io",
    "pathlib",
    "socket",
    "urllib",
    "tomllib",
    "json",
    "holidays",
    "platformdirs",
    "subprocess",
    "logging",
    "time",
}
FORBIDDEN_CALLS = {"open", "today", "now", "utcnow"}


@pytest.mark.parametrize(
    "module", sorted(RULES.rglob("*.py")), ids=lambda p: str(p.relative_to(RULES))
)
def test_rules_module_is_pure(module):
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            assert name.split(".")[0] not in FORBIDDEN_MODULES, f"{module.name} imports {name}"
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert called not in FORBIDDEN_CALLS, (
                f"{module.name} line {node.lineno} calls {called}()"
            )
