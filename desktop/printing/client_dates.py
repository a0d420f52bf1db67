"""The words a client reads for a date that is not simply a deadline to come (the handout's
"Your dates" and the Checklists tab's key dates): an attention item, and a date that rests on
permission having continued after a record that stops before today. Also, for each deadline
kind, the phrase key the handout prints it with (`DATE_PHRASES`), the adviser's words for a
route closed to new applications (`closed_words`), and the checklist's fee on a date
(`client_fee`: printable only when every amount is known and verified).

Pure (no fpdf, no Qt): the Checklists tab works out its key dates on a worker thread without
loading the PDF library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from desktop.rules.checklists import Checklist
from desktop.rules.datetext import long_date

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


# ---- "Your dates" in the client's words, per deadline kind -----------------------------------

#: Deadline kind (desktop.rules.deadlines.DEADLINE_KINDS) -> the phrase key of
#: `_phrases.toml` the handout prints for it ("{date}" is the date written out). A kind not
#: here ("criminality", "other") prints the engine's sentence in English, left to right.
DATE_PHRASES: dict[str, str] = {
    "apply_before_expiry": "date_apply_before_expiry",
    "settlement_window": "date_settle",
    "earliest_application": "date_settle",
    "appeal": "date_appeal",
    "administrative_review": "date_administrative_review",
    "fee_waiver_followup": "date_fee_waiver_followup",
    "section_3c_ends": "date_section_3c_ends",
    "late_application_window": "date_new_application",
    "sar_answer": "date_file_answer",
    "status_unknown": "date_status_unknown",
    "without_permission": "date_without_permission",
}


def date_phrase_key(kind: str, facts: tuple[tuple[str, object], ...] = ()) -> str | None:
    """The phrase key for a deadline of `kind` with `facts`, or None (print the engine's own
    sentence). Naturalisation's earliest date is "to become British", a settlement route's
    "to stay for good"; a late application that needs a good reason says so."""
    key = DATE_PHRASES.get(kind)
    found = dict(facts)
    if key == "date_settle" and str(found.get("route", "")).startswith("naturalisation"):
        return "date_become_british"
    if key == "date_new_application" and found.get("good_reason_needed"):
        return "date_late_application"
    return key


# ---- closed routes ---------------------------------------------------------------------------


def clock_words(moment: datetime) -> str:
    """3pm, 3:30pm, 12pm; "" at midnight (the closure took effect from the start of the day)."""
    if moment.hour == 0 and moment.minute == 0:
        return ""
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def closed_words(checklist: Checklist, on: date | datetime) -> str:
    """The adviser's warning for a checklist whose route is closed to new applications on
    `on` ("" when open): "Closed to new applications since 3pm on 4 September 2025."."""
    if checklist.closed_on is None or not checklist.closed(on):
        return ""
    time = clock_words(checklist.closed_on)
    since = f"{time} on " if time else ""
    return f"Closed to new applications since {since}{long_date(checklist.closed_on.date())}."


# ---- the fee -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientFee:
    """The checklist's fee on a date, from desktop.rules.fees.quote_fees: the quotes, whether
    the amounts may be printed for a client (`fees_printable`: all known and verified), the
    total, and, when they may not, the adviser's reason ("" when printable)."""

    quotes: tuple[Any, ...]
    printable: bool
    total: Decimal | None
    problem: str = ""


def _pounds(amount: Decimal) -> str:
    whole = amount == amount.to_integral_value()
    return f"£{amount:,.0f}" if whole else f"£{amount:,.2f}"


def client_fee(checklist: Checklist, on: date, figures: Any) -> ClientFee | None:
    """The fee for `checklist` (its `fee` figure keys) on `on`; None when the checklist names
    no fee. Anything that stops the amount being known and verified makes it unprintable, with
    the reason for the adviser; never an exception."""
    if not checklist.fee:
        return None
    try:
        from desktop.rules.fees import fee_total, fees_printable, quote_fees
    except ImportError:  # the fee quotes are not there yet
        return ClientFee((), False, None, "The fee figures cannot be quoted in this version.")
    try:
        quotes = tuple(quote_fees(figures, checklist.fee, on))
    except ValueError as exc:  # FeesError: a key that is not a figure
        return ClientFee((), False, None, f"The checklist's fee cannot be worked out: {exc}")
    if fees_printable(quotes):
        return ClientFee(quotes, True, fee_total(quotes))
    reasons = []
    for quote in quotes:
        if quote.amount is None:
            reasons.append(f"{quote.label} ({quote.key}) has no figure in force on {long_date(on)}")
        elif not quote.verified:
            reasons.append(
                f"{quote.label} ({quote.key}, {_pounds(quote.amount)}) is not verified against "
                "its instrument"
            )
    why = "; ".join(reasons) or "no fee figure was found"
    return ClientFee(
        quotes,
        False,
        None,
        f"The handout will not print the fee: {why}. It tells the client to ask you what the "
        "fee is on the day they apply.",
    )
