"""Glue between the pure residence engine and the outside world.

Loads the dated figures from `resources/rules/*.toml`, builds the bank-holiday calendar with the
`holidays` package (offline), reads the clock for "today", and runs `dropin-desk assess`.
Nothing else in the engine reads files or the clock.
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import desktop
from desktop.rules.figures import Figures
from desktop.rules.history import CLIENT_RECORD_KEY, ROUTES, History, HistoryError, parse_history
from desktop.rules.residence import assess
from desktop.rules.residence import verdict_line as _verdict_line

REGIONS: dict[str, str] = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}


def rules_dir() -> Path:
    return desktop.RESOURCES_DIR / "rules"


@lru_cache(maxsize=4)
def load_figures(directory: str | None = None) -> Figures:
    """All `[[figure]]` tables from resources/rules/*.toml (cached: they do not change at run time)."""
    folder = Path(directory) if directory else rules_dir()
    docs = []
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as fh:
            docs.append(tomllib.load(fh))
    return Figures.from_tables(docs)


@lru_cache(maxsize=16)
def bank_holidays(region: str, first_year: int, last_year: int) -> frozenset[date]:
    """Bank holidays for a region from the offline `holidays` package."""
    if region not in REGIONS:
        raise ValueError(f"unknown region {region!r}; expected one of {', '.join(REGIONS)}")
    import holidays  # local import: only deadlines need it

    calendar = holidays.UK(subdiv=REGIONS[region], years=range(first_year, last_year + 1))
    return frozenset(calendar.keys())


def _holidays_for(history: History, on: date, today: date, region: str) -> frozenset[date]:
    years = [on.year, today.year]
    for app in history.applications:
        for d in (app.made, app.decided, app.fee_waiver_requested, app.fee_waiver_decided):
            if d is not None:
                years.append(d.year)
    return bank_holidays(region, min(years) - 1, max(years) + 2)


def _resolve(history: History, route: str | None, on: date | None, today: date) -> tuple[str, date]:
    q = history.question
    route = route or (q.route if q else None)
    if not route:
        raise HistoryError(
            "question.route: no route given; add a question to the file or pass --route",
            record="question",
            field="route",
        )
    if route not in ROUTES:
        raise HistoryError(
            f"--route: unknown route {route!r}; expected one of {', '.join(ROUTES)}",
            record=None,
            field="route",
        )
    on = on or (q.application_date if q else None) or today
    return route, on


def assess_history(
    history: History,
    route: str | None = None,
    on: date | None = None,
    region: str = "england-and-wales",
    today: date | None = None,
):
    """Run the engine on a parsed History; returns the `Assessment` value."""
    today = today or date.today()
    route, on = _resolve(history, route, on, today)
    return assess(
        history,
        route,
        on,
        load_figures(),
        bank_holidays=_holidays_for(history, on, today, region),
        today=today,
    )


def assess_case(
    data: Mapping[str, Any],
    route: str | None = None,
    on: date | None = None,
    region: str = "england-and-wales",
    today: date | None = None,
) -> dict[str, Any]:
    """Parse a history JSON dict and return the issue-3 JSON object (a dict).

    A full export's client_record section is ignored: the engine needs only the history."""
    history = parse_history({k: v for k, v in data.items() if k != CLIENT_RECORD_KEY})
    return assess_history(history, route, on, region, today).to_dict()


def verdict_line(
    history: History,
    route: str,
    on: date,
    region: str = "england-and-wales",
    today: date | None = None,
) -> str:
    """One plain-English line for the client page, e.g.
    'Long residence: eligible on 2024-09-01 (10 years from 2014-09-01)'."""
    return _verdict_line(assess_history(history, route, on, region, today))


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def run_assess_command(case: str, route: str | None, on: str | None, region: str) -> int:
    """`dropin-desk assess CASE.json [--route R] [--on YYYY-MM-DD]`: one JSON object on stdout.

    Bad input prints one line naming the record and field on stderr, nothing on stdout, and
    returns 2.
    """
    try:
        if case == "-":
            text = sys.stdin.read()
        else:
            text = Path(case).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return _fail(f"{case}: cannot read the file ({reason})")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return _fail(f"{case}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")
    on_date: date | None = None
    if on is not None:
        try:
            if len(on) != 10:
                raise ValueError
            on_date = date.fromisoformat(on)
        except ValueError:
            return _fail(f"--on: {on!r} is not a date in the form YYYY-MM-DD")
    if region not in REGIONS:
        return _fail(f"--region: unknown region {region!r}; expected one of {', '.join(REGIONS)}")
    if not isinstance(data, dict):
        return _fail(f"{case}: expected a JSON object (the history), got {type(data).__name__}")
    try:
        result = assess_case(data, route=route, on=on_date, region=region)
    except HistoryError as exc:
        return _fail(str(exc).splitlines()[0])
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0
