"""Issue 19: figures really data. Every figure key in resources/rules/*.toml is read somewhere:
named in desktop/ (a string constant, or an f-string such as f"{pre}.years" whose every
substituted part is itself a string constant there, e.g. "nat.s6_1"), or named by data the code
reads (a checklist's `fee = ["fee.euss"]`). A figure no rule reads is a figure nobody checks.

A static scan: it sees the key strings, not whether the code path runs. Keys listed in
ALLOWED_UNREAD are known exceptions, each with its reason.
"""

from __future__ import annotations

import ast
import functools
import re
import tomllib
from pathlib import Path

from desktop import PACKAGE_DIR, RESOURCES_DIR

#: Figure key -> why it may stay unread for now.
ALLOWED_UNREAD: dict[str, str] = {
    "fee.appeal_paper": (
        "First-tier Tribunal appeal fee without a hearing: the adviser's note in "
        "resources/checklists/after_refusal.toml names it, but which appeal fee applies "
        "depends on the hearing, so no checklist `fee` line or rule quotes it yet (left for "
        "the after-refusal checklist or the appeal deadline to read)"
    ),
    "fee.appeal_hearing": "as fee.appeal_paper, with a hearing",
}


def figure_keys() -> dict[str, str]:
    """Each figure key -> the file that defines it."""
    keys: dict[str, str] = {}
    for path in sorted((RESOURCES_DIR / "rules").glob("*.toml")):
        for figure in tomllib.loads(path.read_text(encoding="utf-8")).get("figure", []):
            keys.setdefault(figure["key"], path.name)
    return keys


@functools.cache
def _python_names() -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """String constants in desktop/, and each f-string as a pattern with one group per
    substituted part."""
    constants: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                constants.add(node.value)
            elif isinstance(node, ast.JoinedStr):
                parts = [
                    re.escape(v.value) if isinstance(v, ast.Constant) else "(.+)"
                    for v in node.values
                ]
                if any(p == "(.+)" for p in parts) and any(p != "(.+)" for p in parts):
                    patterns.append(re.compile("".join(parts)))
    return frozenset(constants), tuple(patterns)


def _strings_in(value: object, out: set[str], *, skip_key: bool = False) -> None:
    if isinstance(value, str):
        out.add(value)
    elif isinstance(value, list):
        for item in value:
            _strings_in(item, out)
    elif isinstance(value, dict):
        for name, item in value.items():
            if not (skip_key and name == "key"):
                _strings_in(item, out)


def _data_names() -> set[str]:
    """Whole string values in resources/**/*.toml (a checklist's `fee` list names figure
    keys), leaving out the `key` that defines each figure."""
    out: set[str] = set()
    for path in sorted(RESOURCES_DIR.rglob("*.toml")):
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        for name, value in doc.items():
            if name == "figure" and isinstance(value, list):
                for figure in value:
                    _strings_in(figure, out, skip_key=True)
            else:
                _strings_in(value, out)
    return out


def unread_keys() -> dict[str, str]:
    constants, patterns = _python_names()
    named = constants | _data_names()
    out: dict[str, str] = {}
    for key, where in figure_keys().items():
        if key in named:
            continue
        if any(
            (m := p.fullmatch(key)) is not None and all(g in constants for g in m.groups())
            for p in patterns
        ):
            continue
        out[key] = where
    return out


def test_every_figure_is_read_somewhere():
    unread = {k: f for k, f in unread_keys().items() if k not in ALLOWED_UNREAD}
    assert not unread, (
        "figures no code in desktop/ (and no data it reads) names - read each where the rule "
        "needs it, or remove it: " + ", ".join(f"{k} ({f})" for k, f in sorted(unread.items()))
    )


def test_the_allowed_list_is_not_stale():
    keys, unread = figure_keys(), unread_keys()
    stale = [k for k in ALLOWED_UNREAD if k not in keys or k not in unread]
    assert not stale, f"now read or gone, take them off ALLOWED_UNREAD: {stale}"


def test_the_scan_sees_keys_built_from_a_prefix():
    # naturalisation.py asks for f"{pre}.years" with pre "nat.s6_1" or "nat.s6_2"
    assert "nat.s6_2.total_bands" not in unread_keys()
    constants, patterns = _python_names()
    assert "nat.s6_1" in constants
    assert any(p.fullmatch("nat.s6_2.total_bands") for p in patterns)


def test_the_scan_would_see_an_unread_figure(tmp_path, monkeypatch):
    import tests.test_figures_read as scan

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "x.toml").write_text(
        '[[figure]]\nkey = "nobody.reads.this"\nvalue = 1\neffective_from = 2020-01-01\n'
        'source = "test"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(scan, "RESOURCES_DIR", tmp_path)
    assert scan.unread_keys() == {"nobody.reads.this": "x.toml"}


def test_package_and_resources_are_where_the_scan_looks():
    assert (PACKAGE_DIR / "rules" / "naturalisation.py").is_file()
    assert (RESOURCES_DIR / "rules" / "naturalisation.toml").is_file()
    assert isinstance(PACKAGE_DIR, Path)
