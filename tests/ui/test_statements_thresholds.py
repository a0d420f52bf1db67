"""Issue 19: the Statements tab's threshold menu takes its amounts from the figures
(`statements.threshold`, `statements.threshold_cautious` in resources/rules/statements.toml),
not from "£250"/"£50" typed into the labels."""

import dataclasses
from datetime import date

import desktop.assess
from desktop.assess import load_figures
from desktop.ui.statements_tab import StatementsTab, threshold_labels


def _figures_with(**values):
    figures = load_figures()
    by_key = dict(figures.by_key)
    for key, value in values.items():
        by_key[key] = tuple(dataclasses.replace(e, value=value) for e in by_key[key])
    return dataclasses.replace(figures, by_key=by_key)


def _menu(tab):
    return [
        (tab.threshold.itemText(i), tab.threshold.itemData(i)) for i in range(tab.threshold.count())
    ]


def test_the_menu_shows_the_figures_in_force(qtbot):
    tab = StatementsTab()
    qtbot.addWidget(tab)
    assert _menu(tab) == [("Standard (over £250)", "standard"), ("Cautious (over £50)", "cautious")]


def test_the_menu_follows_a_changed_figure(qtbot, monkeypatch):
    changed = _figures_with(
        **{"statements.threshold": "300.00", "statements.threshold_cautious": "62.50"}
    )
    monkeypatch.setattr(desktop.assess, "load_figures", lambda *a: changed)
    assert threshold_labels(date(2026, 12, 6)) == {
        "standard": "Standard (over £300)",
        "cautious": "Cautious (over £62.50)",
    }
    tab = StatementsTab()
    qtbot.addWidget(tab)
    assert _menu(tab) == [
        ("Standard (over £300)", "standard"),
        ("Cautious (over £62.50)", "cautious"),
    ]
