"""The wording of verdicts takes its figures from resources/rules: no limit, period or cut-off
date is typed into a sentence in desktop/rules (docstrings and comments may name them)."""

import ast
import re
from pathlib import Path

import pytest

from desktop.assess import load_figures
from desktop.rules import wording

RULES = Path(__file__).resolve().parents[2] / "desktop" / "rules"

#: Figures that live in resources/rules/*.toml and must not be typed into sentences.
FIGURE_IN_TEXT = re.compile(
    r"\b(548|184|180|450|270|90|14|28|10|120|72|60|24|15|7|6|5|4) (working )?(days?|months?|years?)\b"
    r"|\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November"
    r"|December) (19|20)\d\d\b"
)
#: Names of routes and of figures' own places (route labels are names, not figures).
ALLOWED = {"desktop/rules/history.py", "desktop/rules/finance.py"}


def _sentences(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
        ):
            docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                yield node.lineno, node.value


MODULES = [
    p for p in sorted(RULES.rglob("*.py")) if f"desktop/rules/{p.relative_to(RULES)}" not in ALLOWED
]


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(RULES)))
def test_no_figure_or_cut_off_date_typed_into_a_sentence(module):
    found = [
        f"line {line}: {m.group(0)!r}"
        for line, text in _sentences(module)
        if (m := FIGURE_IN_TEXT.search(text))
    ]
    assert not found, found


def test_limit_sentences_are_made_from_the_figures():
    from dataclasses import replace

    from desktop.rules.figures import Figures
    from desktop.rules.residence import assess
    from tests.rules.helpers import D, history, perm, trip

    h = history(
        [perm("student", "2014-01-01", "2030-01-01")], [], [trip("2015-01-01", "2015-02-01")]
    )
    figures = load_figures()
    text = " ".join(assess(h, "long_residence", D("2024-06-01"), figures).reasons)
    assert "184 days at any one time" in text and "started before 11 April 2024" in text
    changed = dict(figures.by_key)
    changed["lr.single_absence_limit_days"] = tuple(
        replace(f, value=200) for f in figures.by_key["lr.single_absence_limit_days"]
    )
    changed["lr.transition_date"] = tuple(
        replace(f, value=D("2024-05-01")) for f in figures.by_key["lr.transition_date"]
    )
    text = " ".join(assess(h, "long_residence", D("2024-06-01"), Figures(changed)).reasons)
    assert "200 days at any one time" in text and "started before 1 May 2024" in text


def test_reasons_carry_their_dates_as_data():
    from desktop.rules.verdict import Breach

    b = Breach("CR 3.1", wording.date(2020, 1, 2), wording.date(2021, 1, 1), 195, "too long")
    r = wording.breach(b)
    assert r.code == "breach" and r.rule == "CR 3.1" and r.days == 195
    assert r.dates == {"from": b.start, "to": b.end}
    assert r.to_dict()["dates"] == {"from": "2020-01-02", "to": "2021-01-01"}
    assert str(r) == "CR 3.1: too long (2020-01-02 to 2021-01-01)."
