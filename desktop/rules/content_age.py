"""How old guidance content is: "checked on D", and whether it is older than the centre's limit.

Every checklist and figures file records when it was last checked against its source
(`checked_on`). The adviser sees that date, and a warning once it is older than the limit the
centre sets (Settings, kept in the store; 180 days unless changed). Pure: the caller gives today and the limit.
"""

from __future__ import annotations

from datetime import date

from desktop.rules.datetext import long_date

#: Days after which content counts as old unless the centre sets another limit.
DEFAULT_MAX_AGE_DAYS = 180


def is_stale(checked_on: date | None, today: date, max_age_days: int) -> bool:
    """True when the content was never marked checked, or was checked more than
    `max_age_days` days before `today`."""
    if checked_on is None:
        return True
    return (today - checked_on).days > max_age_days


def checked_words(checked_on: date | None, today: date, max_age_days: int) -> str:
    """The adviser's line: "Checked against its sources on 1 December 2026." plus, when old,
    what that means."""
    if checked_on is None:
        return "Not marked as checked against its sources: check it against current guidance."
    said = f"Checked against its sources on {long_date(checked_on)}."
    if not is_stale(checked_on, today, max_age_days):
        return said
    age = (today - checked_on).days
    return (
        f"{said} That is {age} days ago, more than the {max_age_days} days this centre allows: "
        "check it against current guidance before relying on it."
    )
