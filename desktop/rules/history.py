"""A client's immigration history: value types and the history JSON (format `dropin-desk.history/1`).

The same JSON is the store's import/export format and the input of `dropin-desk assess`, so parsing
is strict: the first problem found raises `HistoryError` naming the record (`absences[2]`) and the
field (`returned`), in words an adviser can act on. Nothing here reads the clock: checks that need
"today" take it as a parameter. Every date must fall in the years 1900 to 2100, text fields hold
at most TEXT_LIMIT characters and no lone surrogate, and no message echoes more than 80
characters of a bad value (input may hold megabyte strings), with control and bidi characters
escaped (`quote`, `clip`).

Dates are inclusive calendar dates. `to` is null for indefinite permission only. Records keep the
order they were given in, so `parse_history(history_to_dict(h)) == h` holds exactly; the engine
sorts what it needs.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

FORMAT = "dropin-desk.history/1"

#: A full (subject access) export adds this top-level section with the client's details,
#: household, notes and audit trail. It is not part of the history: readers take it off first.
CLIENT_RECORD_KEY = "client_record"


class HistoryError(ValueError):
    """A problem in a history, with the record and field it is about (both optional).

    The message is complete on its own, e.g.
    "absences[2].returned: the return date 2020-01-01 is before the departure date 2020-01-10".
    Screens do not read the message: they read `code` (a key of ERROR_CODES), `collection` and
    `index` (the record: "absences", 2), `field` (the JSON key), `dates` (the dates the message
    names, by role: {"returned": ..., "left": ...}) and, for overlaps, `other` (the other
    record's collection and index), and make their own sentence.
    """

    def __init__(
        self,
        message: str,
        *,
        record: str | None = None,
        field: str | None = None,
        code: str = "",
        dates: Mapping[str, date | None] | None = None,
        other: tuple[str, int] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.record = record
        self.field = field
        self.code = code
        self.dates = {k: v for k, v in (dates or {}).items() if v is not None}
        self.other = other
        found = _RECORD_NAME.match(record or "")
        #: The record as data: ("absences", 2) for "absences[2]"; (None, None) for the file,
        #: ("person", None) or ("question", None) for those sections.
        self.collection: str | None = found.group(1) if found else record
        self.index: int | None = int(found.group(2)) if found and found.group(2) else None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HistoryError):
            return NotImplemented
        return (self.message, self.record, self.field) == (other.message, other.record, other.field)

    def __hash__(self) -> int:
        return hash((self.message, self.record, self.field))

    def __repr__(self) -> str:
        return (
            f"HistoryError({self.message!r}, record={self.record!r}, field={self.field!r}, "
            f"code={self.code!r})"
        )

    def to_dict(self) -> dict[str, Any]:
        """The problem as data (the message is the only text in it)."""
        return {
            "code": self.code,
            "collection": self.collection,
            "index": self.index,
            "field": self.field,
            "dates": {k: v.isoformat() for k, v in self.dates.items()},
            "other": None
            if self.other is None
            else {"collection": self.other[0], "index": self.other[1]},
            "message": self.message,
        }


_RECORD_NAME = re.compile(r"([a-z_]+)(?:\[([0-9]+)\])?\Z")

#: Every `HistoryError.code`, with what it means. The record and field say where.
ERROR_CODES: dict[str, str] = {
    "format": "the file is not a history (format is missing or wrong)",
    "not_object": "an object with fields was expected",
    "unknown_field": "a field that a history does not have (field: the key, clipped)",
    "not_list": "a list was expected",
    "date_missing": "a date that is needed is missing or empty",
    "not_date": "not a date in the form YYYY-MM-DD",
    "not_real_date": "not a real calendar date",
    "date_out_of_range": "a date outside the years 1900 to 2100 (dates: value)",
    "not_text": "text was expected",
    "bad_text": "text too long, or not text (a lone surrogate)",
    "text_missing": "text that is needed is missing or empty",
    "unknown_code": "a code not in the list (category, kind, outcome, route...)",
    "not_flag": "true or false was expected",
    "bad_conditions": "conditions must be a list of short codes",
    "indefinite_has_end": "indefinite permission with an end date",
    "end_needed": "limited permission without an end date",
    "date_order": "a date before the date it must follow (dates: the two, by field name)",
    "made_needed": "an application with neither a made date nor a fee-waiver request date",
    "needs_lodged": "an appeal or review decision without the date it was lodged",
    "needs_refusal": "appeal deadline, remedy or review fields on an application not refused",
    "remedy_conflict": "an appeal and an administrative review on one refusal, or a remedy "
    "that does not match what was lodged",
    "needs_appeal": "appeal_time_extended without the date the appeal was lodged",
    "future_date": "a date after today where it cannot be (dates: value)",
    "planned_not_future": "a trip marked planned that does not start after today (dates: value)",
    "overlap": "overlaps another record (other: that record; dates: from/to of both)",
}


# --------------------------------------------------------------------------------------------
# Vocabularies. Codes are stored; labels are what an adviser sees.
# --------------------------------------------------------------------------------------------

PERMISSION_CATEGORIES: dict[str, str] = {
    "visitor": "Visitor",
    "short_term_student": "Short-term student",
    "seasonal_worker": "Seasonal worker",
    "ukraine_scheme": "Ukraine scheme",
    "student": "Student (including Tier 4)",
    "skilled_worker": "Skilled Worker (including Tier 2)",
    "partner_5y": "Partner (5-year route, Appendix FM)",
    "partner_10y": "Partner (10-year route)",
    "parent_10y": "Parent (10-year route)",
    "private_life_10y": "Private life (10-year route)",
    "refugee": "Refugee permission",
    "humanitarian_protection": "Humanitarian protection",
    "discretionary_leave": "Discretionary leave",
    "leave_outside_rules": "Leave outside the rules",
    "uasc_leave": "UASC leave (unaccompanied asylum-seeking child)",
    "restricted_leave": "Restricted leave",
    "mvdac": "Migrant victim of domestic abuse concession (MVDAC)",
    "euss_pre_settled": "EU Settlement Scheme: pre-settled status",
    "euss_settled": "EU Settlement Scheme: settled status",
    "ilr": "Indefinite leave to remain",
    "british_citizen": "British citizen",
    "immigration_bail": "Immigration bail",
    "temporary_admission": "Temporary admission",
}

#: Categories that are not a grant of permission: said by their label alone ("Immigration
#: bail", never "Immigration bail permission"; bail is not permission to be in the UK).
NOT_PERMISSION_CATEGORIES: frozenset[str] = frozenset(
    {"immigration_bail", "temporary_admission", "british_citizen"}
)


def category_words(category: str | None) -> str:
    """A permission category in a sentence: "Student (including Tier 4) permission",
    "Refugee permission" (the word once), "Immigration bail" (not a permission)."""
    if category is None:
        return "no permission"
    text = PERMISSION_CATEGORIES.get(category, category)
    if category in NOT_PERMISSION_CATEGORIES or text.lower().endswith("permission"):
        return text
    return f"{text} permission"


#: Categories with no end date: `to` must be null for these and present for every other one.
INDEFINITE_CATEGORIES: frozenset[str] = frozenset({"ilr", "euss_settled", "british_citizen"})

ROUTES: dict[str, str] = {
    "settlement_protection": "Settlement after refugee or humanitarian protection permission",
    "settlement_discretionary_leave": "Settlement after discretionary leave",
    "long_residence": "Long residence (10 years' lawful residence)",
    "settlement_skilled_worker": "Settlement on a work route (Skilled Worker, 5 years)",
    "settlement_partner_5y": "Settlement as a partner (5-year route, Appendix FM)",
    "settlement_10y_route": "Settlement on the 10-year partner, parent or private life route",
    "settlement_domestic_abuse": "Settlement as a victim of domestic abuse",
    "naturalisation_6_1": "Naturalisation as a British citizen, section 6(1)",
    "naturalisation_6_2": "Naturalisation as a British citizen, section 6(2) (spouse or civil partner)",
}

APPLICATION_KINDS: dict[str, str] = {
    "initial": "First application on a route (entry clearance or switching)",
    "extension": "Extension of permission",
    "settlement": "Settlement (indefinite leave to remain)",
    "naturalisation": "Naturalisation",
    "asylum": "Asylum claim",
    "fresh_claim": "Further submissions (fresh claim)",
    "fee_waiver_only": "Fee waiver request on its own",
    # A standalone human rights claim is made on FLR(FP) or FLR(HRO); DL is extended on FLR(DL)
    # (reference 002_28f83ae47d9305d2.txt, "non-asylum cases ... FLR (FP) or FLR (HRO)").
    "human_rights": "Human rights application (FLR(FP), FLR(HRO), FLR(DL))",
    # The domestic abuse concession: 3 months' leave with access to benefits, replacing the
    # partner permission held (reference 003_ad5bf86b55353578.txt, "MVDAC").
    "mvdac": "Migrant victim of domestic abuse concession (MVDAC) application",
    # Asking for the no recourse to public funds condition to be lifted; on the 5-year route it
    # moves the client to the 10-year route (reference 003_ad5bf86b55353578.txt, "Removal Of
    # the No Recourse To Public Funds Condition").
    "change_of_conditions": "Change of conditions (lifting no recourse to public funds)",
    "other": "Other application",
}

#: In the JSON an outcome (application, fee waiver or appeal) may be given as "pending": it is
#: read as undecided (null) and written back as null.
PENDING = "pending"

APPLICATION_OUTCOMES: dict[str, str] = {
    "granted": "Granted",
    "refused": "Refused",
    "withdrawn": "Withdrawn",
    "rejected": "Rejected as invalid",
    "void": "Void",
}

FEE_WAIVER_OUTCOMES: dict[str, str] = {
    "granted": "Fee waiver granted",
    "refused": "Fee waiver refused",
    "partial": "Fee waiver granted in part",
}

APPEAL_OUTCOMES: dict[str, str] = {
    "allowed": "Appeal allowed",
    "dismissed": "Appeal dismissed",
    "withdrawn": "Appeal withdrawn",
    "abandoned": "Appeal abandoned",
}

#: What the refusal letter offers (the remedy follows the decision: most work and study
#: refusals carry administrative review, human rights and protection refusals an appeal).
REMEDIES: dict[str, str] = {
    "appeal": "Right of appeal (First-tier Tribunal)",
    "administrative_review": "Administrative review",
    "none": "No appeal or administrative review",
}

#: How an administrative review ended (Appendix Administrative Review).
REVIEW_OUTCOMES: dict[str, str] = {
    "succeeded": "Review succeeded: refusal withdrawn",
    "maintained": "Review failed: refusal maintained",
    "withdrawn": "Review withdrawn",
}

#: What an adviser found when they checked the client's status (a `status_checks` entry).
STATUS_CHECK_OUTCOMES: dict[str, str] = {
    "no_permission": "Checked: no permission",
}


# --------------------------------------------------------------------------------------------
# Value types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str | None = None
    date_of_birth: date | None = None


@dataclass(frozen=True)
class Permission:
    """One grant of permission (or status). JSON keys: category, from, to, granted_on, conditions,
    entered_on."""

    category: str
    start: date
    end: date | None  # inclusive; None only for INDEFINITE_CATEGORIES
    granted_on: date | None = None  # None means "same as start" (the default)
    conditions: tuple[str, ...] = ()
    #: The day the holder came to the UK on a permission granted from abroad (entry
    #: clearance), when that was after `start`; None: in the UK from the start (or not
    #: recorded). The days from `start` to the day before are days outside the UK
    #: (`entry_waits`); the day of entry is a day in the UK.
    entered_on: date | None = None

    @property
    def indefinite(self) -> bool:
        return self.category in INDEFINITE_CATEGORIES

    @property
    def grant_date(self) -> date:
        """The date the permission was granted; the issue says it defaults to `from`."""
        return self.granted_on if self.granted_on is not None else self.start


@dataclass(frozen=True)
class Application:
    kind: str
    made: date | None  # None while only a fee-waiver request has been made
    decided: date | None = None
    outcome: str | None = None
    late_reason_accepted: bool | None = None
    fee_waiver_requested: date | None = None
    fee_waiver_decided: date | None = None
    fee_waiver_outcome: str | None = None
    appeal_lodged: date | None = None
    appeal_decided: date | None = None
    appeal_outcome: str | None = None
    #: The last day to appeal or ask for administrative review, as the refusal letter gives it,
    #: when that is later than the usual 14 days after the decision (s3C(2)(c)-(d) IA 1971:
    #: 3C leave runs while an appeal could still be brought in time). Refused applications only.
    appeal_by: date | None = None
    #: What the refusal letter offers: "appeal", "administrative_review" or "none" (None: not
    #: recorded). Refused applications only.
    remedy: str | None = None
    #: Administrative review: the day it was asked for, the day it was decided and how.
    review_lodged: date | None = None
    review_decided: date | None = None
    review_outcome: str | None = None
    #: The person was in immigration detention when the decision was made (7 days for
    #: administrative review instead of 14).
    detained: bool | None = None
    #: The Tribunal admitted an appeal lodged out of time (extended time). Section 3C leave
    #: then runs again from the day the notice of appeal was filed, not before (R (Akinola) v
    #: Upper Tribunal [2021] EWCA Civ 1308).
    appeal_time_extended: bool | None = None


@dataclass(frozen=True)
class Absence:
    """A trip abroad. `left` and `returned` are the days of travel; neither is a day of absence."""

    left: date
    returned: date
    reason: str | None = None
    exceptional: bool = False  # serious or compelling reason (CR 3.4-type evidence), adviser's call
    planned: bool = False  # a future trip, for "what if I travel in March?"


@dataclass(frozen=True)
class Custody:
    """A period in prison or detention after conviction. JSON keys: from, to (inclusive)."""

    start: date
    end: date


@dataclass(frozen=True)
class Question:
    route: str
    application_date: date | None = None


@dataclass(frozen=True)
class StatusCheck:
    """The adviser checked the client's status on `on` (JSON keys: on, outcome). "no_permission":
    nothing was found after the last recorded permission, so the time since is overstaying, not
    a record that stops."""

    on: date
    outcome: str = "no_permission"


@dataclass(frozen=True)
class History:
    person: Person = field(default_factory=Person)
    permissions: tuple[Permission, ...] = ()
    applications: tuple[Application, ...] = ()
    absences: tuple[Absence, ...] = ()
    custody: tuple[Custody, ...] = ()
    question: Question | None = None
    status_checks: tuple[StatusCheck, ...] = ()


# --------------------------------------------------------------------------------------------
# The wait before entry on a permission granted from abroad
# --------------------------------------------------------------------------------------------

#: Why the days before entry count as days outside the UK. Home Office guidance "Indefinite
#: leave to remain: calculating continuous period in UK" (v17.0, 6 July 2018), section "Period
#: between the issue of entry clearance and entering the UK": the time may count towards the
#: qualifying period, but the days before entry are an absence and count towards the 180 days
#: in the 12 months (no evidence of the reason is needed). Checked on 2026-12-06 through
#: copies of v17.0 and secondary sources; the wording of the current Continuous residence
#: guidance (v7.0, 28 November 2024) on this point could not be confirmed by search.
ENTRY_WAIT_RULE = "ILR continuous period guidance: entry clearance to entry"


@dataclass(frozen=True)
class EntryWait:
    """The days outside the UK on a permission granted from abroad, before its holder came:
    `first` (the permission's first day) to `last` (the day before `entered`), inclusive."""

    permission: int  # its index in History.permissions
    first: date
    last: date
    entered: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def as_absence(self) -> Absence:
        """The same days as an absence for the engine's counting (whole days between the two
        travel days): never stored, never shown as a trip."""
        return Absence(self.first - timedelta(days=1), self.entered)


def entry_waits(history: History) -> tuple[EntryWait, ...]:
    """Each permission's wait before entry (only those with at least one whole day)."""
    return tuple(
        EntryWait(i, p.start, p.entered_on - timedelta(days=1), p.entered_on)
        for i, p in enumerate(history.permissions)
        if p.entered_on is not None and p.entered_on > p.start
    )


def with_entry_waits(history: History) -> tuple[History, dict[int, EntryWait]]:
    """The history as the engine counts days outside: its absences, then each wait before
    entry as one more absence, and {absence index: the wait} for those added (so what the
    engine says about them can be said about the permission). `history` itself is returned
    when there is no wait."""
    global _LAST_WAITS
    cached = _LAST_WAITS
    if cached is not None and cached[0] is history:
        return cached[1], cached[2]
    waits = entry_waits(history)
    if not waits:
        return history, {}
    first = len(history.absences)
    added = {first + k: wait for k, wait in enumerate(waits)}
    absences = history.absences + tuple(w.as_absence() for w in waits)
    counted = replace(history, absences=absences)
    # The same history is assessed on several routes: the same counted history each time
    # keeps the engine's cache of days outside (days.trips_and_days, keyed by identity) warm.
    _LAST_WAITS = (history, counted, added)
    return counted, added


_LAST_WAITS: tuple[History, History, dict[int, EntryWait]] | None = None


def forget_cached_waits() -> None:
    """Let go of the last history kept by `with_entry_waits` (a client's record): the window
    calls this when it locks."""
    global _LAST_WAITS
    _LAST_WAITS = None


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")  # ASCII digits; "$" would allow "\n"

#: Every date in a history must fall in these years: earlier or later dates are typing mistakes,
#: and the engine's date arithmetic is only sound well inside date.min..date.max.
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2100, 12, 31)
DATE_RANGE_TEXT = "outside the years 1900 to 2100"

#: No error message echoes more than this many characters of a value it was given.
ECHO_LIMIT = 80

_TOP_KEYS = (
    "format",
    "person",
    "permissions",
    "applications",
    "absences",
    "custody",
    "question",
    "status_checks",
)
_PERSON_KEYS = ("name", "date_of_birth")
_PERMISSION_KEYS = ("category", "from", "to", "granted_on", "conditions", "entered_on")
_APPLICATION_KEYS = (
    "kind",
    "made",
    "decided",
    "outcome",
    "late_reason_accepted",
    "fee_waiver_requested",
    "fee_waiver_decided",
    "fee_waiver_outcome",
    "appeal_lodged",
    "appeal_decided",
    "appeal_outcome",
    "appeal_by",
    "remedy",
    "review_lodged",
    "review_decided",
    "review_outcome",
    "detained",
    "appeal_time_extended",
)
#: An application's fields, as JSON keys (the store's columns have the same names).
APPLICATION_FIELDS = _APPLICATION_KEYS
_ABSENCE_KEYS = ("left", "returned", "reason", "exceptional", "planned")
_CUSTODY_KEYS = ("from", "to")
_QUESTION_KEYS = ("route", "application_date")
_STATUS_CHECK_KEYS = ("on", "outcome")


def _error(
    record: str | None,
    fld: str | None,
    text: str,
    code: str = "",
    dates: Mapping[str, date | None] | None = None,
    other: tuple[str, int] | None = None,
) -> HistoryError:
    where = ".".join(part for part in (record, fld) if part)
    return HistoryError(
        f"{where}: {text}" if where else text,
        record=record,
        field=fld,
        code=code,
        dates=dates,
        other=other,
    )


#: Characters no message shows as they are: C0 and C1 controls (a terminal obeys escape
#: sequences), line and paragraph separators, the bidirectional embedding, override and isolate
#: controls and the left-to-right/right-to-left marks (which can reorder what is shown around
#: them), and lone surrogates (not text at all: they cannot be written as UTF-8).
_UNSAFE_CHARS = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def kind_of(value: object) -> str:
    """What kind of JSON value `value` is ("text", "a number"...), never what it says: the
    value may be a client's name."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "an object"
    return "empty (null)" if value is None else "a list"


def escape(text: str) -> str:
    """`text` with every control, bidirectional-formatting and lone-surrogate character
    written as an escape (\\x1b, \\u202e, \\ud800), so a message shows exactly what it says."""
    return _UNSAFE_CHARS.sub(_escaped, text)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def clip(text: str, limit: int = ECHO_LIMIT) -> str:
    """At most `limit` characters of `text` (ending in "..." when it was cut), with control,
    bidirectional-formatting and lone-surrogate characters escaped: how messages show a file
    name or other value without quote marks."""
    return escape(_cut(text, limit))


def quote(text: str, limit: int = ECHO_LIMIT) -> str:
    """How error messages echo a bad value: at most `limit` characters of it, in quote marks,
    escaped as repr() does (and always with control, bidirectional-formatting and
    lone-surrogate characters escaped)."""
    return escape(repr(_cut(text, limit)))


#: The longest text a history field may hold (a name, a trip's reason): longer is a mistake
#: (or a hostile file), and would make every screen and report that shows it unusable.
TEXT_LIMIT = 1_000

#: The longest condition code (codes are short words such as no_recourse_to_public_funds).
CODE_LIMIT = 100

#: What `text_problem` refuses whatever the length: lone surrogates (JSON's "\\ud800" escape
#: gives one; it is not a character, and writing it as UTF-8 fails in the store or a report).
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def text_problem(value: str, limit: int = TEXT_LIMIT) -> str | None:
    """Why `value` cannot be kept as text (too long, or a lone surrogate in it), in words that
    follow the field's name; None when it can. Never echoes the value."""
    if len(value) > limit:
        return f"the text is {len(value):,} characters long; at most {limit:,} are allowed"
    found = _LONE_SURROGATE.search(value)
    if found is None:
        return None
    position = found.start() + 1
    return (
        f"character {position:,} is a lone surrogate ({escape(found.group())}), which is not "
        "text: it cannot be saved as UTF-8"
    )


def date_in_range(value: date) -> bool:
    return FIRST_DATE <= value <= LAST_DATE


def _out_of_range(value: date) -> str:
    """The message for a date outside FIRST_DATE..LAST_DATE (after the record and field)."""
    return f"the date {value.isoformat()} is {DATE_RANGE_TEXT}"


def _describe(value: Any) -> str:
    """What kind of value a field holds, never what it says: a value in the wrong place is
    still the client's (a name where the person object should be, a household member's name
    given as text), and messages name the field, not its content."""
    if isinstance(value, str):
        return "text"
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, int | float):
        return "a number"
    return f"a value of another kind ({type(value).__name__})"


class _Record:
    """Reads one JSON object, remembering where it is so every error names record and field."""

    def __init__(self, data: Any, record: str | None, allowed: tuple[str, ...]):
        if not isinstance(data, Mapping):
            raise _error(
                record, None, f"expected an object with fields, got {_describe(data)}", "not_object"
            )
        for key in data:
            if key not in allowed:
                # Keys can be any text, of any length: echo them quoted and clipped.
                text = f"unknown field {quote(str(key))}; expected one of {', '.join(allowed)}"
                raise HistoryError(
                    f"{record}: {text}" if record else text,
                    record=record,
                    field=clip(str(key)),
                    code="unknown_field",
                )
        self.data = data
        self.record = record

    def error(
        self, fld: str, text: str, code: str = "", dates: Mapping[str, date] | None = None
    ) -> HistoryError:
        return _error(self.record, fld, text, code, dates)

    def date(self, fld: str, *, required: bool = False) -> date | None:
        if fld not in self.data:
            if required:
                raise self.error(fld, "this date is missing (format YYYY-MM-DD)", "date_missing")
            return None
        value = self.data[fld]
        if value is None:
            if required:
                raise self.error(fld, "this date is needed (format YYYY-MM-DD)", "date_missing")
            return None
        # The value is not echoed: a date of birth is the client's.
        if not isinstance(value, str):
            raise self.error(
                fld, f"expected a date in the form YYYY-MM-DD, got {_describe(value)}", "not_date"
            )
        if not _ISO_DATE.match(value):
            raise self.error(fld, "this is not a date in the form YYYY-MM-DD", "not_date")
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            raise self.error(
                fld,
                "this is not a real calendar date (check the month and the day)",
                "not_real_date",
            ) from None
        if not date_in_range(parsed):
            raise self.error(fld, _out_of_range(parsed), "date_out_of_range", {"value": parsed})
        return parsed

    def required_date(self, fld: str) -> date:
        value = self.date(fld, required=True)
        assert value is not None
        return value

    def text(
        self, fld: str, *, required: bool = False, limit: int | None = TEXT_LIMIT
    ) -> str | None:
        """Text of at most `limit` characters (see `text_problem`); None when null or absent.
        With limit None (a code checked against a vocabulary) any text is returned."""
        value = self.data.get(fld)
        if value is None:
            if required:
                raise self.error(fld, "this field is missing", "text_missing")
            return None
        if not isinstance(value, str):
            raise self.error(fld, f"expected text, got {_describe(value)}", "not_text")
        problem = None if limit is None else text_problem(value, limit)
        if problem is not None:
            raise self.error(fld, problem, "bad_text")
        if required and not value.strip():
            raise self.error(fld, "this field is empty", "text_missing")
        return value

    def code(
        self, fld: str, vocabulary: Mapping[str, str], what: str, *, required: bool
    ) -> str | None:
        value = self.text(fld, required=required, limit=None)  # an unknown code is quoted
        if value is None:
            return None
        if value not in vocabulary:
            # A code is echoed (clipped): it is a word from a list, and seeing the typo helps.
            raise self.error(
                fld,
                f"unknown {what} {quote(value)}; expected one of {', '.join(vocabulary)}",
                "unknown_code",
            )
        return value

    def outcome(self, fld: str, vocabulary: Mapping[str, str], what: str) -> str | None:
        """An optional outcome code; "pending" means undecided and is read as None."""
        if self.data.get(fld) == PENDING:
            return None
        value = self.text(fld, limit=None)
        if value is not None and value not in vocabulary:
            raise self.error(
                fld,
                f"unknown {what} {quote(value)}; expected one of "
                f"{', '.join((PENDING, *vocabulary))}",
                "unknown_code",
            )
        return value

    def flag(self, fld: str, *, nullable: bool) -> bool | None:
        value = self.data.get(fld)
        if value is None:
            return None if nullable else False
        if not isinstance(value, bool):
            raise self.error(fld, f"expected true or false, got {_describe(value)}", "not_flag")
        return value


#: The record reader, for other sections read with the same rules and messages (the
#: client_record section of a full export, in desktop.importers.history_json).
JsonRecord = _Record


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _error(None, key, f"expected a list, got {_describe(value)}", "not_list")
    return value


def _parse_person(value: Any) -> Person:
    if value is None:
        return Person()
    rec = _Record(value, "person", _PERSON_KEYS)
    return Person(name=rec.text("name"), date_of_birth=rec.date("date_of_birth"))


def _parse_permission(value: Any, record: str) -> Permission:
    rec = _Record(value, record, _PERMISSION_KEYS)
    category = rec.code("category", PERMISSION_CATEGORIES, "permission category", required=True)
    assert category is not None
    start = rec.required_date("from")
    if category in INDEFINITE_CATEGORIES:
        end = rec.date("to")
        if end is not None:
            raise rec.error(
                "to",
                f"{PERMISSION_CATEGORIES[category]} has no end date; leave 'to' empty (null)",
                "indefinite_has_end",
            )
    else:
        if "to" not in rec.data or rec.data["to"] is None:
            raise rec.error(
                "to",
                f"{PERMISSION_CATEGORIES[category]} needs an end date (the last day of permission)",
                "end_needed",
            )
        end = rec.required_date("to")
    granted_on = rec.date("granted_on")
    raw_conditions = rec.data.get("conditions")
    if raw_conditions is None:
        conditions: tuple[str, ...] = ()
    elif isinstance(raw_conditions, list) and all(
        isinstance(c, str) and c.strip() and text_problem(c, CODE_LIMIT) is None
        for c in raw_conditions
    ):
        conditions = tuple(raw_conditions)
    else:
        raise rec.error(
            "conditions",
            f"expected a list of condition codes (text, at most {CODE_LIMIT} characters each)",
            "bad_conditions",
        )
    return Permission(category, start, end, granted_on, conditions, rec.date("entered_on"))


def _parse_application(value: Any, record: str) -> Application:
    rec = _Record(value, record, _APPLICATION_KEYS)
    kind = rec.code("kind", APPLICATION_KINDS, "application kind", required=True)
    assert kind is not None
    return Application(
        kind=kind,
        made=rec.date("made"),
        decided=rec.date("decided"),
        outcome=rec.outcome("outcome", APPLICATION_OUTCOMES, "outcome"),
        late_reason_accepted=rec.flag("late_reason_accepted", nullable=True),
        fee_waiver_requested=rec.date("fee_waiver_requested"),
        fee_waiver_decided=rec.date("fee_waiver_decided"),
        fee_waiver_outcome=rec.outcome(
            "fee_waiver_outcome", FEE_WAIVER_OUTCOMES, "fee waiver outcome"
        ),
        appeal_lodged=rec.date("appeal_lodged"),
        appeal_decided=rec.date("appeal_decided"),
        appeal_outcome=rec.outcome("appeal_outcome", APPEAL_OUTCOMES, "appeal outcome"),
        appeal_by=rec.date("appeal_by"),
        remedy=rec.code("remedy", REMEDIES, "remedy", required=False),
        review_lodged=rec.date("review_lodged"),
        review_decided=rec.date("review_decided"),
        review_outcome=rec.outcome("review_outcome", REVIEW_OUTCOMES, "review outcome"),
        detained=rec.flag("detained", nullable=True),
        appeal_time_extended=rec.flag("appeal_time_extended", nullable=True),
    )


def _parse_absence(value: Any, record: str) -> Absence:
    rec = _Record(value, record, _ABSENCE_KEYS)
    left = rec.required_date("left")
    returned = rec.required_date("returned")
    exceptional = rec.flag("exceptional", nullable=False)
    planned = rec.flag("planned", nullable=False)
    return Absence(left, returned, rec.text("reason"), bool(exceptional), bool(planned))


def _parse_custody(value: Any, record: str) -> Custody:
    rec = _Record(value, record, _CUSTODY_KEYS)
    return Custody(rec.required_date("from"), rec.required_date("to"))


def _parse_question(value: Any) -> Question | None:
    if value is None:
        return None
    rec = _Record(value, "question", _QUESTION_KEYS)
    route = rec.code("route", ROUTES, "route", required=True)
    assert route is not None
    return Question(route, rec.date("application_date"))


def _parse_status_check(value: Any, record: str) -> StatusCheck:
    rec = _Record(value, record, _STATUS_CHECK_KEYS)
    on = rec.required_date("on")
    outcome = rec.code("outcome", STATUS_CHECK_OUTCOMES, "status check outcome", required=True)
    assert outcome is not None
    return StatusCheck(on, outcome)


def parse_history(data: Mapping[str, Any]) -> History:
    """Build a History from the JSON dict, raising HistoryError on the FIRST problem found.

    Field-level problems come first (in document order), then the cross-record checks of
    `validate_history` (without a `today`, so future trips are not judged here).
    """
    _Record(data, None, _TOP_KEYS)  # unknown top-level keys and non-objects fail here
    fmt = data.get("format")
    if fmt != FORMAT:
        raise _error(
            None,
            "format",
            f"expected {FORMAT!r}, got {_describe(fmt)}; is this a history file?",
            "format",
        )
    person = _parse_person(data.get("person"))
    permissions = tuple(
        _parse_permission(v, f"permissions[{i}]") for i, v in enumerate(_list(data, "permissions"))
    )
    applications = tuple(
        _parse_application(v, f"applications[{i}]")
        for i, v in enumerate(_list(data, "applications"))
    )
    absences = tuple(
        _parse_absence(v, f"absences[{i}]") for i, v in enumerate(_list(data, "absences"))
    )
    custody = tuple(
        _parse_custody(v, f"custody[{i}]") for i, v in enumerate(_list(data, "custody"))
    )
    question = _parse_question(data.get("question"))
    status_checks = tuple(
        _parse_status_check(v, f"status_checks[{i}]")
        for i, v in enumerate(_list(data, "status_checks"))
    )
    history = History(person, permissions, applications, absences, custody, question, status_checks)
    problems = validate_history(history)
    if problems:
        raise problems[0]
    return history


# --------------------------------------------------------------------------------------------
# Serialising
# --------------------------------------------------------------------------------------------


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def history_to_dict(history: History) -> dict[str, Any]:
    """The canonical JSON dict: every field present (null when unknown), dates ISO."""
    q = history.question
    return {
        "format": FORMAT,
        "person": {
            "name": history.person.name,
            "date_of_birth": _iso(history.person.date_of_birth),
        },
        "permissions": [
            {
                "category": p.category,
                "from": _iso(p.start),
                "to": _iso(p.end),
                "granted_on": _iso(p.granted_on),
                "conditions": list(p.conditions),
                "entered_on": _iso(p.entered_on),
            }
            for p in history.permissions
        ],
        "applications": [
            {
                "kind": a.kind,
                "made": _iso(a.made),
                "decided": _iso(a.decided),
                "outcome": a.outcome,
                "late_reason_accepted": a.late_reason_accepted,
                "fee_waiver_requested": _iso(a.fee_waiver_requested),
                "fee_waiver_decided": _iso(a.fee_waiver_decided),
                "fee_waiver_outcome": a.fee_waiver_outcome,
                "appeal_lodged": _iso(a.appeal_lodged),
                "appeal_decided": _iso(a.appeal_decided),
                "appeal_outcome": a.appeal_outcome,
                "appeal_by": _iso(a.appeal_by),
                "remedy": a.remedy,
                "review_lodged": _iso(a.review_lodged),
                "review_decided": _iso(a.review_decided),
                "review_outcome": a.review_outcome,
                "detained": a.detained,
                "appeal_time_extended": a.appeal_time_extended,
            }
            for a in history.applications
        ],
        "absences": [
            {
                "left": _iso(a.left),
                "returned": _iso(a.returned),
                "reason": a.reason,
                "exceptional": a.exceptional,
                "planned": a.planned,
            }
            for a in history.absences
        ],
        "custody": [{"from": _iso(c.start), "to": _iso(c.end)} for c in history.custody],
        "question": (
            None if q is None else {"route": q.route, "application_date": _iso(q.application_date)}
        ),
        "status_checks": [{"on": _iso(c.on), "outcome": c.outcome} for c in history.status_checks],
    }


# --------------------------------------------------------------------------------------------
# Cross-record checks
# --------------------------------------------------------------------------------------------


def _fmt(d: date) -> str:
    return d.isoformat()


def _range_checks(record: str, dates: tuple[tuple[str, date | None], ...]) -> list[HistoryError]:
    """The years-1900-to-2100 check of `_Record.date`, for records built in code (the forms)."""
    return [
        _error(record, fld, _out_of_range(value), "date_out_of_range", {"value": value})
        for fld, value in dates
        if value is not None and not date_in_range(value)
    ]


def _order_error(
    rec: str, fld: str, later: date, later_name: str, earlier_fld: str, earlier: date, name: str
) -> HistoryError:
    """`later` (field `fld`) is before `earlier` (field `earlier_fld`): code "date_order"."""
    return _error(
        rec,
        fld,
        f"the {later_name} {_fmt(later)} is before the {name} {_fmt(earlier)}",
        "date_order",
        {fld: later, earlier_fld: earlier},
    )


#: The application dates that cannot be after today (the appeal deadline can), with their
#: names in sentences.
_APPLICATION_PAST_DATES = (
    ("made", "date it was made"),
    ("decided", "decision date"),
    ("fee_waiver_requested", "fee waiver request date"),
    ("fee_waiver_decided", "fee waiver decision date"),
    ("appeal_lodged", "appeal date"),
    ("appeal_decided", "appeal decision date"),
    ("review_lodged", "administrative review date"),
    ("review_decided", "review decision date"),
)


def _future_checks(
    rec: str, today: date | None, dates: tuple[tuple[str, str, date | None], ...]
) -> list[HistoryError]:
    """Dates that cannot be after `today` (field, name in a sentence, value): code
    "future_date". Nothing is checked without a `today`."""
    if today is None:
        return []
    return [
        _error(
            rec,
            fld,
            f"the {name} {_fmt(value)} is in the future; today is {_fmt(today)}",
            "future_date",
            {"value": value},
        )
        for fld, name, value in dates
        if value is not None and value > today
    ]


def _entry_checks(rec: str, p: Permission, today: date | None) -> list[HistoryError]:
    """The entry date of a permission granted from abroad: on or after its first day, not
    after its last, not after today."""
    entered = p.entered_on
    if entered is None:
        return []
    if entered < p.start:
        return [
            _order_error(rec, "entered_on", entered, "entry date", "from", p.start, "start date")
        ]
    if p.end is not None and entered > p.end:
        return [
            _error(
                rec,
                "entered_on",
                f"the entry date {_fmt(entered)} is after the end date {_fmt(p.end)}; the "
                "entry date is a day of the permission",
                "date_order",
                {"entered_on": entered, "to": p.end},
            )
        ]
    if today is not None and entered > today:
        return [
            _error(
                rec,
                "entered_on",
                f"{_fmt(entered)} is in the future; record the entry date once they arrive",
                "future_date",
                {"value": entered},
            )
        ]
    return []


def _record_checks(history: History, today: date | None) -> list[HistoryError]:
    problems: list[HistoryError] = []
    problems += _range_checks("person", (("date_of_birth", history.person.date_of_birth),))
    for i, p in enumerate(history.permissions):
        rec = f"permissions[{i}]"
        problems += _range_checks(
            rec,
            (
                ("from", p.start),
                ("to", p.end),
                ("granted_on", p.granted_on),
                ("entered_on", p.entered_on),
            ),
        )
        if p.category not in PERMISSION_CATEGORIES:
            problems.append(
                _error(
                    rec,
                    "category",
                    f"unknown permission category {quote(p.category)}",
                    "unknown_code",
                )
            )
        if p.indefinite and p.end is not None:
            problems.append(
                _error(
                    rec,
                    "to",
                    "indefinite permission has no end date; leave it empty",
                    "indefinite_has_end",
                )
            )
        if not p.indefinite and p.end is None:
            problems.append(_error(rec, "to", "this permission needs an end date", "end_needed"))
        if p.end is not None and p.end < p.start:
            problems.append(
                _order_error(rec, "to", p.end, "end date", "from", p.start, "start date")
            )
        if p.granted_on is not None and p.end is not None and p.granted_on > p.end:
            problems.append(
                _error(
                    rec,
                    "granted_on",
                    f"the grant date {_fmt(p.granted_on)} is after the end date {_fmt(p.end)}",
                    "date_order",
                    {"granted_on": p.granted_on, "to": p.end},
                )
            )
        problems += _future_checks(rec, today, (("granted_on", "grant date", p.granted_on),))
        problems += _entry_checks(rec, p, today)
    for i, a in enumerate(history.applications):
        rec = f"applications[{i}]"
        problems += _range_checks(
            rec,
            (
                ("made", a.made),
                ("decided", a.decided),
                ("fee_waiver_requested", a.fee_waiver_requested),
                ("fee_waiver_decided", a.fee_waiver_decided),
                ("appeal_lodged", a.appeal_lodged),
                ("appeal_decided", a.appeal_decided),
                ("appeal_by", a.appeal_by),
                ("review_lodged", a.review_lodged),
                ("review_decided", a.review_decided),
            ),
        )
        problems += _future_checks(
            rec, today, tuple((f, name, getattr(a, f)) for f, name in _APPLICATION_PAST_DATES)
        )
        if a.made is None and a.fee_waiver_requested is None:
            problems.append(
                _error(
                    rec,
                    "made",
                    "give the date the application was made (or the fee waiver request date)",
                    "made_needed",
                )
            )
        pairs = (
            ("decided", "made", a.made, a.decided, "decision date", "date it was made"),
            (
                "fee_waiver_decided",
                "fee_waiver_requested",
                a.fee_waiver_requested,
                a.fee_waiver_decided,
                "fee waiver decision date",
                "fee waiver request date",
            ),
            (
                "appeal_lodged",
                "decided",
                a.decided,
                a.appeal_lodged,
                "appeal date",
                "decision date",
            ),
            (
                "appeal_decided",
                "appeal_lodged",
                a.appeal_lodged,
                a.appeal_decided,
                "appeal decision date",
                "date the appeal was lodged",
            ),
            ("appeal_by", "decided", a.decided, a.appeal_by, "appeal deadline", "decision date"),
            (
                "review_lodged",
                "decided",
                a.decided,
                a.review_lodged,
                "administrative review date",
                "decision date",
            ),
            (
                "review_decided",
                "review_lodged",
                a.review_lodged,
                a.review_decided,
                "review decision date",
                "date the review was asked for",
            ),
        )
        for fld, earlier_fld, earlier, later, later_name, earlier_name in pairs:
            if earlier is not None and later is not None and later < earlier:
                problems.append(
                    _order_error(rec, fld, later, later_name, earlier_fld, earlier, earlier_name)
                )
        if a.appeal_decided is not None and a.appeal_lodged is None:
            problems.append(
                _error(
                    rec,
                    "appeal_lodged",
                    "an appeal decision needs the date it was lodged",
                    "needs_lodged",
                )
            )
        if a.review_decided is not None and a.review_lodged is None:
            problems.append(
                _error(
                    rec,
                    "review_lodged",
                    "an administrative review decision needs the date it was asked for",
                    "needs_lodged",
                )
            )
        if a.appeal_by is not None and a.outcome != "refused":
            problems.append(
                _error(
                    rec,
                    "appeal_by",
                    "the appeal deadline is only for refused applications; set the outcome to "
                    "refused, or leave the appeal deadline empty",
                    "needs_refusal",
                )
            )
        if a.outcome != "refused":
            for fld, value in (
                ("remedy", a.remedy),
                ("review_lodged", a.review_lodged),
                ("review_outcome", a.review_outcome),
            ):
                if value is not None:
                    problems.append(
                        _error(
                            rec,
                            fld,
                            "appeal rights and administrative review are only for refused "
                            "applications; set the outcome to refused, or leave this empty",
                            "needs_refusal",
                        )
                    )
                    break
        if a.review_lodged is not None and a.appeal_lodged is not None:
            problems.append(
                _error(
                    rec,
                    "review_lodged",
                    "a refusal is challenged by appeal or by administrative review, not both; "
                    "record the other as a separate application if there were two decisions",
                    "remedy_conflict",
                )
            )
        elif a.remedy == "administrative_review" and a.appeal_lodged is not None:
            problems.append(
                _error(
                    rec,
                    "remedy",
                    "the remedy is administrative review, but an appeal is recorded; correct "
                    "one of them",
                    "remedy_conflict",
                )
            )
        elif a.remedy == "appeal" and a.review_lodged is not None:
            problems.append(
                _error(
                    rec,
                    "remedy",
                    "the remedy is an appeal, but an administrative review is recorded; correct "
                    "one of them",
                    "remedy_conflict",
                )
            )
        elif a.remedy == "none" and (a.appeal_lodged is not None or a.review_lodged is not None):
            problems.append(
                _error(
                    rec,
                    "remedy",
                    "the refusal is recorded as having no appeal or review, but one was lodged; "
                    "correct one of them",
                    "remedy_conflict",
                )
            )
        if a.appeal_time_extended is not None and a.appeal_lodged is None:
            problems.append(
                _error(
                    rec,
                    "appeal_time_extended",
                    "whether the Tribunal extended time needs the date the appeal was lodged",
                    "needs_appeal",
                )
            )
    for i, ab in enumerate(history.absences):
        rec = f"absences[{i}]"
        problems += _range_checks(rec, (("left", ab.left), ("returned", ab.returned)))
        if ab.returned < ab.left:
            problems.append(
                _order_error(
                    rec, "returned", ab.returned, "return date", "left", ab.left, "departure date"
                )
            )
        elif today is not None and ab.planned and ab.left <= today:
            problems.append(
                _error(
                    rec,
                    "left",
                    f"a planned trip starts after today ({_fmt(today)}), but this one leaves on "
                    f"{_fmt(ab.left)}; if it was taken, record it as not planned",
                    "planned_not_future",
                    {"value": ab.left},
                )
            )
        elif today is not None and not ab.planned and ab.returned > today:
            fld = "left" if ab.left > today else "returned"
            when = ab.left if ab.left > today else ab.returned
            problems.append(
                _error(
                    rec,
                    fld,
                    f"{_fmt(when)} is in the future; mark the trip as planned or correct the date",
                    "future_date",
                    {"value": when},
                )
            )
    for i, c in enumerate(history.custody):
        problems += _range_checks(f"custody[{i}]", (("from", c.start), ("to", c.end)))
        problems += _future_checks(f"custody[{i}]", today, (("from", "start date", c.start),))
        if c.end < c.start:
            problems.append(
                _order_error(
                    f"custody[{i}]", "to", c.end, "release date", "from", c.start, "start date"
                )
            )
    if history.question is not None:
        problems += _range_checks(
            "question", (("application_date", history.question.application_date),)
        )
    for i, check in enumerate(history.status_checks):
        rec = f"status_checks[{i}]"
        problems += _range_checks(rec, (("on", check.on),))
        if check.outcome not in STATUS_CHECK_OUTCOMES:
            problems.append(
                _error(
                    rec,
                    "outcome",
                    f"unknown status check outcome {quote(check.outcome)}",
                    "unknown_code",
                )
            )
        if today is not None and check.on > today:
            problems.append(
                _error(
                    rec,
                    "on",
                    f"{_fmt(check.on)} is in the future; a check is recorded on the day it was made",
                    "future_date",
                    {"value": check.on},
                )
            )
    return problems


def _overlaps(history: History) -> list[HistoryError]:
    problems: list[HistoryError] = []

    # Trips: the day one trip returns may be the day the next leaves (a same-day connection),
    # but a trip cannot start before the previous one ended.
    order = sorted(
        (i for i, a in enumerate(history.absences) if a.returned >= a.left),
        key=lambda i: (history.absences[i].left, history.absences[i].returned, i),
    )
    for prev, cur in itertools.pairwise(order):
        a, b = history.absences[prev], history.absences[cur]
        if b.left < a.returned:
            problems.append(
                _error(
                    f"absences[{cur}]",
                    "left",
                    f"this trip ({_fmt(b.left)} to {_fmt(b.returned)}) overlaps absences[{prev}] "
                    f"({_fmt(a.left)} to {_fmt(a.returned)})",
                    "overlap",
                    {
                        "from": b.left,
                        "to": b.returned,
                        "other_from": a.left,
                        "other_to": a.returned,
                    },
                    ("absences", prev),
                )
            )

    order = sorted(
        (i for i, c in enumerate(history.custody) if c.end >= c.start),
        key=lambda i: (history.custody[i].start, i),
    )
    for prev, cur in itertools.pairwise(order):
        a, b = history.custody[prev], history.custody[cur]
        if b.start <= a.end:
            problems.append(
                _error(
                    f"custody[{cur}]",
                    "from",
                    f"this period ({_fmt(b.start)} to {_fmt(b.end)}) overlaps custody[{prev}] "
                    f"({_fmt(a.start)} to {_fmt(a.end)})",
                    "overlap",
                    {"from": b.start, "to": b.end, "other_from": a.start, "other_to": a.end},
                    ("custody", prev),
                )
            )

    # Permissions: one grant at a time. A later indefinite grant (ILR, settled status,
    # citizenship) may start while earlier permission is still running: it replaces it.
    perms = history.permissions
    order = sorted(
        (i for i, p in enumerate(perms) if p.end is None or p.end >= p.start),
        key=lambda i: (perms[i].start, i),
    )
    reach_end: date | None = None  # latest end seen so far (None+reach_idx set = indefinite)
    reach_idx: int | None = None
    for cur in order:
        p = perms[cur]
        if reach_idx is not None:
            earlier = perms[reach_idx]
            overlapping = reach_end is None or p.start <= reach_end
            if overlapping and not p.indefinite:
                until = "with no end date" if reach_end is None else f"to {_fmt(reach_end)}"
                problems.append(
                    _error(
                        f"permissions[{cur}]",
                        "from",
                        f"this permission starts on {_fmt(p.start)}, while permissions[{reach_idx}] "
                        f"({PERMISSION_CATEGORIES.get(earlier.category, earlier.category)}, "
                        f"{until}) is still running; end the earlier one on the day before",
                        "overlap",
                        {
                            "from": p.start,
                            "to": p.end,
                            "other_from": earlier.start,
                            "other_to": reach_end,
                        },
                        ("permissions", reach_idx),
                    )
                )
        if p.indefinite:
            if reach_idx is None or reach_end is not None:
                reach_end, reach_idx = None, cur
        elif reach_idx is None or (
            reach_end is not None and p.end is not None and p.end > reach_end
        ):
            reach_end, reach_idx = p.end, cur
    return problems


def validate_history(history: History, today: date | None = None) -> list[HistoryError]:
    """Every problem found, in a stable order: record checks first, then overlaps.

    The record checks include the parser's years-1900-to-2100 rule for every date, so a
    history built in code (the forms) is held to the same range as one read from JSON.
    With `today`, trips that are not marked `planned` may not end after today and planned
    ones must leave after it; a status check, an entry date, a grant date, the start of custody
    and an application's dates (all but the appeal deadline) may not be after it. These are
    the checks the record dialog shows: it has no copy of its own. Each problem carries a
    `code` (ERROR_CODES) and its fields.
    """
    return _record_checks(history, today) + _overlaps(history)
