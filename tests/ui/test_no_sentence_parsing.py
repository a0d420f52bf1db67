"""Issue 16: deadlines, reasons and history problems travel as data. No screen or print-out
reads the engine's sentences to learn what they are, or rewrites their dates by pattern: each
sentence writes its own dates (`Reason.render`, `Deadline.render`)."""

import ast
from pathlib import Path

from desktop import board, datetext
from desktop.ui.widgets import dates

DESKTOP = Path(__file__).resolve().parents[2] / "desktop"
CONSUMERS = [
    DESKTOP / "board.py",
    *sorted((DESKTOP / "ui").rglob("*.py")),
    *sorted((DESKTOP / "printing").rglob("*.py")),
]
#: The old ways: a deadline's kind from its words, "met" from ", in time.", history problems
#: placed by their text (the record dialog's pattern), ISO dates rewritten by pattern. (Paper
#: still names `permissions[2]` as "permission 3" for a client: that is not a date.)
GONE = {"classify", "is_met", "MET_MARK", "uk_dates_in", "rewrite_iso_dates"}
GONE_ON_SCREEN = {"_RECORD_REF"}


def names_used(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.alias):
            found.add(node.asname or node.name)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            found.add(node.name)
    return found


def test_no_consumer_parses_the_engines_sentences():
    for path in CONSUMERS:
        gone = GONE | (GONE_ON_SCREEN if "ui" in path.relative_to(DESKTOP).parts else set())
        used = names_used(path) & gone
        assert not used, f"{path.relative_to(DESKTOP)} still uses {sorted(used)}"


def test_the_rewriting_helpers_are_gone():
    assert not hasattr(datetext, "rewrite_iso_dates") and not hasattr(datetext, "ISO_IN_TEXT")
    assert not hasattr(dates, "uk_dates_in")
    assert not hasattr(board, "classify")
