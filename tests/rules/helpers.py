"""Small builders for rule tests: a history in a few lines, figures from resources/rules."""

from __future__ import annotations

from datetime import date

from desktop.assess import load_figures
from desktop.rules.history import Absence, Application, Custody, History, Permission
from desktop.rules.residence import assess

D = date.fromisoformat


def perm(category: str, start: str, end: str | None, granted: str | None = None) -> Permission:
    return Permission(category, D(start), D(end) if end else None, D(granted) if granted else None)


def trip(left: str, returned: str, **kw) -> Absence:
    return Absence(D(left), D(returned), **kw)


def app(
    kind: str, made: str | None, decided: str | None = None, outcome: str | None = None, **kw
) -> Application:
    dates = {
        k: (
            D(v)
            if isinstance(v, str) and k not in ("outcome", "remedy") and not k.endswith("outcome")
            else v
        )
        for k, v in kw.items()
    }
    return Application(
        kind, D(made) if made else None, D(decided) if decided else None, outcome, **dates
    )


def history(perms=(), apps=(), absences=(), custody=()) -> History:
    return History(
        permissions=tuple(perms),
        applications=tuple(apps),
        absences=tuple(absences),
        custody=tuple(Custody(D(a), D(b)) for a, b in custody),
    )


def run(h: History, route: str, on: str, today: str | None = None, holidays=frozenset()):
    return assess(h, route, D(on), load_figures(), bank_holidays=holidays, today=D(today or on))
