"""Issue 19: naturalisation reads its months of indefinite leave from the figures
(`nat.s6_1.free_of_time_limit_months`, BNA 1981 Sch. 1 para 1(2)(c)), not a typed 12."""

import dataclasses
from datetime import timedelta

from desktop.assess import load_figures
from desktop.rules.residence import assess
from tests.rules.helpers import D, history, perm

KEY = "nat.s6_1.free_of_time_limit_months"


def _figures_with(months: int):
    figures = load_figures()
    entries = tuple(dataclasses.replace(e, value=months) for e in figures.by_key[KEY])
    return dataclasses.replace(figures, by_key={**figures.by_key, KEY: entries})


def _settled(ilr_from: str):
    day_before = (D(ilr_from) - timedelta(days=1)).isoformat()
    return history([perm("skilled_worker", "2014-01-01", day_before), perm("ilr", ilr_from, None)])


def _run(figures, on="2021-06-01", ilr_from="2020-01-01"):
    return assess(_settled(ilr_from), "naturalisation_6_1", D(on), figures, today=D(on))


def test_the_figure_in_the_data_is_12_months():
    assert load_figures().int_(KEY, D("2021-06-01")) == 12
    a = _run(load_figures())
    assert a.eligible
    assert a.earliest_application_date == D("2020-12-31")  # 12 months of ILR


def test_the_earliest_date_follows_the_figure():
    a = _run(_figures_with(18))
    assert a.earliest_application_date == D("2021-06-30")  # 18 months of ILR
    assert not a.eligible
    text = " ".join(a.reasons)
    assert "held for the 18 months before the application" in text
    assert "12 months before" not in text


def test_the_requirement_sentence_follows_the_figure_when_no_ilr_is_recorded():
    h = history([perm("skilled_worker", "2014-01-01", None)])
    a = assess(h, "naturalisation_6_1", D("2021-06-01"), _figures_with(24), today=D("2021-06-01"))
    text = " ".join(a.reasons)
    assert "held for the 24 months before the application (BNA 1981 Sch. 1 para 1(2)(c))" in text
