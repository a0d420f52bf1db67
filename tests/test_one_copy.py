"""One copy of each rule (issue 19): a rule, a vocabulary, a colour or a client's sentence is
written in one place and everything else imports it. Each test scans the package's source for a
second copy, so a copy typed back in fails here with the file and line."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import desktop
from desktop import status_style
from desktop.rules import days
from desktop.rules.history import PERMISSION_CATEGORIES

PACKAGE = Path(desktop.__file__).resolve().parent


def sources(*folders: str) -> list[Path]:
    roots = [PACKAGE / f for f in folders] if folders else [PACKAGE]
    return sorted(p for root in roots for p in root.rglob("*.py"))


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(PACKAGE.parent)}, line {node.lineno}"


# ---- whole days outside: desktop.rules.days only ----------------------------------------------


def test_the_day_counting_functions_are_defined_only_in_rules_days():
    counting = {
        name
        for name, fn in vars(days).items()
        if inspect.isfunction(fn) and fn.__module__ == days.__name__ and not name.startswith("_")
    }
    assert "whole_days_outside" in counting
    copies = [
        f"{where(path, node)}: {node.name}"
        for path in sources()
        if path != Path(days.__file__).resolve()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in counting
    ]
    assert copies == []


def test_the_screens_count_a_trip_with_the_rules_function():
    from desktop.ui import history_tab, plan_trip_dialog, record_dialog
    from desktop.ui.widgets import dates, permission_timeline

    assert not hasattr(dates, "whole_days_outside")
    for module in (history_tab, plan_trip_dialog, record_dialog, permission_timeline):
        assert module.whole_days_outside is days.whole_days_outside, module.__name__


# ---- permission category names: desktop.rules.history only -----------------------------------


def _labels_by_category(node: ast.Dict) -> bool:
    """A dict literal of permission categories -> words for a person (not -> another code or
    a rule's citation, "LR 11.1(a)")."""
    keys = [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
    if sum(k in PERMISSION_CATEGORIES for k in keys) < 3:
        return False
    values = [v.value for v in node.values if isinstance(v, ast.Constant)]
    return any(
        isinstance(v, str) and not re.fullmatch(r"[a-z0-9_]+", v) and re.search(r"[a-z]{3}", v)
        for v in values
    )


def test_no_module_but_rules_history_names_the_permission_categories():
    history = PACKAGE / "rules" / "history.py"
    copies = [
        where(path, node)
        for path in sources()
        if path != history
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Dict) and _labels_by_category(node)
    ]
    assert copies == []
    # The scan does find the one list it allows.
    tree = ast.parse(history.read_text(encoding="utf-8"))
    assert any(isinstance(n, ast.Dict) and _labels_by_category(n) for n in ast.walk(tree))


def test_timeline_bar_labels_are_made_from_the_one_list_of_names():
    from desktop.ui.widgets.permission_timeline import short_label

    shorts = {code: short_label(code) for code in PERMISSION_CATEGORIES}
    for code, short in shorts.items():
        assert short and len(short) <= len(PERMISSION_CATEGORIES[code]), code
    # Each category keeps its own bar label (5- and 10-year partner routes differ).
    assert len(set(shorts.values())) == len(shorts)
    assert shorts["partner_5y"] == "Partner (5-year)"
    assert shorts["mvdac"] == "MVDAC"
    assert shorts["euss_settled"] == "Settled status"
    assert shorts["refugee"] == "Refugee"
    assert short_label("a_code_from_a_newer_file") == "a_code_from_a_newer_file"


# ---- status colours: desktop.status_style only ------------------------------------------------

HEX = re.compile(r"#[0-9A-Fa-f]{6}\b")


def status_colours() -> set[str]:
    """The day statuses' fills and inks and status_style's marks, upper case, leaving out the
    neutral greys (white, black, greys: every screen uses those for plain things)."""
    found = {c for s in status_style.STYLES.values() for c in (s.fill, s.ink)}
    found |= {v for v in vars(status_style).values() if isinstance(v, str) and HEX.fullmatch(v)}
    return {c.upper() for c in found if len({c[1:3], c[3:5], c[5:7]}) > 1}


def test_no_status_colour_is_typed_in_ui_or_printing():
    colours = status_colours()
    assert {"#CFE8DC", "#00684A", "#FBE3B0", "#C0001A"} <= colours
    copies = [
        f"{path.relative_to(PACKAGE.parent)}, line {n}: {colour}"
        for path in sources("ui", "printing")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for colour in HEX.findall(line)
        if colour.upper() in colours
    ]
    assert copies == []


def test_the_screens_take_their_colours_from_status_style():
    from desktop.ui import checklists_tab
    from desktop.ui.widgets import deadline_strip, verdict_look

    looks = checklists_tab.STATUS_LOOKS
    assert (looks["received"].fill, looks["received"].ink) == (
        status_style.STYLES["counted"].fill,
        status_style.STYLES["counted"].ink,
    )
    assert looks["pending"].fill == status_style.STYLES["planned"].fill
    assert verdict_look.ELIGIBLE_INK == status_style.STYLES["counted"].ink
    assert status_style.OVER_LIMIT_OUTLINE in verdict_look.ATTENTION_BOX_STYLE
    # The deadline strip's warning line is the verdict's warning box, not a copy of it.
    assert verdict_look.ATTENTION_BOX_STYLE in deadline_strip.ATTENTION_STYLE


# ---- the handout's words: resources/checklists/_phrases.toml only -----------------------------


def test_no_handout_phrase_is_written_again_in_python():
    """The handout's English is the phrases file's [en] table: the handout's modules hold none
    of its words, and no other module in printing/ or ui/ repeats one of its sentences."""
    from desktop.assess import handout_phrases
    from desktop.printing import handout

    english = {v.strip(): k for k, v in handout_phrases()["en"].items() if isinstance(v, str)}
    own = {PACKAGE / "printing" / "handout.py", PACKAGE / "printing" / "client_dates.py"}
    copies = [
        f"{where(path, node)}: {english[node.value.strip()]}"
        for path in sources("printing", "ui")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.strip() in english
        and len(node.value.split()) >= (2 if path in own else 4)  # not "of", "with" in code
    ]
    assert copies == []
    assert not hasattr(handout, "ENGLISH")
