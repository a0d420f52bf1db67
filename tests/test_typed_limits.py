"""Issue 19: figures really data. No limit is typed into a sentence in desktop/ui/ or
desktop/printing/: an amount ("£250") or a number of days ("14 days", "10 working days") in a
string constant (f-string parts included; docstrings left out, as nobody reads them on screen)
must come from the figures in resources/rules/*.toml, so that a changed figure changes the
screen and the page.

ALLOWED holds the few strings that are not limits (an example of how to type an amount),
and any known debt, each with its reason.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

from desktop import PACKAGE_DIR

SCANNED = ("ui", "printing")

#: An amount in pounds, or a whole number of days.
LIMIT = re.compile(r"£\s?\d|\b\d+\s+(?:working\s+|calendar\s+|whole\s+)?days?\b", re.IGNORECASE)

#: (file under desktop/, the exact string) -> why it may stay.
ALLOWED: dict[tuple[str, str], str] = {
    (
        "ui/finance_dialog.py",
        "e.g. £21,500",
    ): "placeholder showing how to type an amount (not a figure of any rule)",
    ("ui/finance_dialog.py", "Optional, e.g. £20,000"): "placeholder showing how to type an amount",
    ("ui/finance_dialog.py", "' is not an amount in pounds. Type it like £21,500."): (
        "an example of the amount format in an error message"
    ),
    ("ui/finance_dialog.py", ": type whole pounds, without pence (like £21,500)."): (
        "an example of the amount format in an error message"
    ),
}


def _docstrings(tree: ast.AST) -> set[int]:
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                out.add(id(first.value))
    return out


def typed_limits(source: str) -> list[tuple[int, str]]:
    """(line, string) for each string constant in `source` that types a limit."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docs
        and LIMIT.search(node.value)
    )


@functools.cache
def found() -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for folder in SCANNED:
        for path in sorted((PACKAGE_DIR / folder).rglob("*.py")):
            name = path.relative_to(PACKAGE_DIR).as_posix()
            for line, text in typed_limits(path.read_text(encoding="utf-8")):
                out.setdefault((name, text), line)
    return out


def test_no_limit_is_typed_into_a_sentence_in_ui_or_printing():
    typed = {k: line for k, line in found().items() if k not in ALLOWED}
    assert not typed, "limits typed into strings (take them from the figures): " + "; ".join(
        f"desktop/{name}:{line} {text!r}" for (name, text), line in sorted(typed.items())
    )


def test_the_allowed_list_is_not_stale():
    stale = [k for k in ALLOWED if k not in found()]
    assert not stale, f"no longer in the code, take them off ALLOWED: {stale}"


def test_the_scan_sees_amounts_and_days_in_strings_and_f_strings_but_not_docstrings():
    source = '''
"""Module docstring: over £250 and 14 days are fine here."""
def f(n, amount):
    """Docstring: 28 days."""
    a = "Standard (over £250)"
    b = f"{n} days outside, over £{amount}"
    c = f"appeal within 14 days of {n}"
    d = "apply within 10 working days"
    e = "20 Jan 2001 and the 12 months ending today"
    return a, b, c, d, e
'''
    assert [text for _line, text in typed_limits(source)] == [
        "Standard (over £250)",
        "appeal within 14 days of ",
        "apply within 10 working days",
    ]


def test_the_scanned_folders_exist():
    for folder in SCANNED:
        assert isinstance(PACKAGE_DIR / folder, Path) and (PACKAGE_DIR / folder).is_dir()
