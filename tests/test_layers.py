"""The layers of the code, checked: the import-linter contracts in `.importlinter` (cli > ui >
board/annotate/selftest > store/importers/printing/assess > rules; desktop.rules imports only
desktop.rules and the standard library). `make test` runs them through this file."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

import desktop

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / ".importlinter"
PACKAGE = Path(desktop.__file__).resolve().parent

pytest.importorskip("importlinter")  # the `test` extra installs it

# lint-imports in a child process: its graph is of the `desktop` found first on the path of
# `folder` (the work tree, or a copy), and it writes no cache into the work tree.
LINT = (
    "import sys\n"
    "from importlinter.cli import lint_imports\n"
    "sys.exit(lint_imports(config_filename='.importlinter', no_cache=True, no_logo=True))\n"
)


def lint(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", LINT],
        cwd=folder,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def contract(name: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser()
    parser.read(CONFIG, encoding="utf-8")
    return parser[f"importlinter:contract:{name}"]


def listed(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def test_the_layer_contracts_are_kept():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_the_layers_are_the_ones_the_design_names():
    layers = contract("layers")
    assert listed(layers["containers"]) == ["desktop"]
    assert listed(layers["layers"]) == [
        "cli",
        "ui",
        "board | annotate | selftest",
        "store | importers | printing | assess",
        "rules",
    ]


def test_rules_are_forbidden_every_other_desktop_module_and_the_outside_layers():
    forbidden = set(listed(contract("rules-pure")["forbidden_modules"]))
    assert {"PySide6", "sqlalchemy", "sqlcipher3", "reportlab", "fpdf", "holidays"} <= forbidden
    # Every top-level module of the package but desktop.rules, so a new one cannot slip by.
    tops = {
        f"desktop.{p.stem if p.suffix == '.py' else p.name}"
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()
    }
    assert tops - {"desktop.rules"} <= forbidden, sorted(tops - {"desktop.rules"} - forbidden)
    assert "desktop.rules" not in forbidden


def test_rules_import_only_rules_and_the_standard_library():
    """The forbidden list names what is known; this catches anything else (a new package, or
    `import desktop` itself)."""
    graph = grimp.build_graph("desktop", include_external_packages=True, cache_dir=None)
    outside = set()
    for module in graph.modules:
        if module == "desktop.rules" or module.startswith("desktop.rules."):
            for imported in graph.find_modules_directly_imported_by(module):
                if imported == "desktop.rules" or imported.startswith("desktop.rules."):
                    continue
                if imported.split(".")[0] in sys.stdlib_module_names:
                    continue
                outside.add(f"{module} -> {imported}")
    assert not outside, sorted(outside)


def test_datetext_lives_in_the_rules_and_the_old_name_still_works():
    from desktop import datetext
    from desktop.rules import datetext as rules_datetext

    assert datetext.long_date is rules_datetext.long_date
    assert datetext.MONTH_ABBRS is rules_datetext.MONTH_ABBRS


def test_bank_csv_and_bank_ofx_no_longer_import_each_other_both_ways():
    graph = grimp.build_graph("desktop", cache_dir=None)
    assert "desktop.importers.bank_csv" not in graph.find_modules_directly_imported_by(
        "desktop.importers.bank_ofx"
    )
    from desktop.importers import bank_csv, parsed_statement

    assert bank_csv.ParsedStatement is parsed_statement.ParsedStatement  # still importable there


def test_handouts_and_importers_do_not_import_assess_or_the_store_directly():
    graph = grimp.build_graph("desktop", cache_dir=None)
    for module in ("desktop.printing.handout", "desktop.printing.client_dates"):
        assert "desktop.assess" not in graph.find_modules_directly_imported_by(module)
    imported = graph.find_modules_directly_imported_by("desktop.importers.history_json")
    # Only the ignored ones (see .importlinter): no repository queries, no checklists or
    # statements tables: import_case and export_case are in desktop.store.case_file.
    assert {m for m in imported if m.startswith("desktop.store")} <= {
        "desktop.store.repository",
        "desktop.store.case_file",
    }


def copy_of_the_package(tmp_path: Path) -> Path:
    folder = tmp_path / "tree"
    shutil.copytree(
        PACKAGE,
        folder / "desktop",
        ignore=lambda _dir, names: [n for n in names if not n.endswith(".py") and "." in n],
    )
    shutil.copy(CONFIG, folder / ".importlinter")
    return folder


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("from desktop.store import repository", "desktop.store"),
        ("import sqlalchemy", "sqlalchemy"),
        ("from desktop.datetext import long_date", "desktop.datetext"),
    ],
)
def test_a_forbidden_import_in_a_rules_module_breaks_the_check(tmp_path, line, named):
    folder = copy_of_the_package(tmp_path)
    days = folder / "desktop" / "rules" / "days.py"
    days.write_text(days.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    result = lint(folder)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "desktop.rules imports only desktop.rules" in result.stdout
    assert f"desktop.rules.days -> {named}" in result.stdout
    assert "BROKEN" in result.stdout


def test_a_lower_layer_importing_a_higher_one_breaks_the_check(tmp_path):
    folder = copy_of_the_package(tmp_path)
    common = folder / "desktop" / "printing" / "common.py"
    common.write_text(
        common.read_text(encoding="utf-8") + "\nfrom desktop.ui import app  # noqa\n",
        encoding="utf-8",
    )
    result = lint(folder)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "desktop.printing is not allowed to import desktop.ui" in result.stdout
