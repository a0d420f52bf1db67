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
    assert f.get("fee.ilr", date(2022, 4, 5)) == 2389
    assert f.get("fee.ilr", date(2023, 10, 3)) == 2404
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


def _one(**extra):
    row = {"key": "k", "value": 1, "effective_from": date(2020, 1, 1), "source": "s"} | extra
    return Figures.from_tables([{"figure": [row]}])


def test_figure_carries_instrument_check_and_label():
    f = _one(
        instrument="SI 2025/363",
        checked_on=date(2026, 12, 6),
        checked_how="read on legislation.gov.uk",
        label="Application fee",
    )
    entry = f.entry("k", date(2021, 1, 1))
    assert entry.instrument == "SI 2025/363" and entry.checked_on == date(2026, 12, 6)
    assert entry.checked_how == "read on legislation.gov.uk" and entry.label == "Application fee"
    bare = _one().entry("k", date(2021, 1, 1))
    assert (bare.instrument, bare.checked_on, bare.checked_how, bare.label) == (None,) * 4


def test_checked_on_that_is_not_a_date_is_refused_naming_the_key():
    for bad in ("6 December 2026", "2026-12-06", 20261206):
        with pytest.raises(FiguresError, match=r"\(k\): checked_on must be a date"):
            _one(checked_on=bad)


def test_label_instrument_and_checked_how_must_be_text():
    for name in ("label", "instrument", "checked_how"):
        with pytest.raises(FiguresError, match=f"\\(k\\): {name} must be text"):
            _one(**{name: 3})


def test_a_top_level_checked_on_is_allowed():
    f = Figures.from_tables(
        [
            {
                "checked_on": date(2026, 12, 6),
                "figure": [
                    {"key": "k", "value": 1, "effective_from": date(2020, 1, 1), "source": "s"}
                ],
            }
        ]
    )
    assert f.get("k", date(2021, 1, 1)) == 1
