"""The words a client reads for a date that is not simply a deadline to come (the handout's
"Your dates" and the Checklists tab's key dates): an attention item, and a date that rests on
permission having continued after a record that stops before today.

Pure (no fpdf, no Qt): the Checklists tab works out its key dates on a worker thread without
loading the PDF library.
"""

from __future__ import annotations

from datetime import date

from desktop.datetext import long_date

#: What a client reads for an attention item (desktop.rules.deadlines.ATTENTION_KINDS): a date
#: in the past that matters until the record is completed. `{day}` is the item's date.
ATTENTION_WORDS = {
    "status_unknown": (
        "Your permission to stay ended on {day}, and we have nothing recorded since. We need to "
        "check your immigration status now: tell us about any application you made or any new "
        "permission."
    ),
    "without_permission": (
        "Our record shows no permission to stay from {day}: the application was refused before "
        "your permission ended. Talk to us now."
    ),
}

#: Said after a date that rests on permission having continued after a record that stops
#: (`{day}`: the last day recorded).
ASSUMED_WORDS = "only if your permission continued after {day}; we need to check your status"


def attention_words(kind: str, day: date) -> str:
    """The client's sentence for an attention item of `kind` dated `day`."""
    return ATTENTION_WORDS[kind].format(day=long_date(day))
