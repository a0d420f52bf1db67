"""Moved to `desktop.rules.datetext` (the rules' sentences need it and `desktop.rules` may import
only `desktop.rules`: see `.importlinter`). This name stays so older imports keep working; new
code imports `desktop.rules.datetext`."""

from desktop.rules.datetext import (  # noqa: F401 - re-exported
    MONTH_ABBRS,
    MONTH_NAMES,
    WEEKDAY_ABBRS,
    WEEKDAY_NAMES,
    long_date,
    short_date,
    weekday_date,
)
