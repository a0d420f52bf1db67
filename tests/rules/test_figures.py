"""Dated figures: the value in force on a date, with its source."""

from datetime import date

import pytest

from desktop.assess import load_figures
from desktop.rules.figures import Figures, FiguresError


def test_every_figure_has_a_source_and_date():
    f = load_figures()
    for key in f.keys():
        for entry in f.by_key[key]:
            assert entry.source.strip()
            assert isinstance(entry.effective_from, date)


def test_fee_in_force_on_a_date():
    f = load_figures()
    assert f.get("fee.ilr", date(2023, 10, 3)) == 2389
    assert f.get("fee.ilr", date(2023, 10, 4)) == 2885
    assert f.get("fee.ilr", date(2025, 6, 1)) == 3029


def test_late_application_grace_28_days_before_24_november_2016_then_14():
    f = load_figures()
    assert f.get("late.grace_days", date(2016, 11, 23)) == 28
    assert f.get("late.grace_days", date(2016, 11, 24)) == 14


def test_figure_before_it_took_effect_is_an_error_unless_lenient():
    f = Figures.from_tables(
        [{"figure": [{"key": "k", "value": 1, "effective_from": date(2020, 1, 1), "source": "s"}]}]
    )
    with pytest.raises(FiguresError):
        f.get("k", date(2019, 1, 1))
    assert f.leniently().get("k", date(2019, 1, 1)) == 1
    with pytest.raises(FiguresError):
        f.leniently().entry("k", date(2019, 1, 1), strict=True)


def test_figure_without_source_is_rejected():
    with pytest.raises(FiguresError):
        Figures.from_tables(
            [
                {
                    "figure": [
                        {"key": "k", "value": 1, "effective_from": date(2020, 1, 1), "source": ""}
                    ]
                }
            ]
        )
