"""Casework duties as dated reminders: what a regulated advice centre owes each client and when.

Every reminder is a `desktop.rules.deadlines.Deadline`, so the deadlines board, the client
page's strip and the client list show it with no code of their own:

* `written_update`: an open matter gets a written update at least every 3 months (OISC Code of
  Standards 2016 code 29), counted from the latest of the day it opened and every letter (or
  visit by letter or email) for it: `add_months`, a missing day rolling to the 1st.
* `outcome_letter`: the client is told the outcome in writing within 3 working days of the
  centre hearing of the decision (code 30); met when an outcome letter went by that day.
* `client_access_request`: a subject access request made TO the centre is answered within one
  month of receipt (UK GDPR art. 12(3)), counted as the ICO says: the corresponding date in
  the next month, the month's last day when there is none, and a weekend or bank holiday moves
  to the next working day; two further months when the client was told it is extended.
* `consent_renewal` and `consent_missing`: the client's consent to keep records, renewed after
  its period; an open matter with no current records consent needs the adviser now.
* `retention_review`: six years (a setting) after the last matter closed or the last visit,
  the record comes up for review (code 57); a decision to keep it sets the next review.
* `complaint`: a complaint received and not yet acknowledged (code 79).
* `level_check`: an open matter whose work needs a higher OISC level than its adviser holds
  (Guidance on Competence 2021), or whose adviser's level is not recorded.

Pure: no Qt, no database, no clock. The figures come from resources/rules/casework.toml (with
every other figure) and the categories, outcomes and level triggers from the same file
(`parse_casework`, read by `desktop.assess.load_casework`).
"""

from __future__ import annotations

import calendar
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, cast

from desktop.rules.days import add_months, add_working_days, add_years
from desktop.rules.deadlines import Deadline, next_working_day, remedy_of, with_status
from desktop.rules.figures import Figure, Figures, FiguresError
from desktop.rules.history import NOT_PERMISSION_CATEGORIES, Application, History
from desktop.rules.timeline import appeal_window_end, build_cover

#: The OISC's two categories of advice (Guidance on Competence 2021), with their names.
OISC_CATEGORIES: dict[str, str] = {
    "immigration": "Immigration",
    "asylum_protection": "Asylum and Protection",
}

#: An adviser's OISC level: 0 not authorised, 1-3 the OISC levels, 4 regulated otherwise
#: (solicitor, barrister, CILEx: always enough). None: not recorded.
LEVEL_NAMES: dict[int, str] = {
    0: "not authorised",
    1: "Level 1 (Advice and Assistance)",
    2: "Level 2 (Casework)",
    3: "Level 3 (Advocacy and Representation)",
    4: "regulated otherwise (solicitor, barrister or CILEx)",
}
REGULATED_OTHERWISE = 4

#: The consent scope a centre needs to keep a client's records.
RECORDS_SCOPE = "records"

CODE_29 = "OISC Code of Standards 2016 code 29"
CODE_30 = "OISC Code of Standards 2016 code 30"
CODE_57 = "OISC Code of Standards 2016 code 57"
CODE_79 = "OISC Code of Standards 2016 code 79"
GDPR_12_3 = "UK GDPR art. 12(3)"
COMPETENCE = "OISC Guidance on Competence 2021"
CONSENT_RULE = "UK GDPR art. 7 (conditions for consent); the period is the centre's setting"

#: Permission categories that are not permission to be in the UK (bail, temporary admission).
_NOT_LEAVE = NOT_PERMISSION_CATEGORIES - {"british_citizen"}


class CaseworkDataError(ValueError):
    """resources/rules/casework.toml is wrong: the message names the file and the entry."""


# ---- facts (the store builds these from its rows) -----------------------------------------------


@dataclass(frozen=True)
class MatterFacts:
    id: int
    title: str
    category: str
    oisc_category: str
    needed_level: int | None
    adviser: str
    adviser_level: int | None
    opened: date
    closed: date | None
    outcome: str | None
    decision_on: date | None
    outcome_told_on: date | None
    client_care_agreed_on: date | None
    #: Letters of any kind for this matter, and visits for it by letter or email.
    written: tuple[date, ...] = ()
    #: Letters of kind "outcome" for this matter.
    outcome_letters: tuple[date, ...] = ()
    application_id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.closed is None


@dataclass(frozen=True)
class ConsentFacts:
    id: int
    scope: str
    given_on: date
    period_months: int
    withdrawn_on: date | None = None


@dataclass(frozen=True)
class AccessRequestFacts:
    id: int
    asked_on: date
    extended: bool = False
    answered_on: date | None = None


@dataclass(frozen=True)
class ComplaintFacts:
    id: int
    received_on: date
    acknowledged_on: date | None = None
    outcome_on: date | None = None


@dataclass(frozen=True)
class RetentionFacts:
    decided_on: date
    review_on: date


@dataclass(frozen=True)
class CaseworkFacts:
    matters: tuple[MatterFacts, ...] = ()
    consents: tuple[ConsentFacts, ...] = ()
    access_requests: tuple[AccessRequestFacts, ...] = ()
    complaints: tuple[ComplaintFacts, ...] = ()
    retention: tuple[RetentionFacts, ...] = ()
    last_visit: date | None = None
    #: The client's updated_at date (for old records with no matter and no visit).
    last_change: date | None = None


@dataclass(frozen=True)
class CaseworkSettings:
    retention_years: int = 6
    consent_months: int = 12


@dataclass(frozen=True)
class LevelCheck:
    needed: int
    category: str  # a key of OISC_CATEGORIES: the category the work falls in
    adviser_level: int | None
    #: (client-readable sentence, citation), the category's own level first.
    reasons: tuple[tuple[str, str], ...]
    ok: bool | None  # None: the adviser's level is not recorded (or not for this category)


# ---- the data file ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    oisc_category: str
    level: int
    rule: str
    source: str = ""
    verified: bool = True


@dataclass(frozen=True)
class Outcome:
    key: str
    label: str
    laa: str  # the Legal Aid Agency outcome code it is modelled on, or ""
    closes: bool = True
    source: str = ""


@dataclass(frozen=True)
class LevelTrigger:
    key: str
    level: int
    rule: str
    words: str  # "{date}" is the date it rests on
    category: str | None = None  # the OISC category the work then falls in
    source: str = ""
    verified: bool = True


#: The level triggers the level check knows how to find in a history.
TRIGGER_KEYS = (
    "without_permission",
    "refused",
    "appeal_possible",
    "appeal_lodged",
    "administrative_review",
    "asylum",
)


@dataclass(frozen=True)
class CaseworkData:
    categories: Mapping[str, Category] = field(default_factory=dict)
    outcomes: Mapping[str, Outcome] = field(default_factory=dict)
    level_triggers: Mapping[str, LevelTrigger] = field(default_factory=dict)
    #: The file's own [[figure]] tables: used when the figures passed in lack them (an
    #: installed content pack older than casework.toml).
    figures: Figures = field(default_factory=Figures)
    checked_on: date | None = None

    def category_label(self, key: str) -> str:
        found = self.categories.get(key)
        return found.label if found else key

    def outcome_label(self, key: str) -> str:
        found = self.outcomes.get(key)
        return found.label if found else key


def _text(raw: Mapping[str, Any], name: str, where: str, *, required: bool = True) -> str:
    value = raw.get(name, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise CaseworkDataError(f"{where}: {name} must be text")
    return value


def _level(raw: Mapping[str, Any], where: str) -> int:
    value = raw.get("level")
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3:
        raise CaseworkDataError(f"{where}: level must be 1, 2 or 3")
    return value


def _flag(raw: Mapping[str, Any], name: str, where: str, default: bool) -> bool:
    value = raw.get(name, default)
    if not isinstance(value, bool):
        raise CaseworkDataError(f"{where}: {name} must be true or false")
    return value


def _section(doc: Mapping[str, Any], name: str, file: str) -> Mapping[str, Any]:
    value = doc.get(name)
    if not isinstance(value, Mapping) or not value:
        raise CaseworkDataError(f"{file}: [{name}.*] tables are missing")
    for key, raw in value.items():
        if not isinstance(raw, Mapping):
            raise CaseworkDataError(f"{file}: {name}.{key} must be a table")
    return value


def parse_casework(doc: Mapping[str, Any], name: str = "casework.toml") -> CaseworkData:
    """The categories, outcomes, level triggers and figures of a parsed casework.toml.
    CaseworkDataError names the file and the entry when something is wrong."""
    categories: dict[str, Category] = {}
    for key, raw in _section(doc, "categories", name).items():
        where = f"{name}: categories.{key}"
        oisc = _text(raw, "oisc_category", where)
        if oisc not in OISC_CATEGORIES:
            raise CaseworkDataError(
                f"{where}: oisc_category must be one of {', '.join(OISC_CATEGORIES)}"
            )
        categories[key] = Category(
            key,
            _text(raw, "label", where),
            oisc,
            _level(raw, where),
            _text(raw, "rule", where),
            _text(raw, "source", where, required=False),
            _flag(raw, "verified", where, True),
        )
    outcomes: dict[str, Outcome] = {}
    for key, raw in _section(doc, "outcomes", name).items():
        where = f"{name}: outcomes.{key}"
        outcomes[key] = Outcome(
            key,
            _text(raw, "label", where),
            _text(raw, "laa", where, required=False),
            _flag(raw, "closes", where, True),
            _text(raw, "source", where, required=False),
        )
    triggers: dict[str, LevelTrigger] = {}
    for key, raw in _section(doc, "level_triggers", name).items():
        where = f"{name}: level_triggers.{key}"
        category = raw.get("category")
        if category is not None and category not in OISC_CATEGORIES:
            raise CaseworkDataError(
                f"{where}: category must be one of {', '.join(OISC_CATEGORIES)}"
            )
        triggers[key] = LevelTrigger(
            key,
            _level(raw, where),
            _text(raw, "rule", where),
            _text(raw, "words", where),
            category,
            _text(raw, "source", where, required=False),
            _flag(raw, "verified", where, True),
        )
    missing = [k for k in TRIGGER_KEYS if k not in triggers]
    if missing:
        raise CaseworkDataError(f"{name}: level_triggers.{missing[0]} is missing")
    if "other" not in categories:
        raise CaseworkDataError(f"{name}: categories.other is missing")
    try:
        figures = Figures.from_tables([doc])
    except FiguresError as exc:
        raise CaseworkDataError(f"{name}: {exc}".replace("document 0 ", "")) from None
    checked = doc.get("checked_on")
    if isinstance(checked, datetime):
        checked = checked.date()
    return CaseworkData(
        categories, outcomes, triggers, figures, checked if isinstance(checked, date) else None
    )


# ---- counting -----------------------------------------------------------------------------------


def _entry(figures: Figures, key: str, on: date) -> Figure:
    """The figure in force on `on`; its first value for an earlier date (old records)."""
    return figures.entry(key, on, strict=False)


def months_later_or_month_end(start: date, months: int) -> date:
    """The corresponding date `months` later; the last day of that month when it has no such
    date (31 January + 1 month = 28 February, or 29 in a leap year). ICO guidance on the time
    limit for answering a subject access request."""
    total = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(total, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(start.day, last))


def update_due(matter: MatterFacts, figures: Figures) -> date:
    """Code 29: the next written update is due 3 months after the latest of the day the matter
    opened and every written contact for it."""
    latest = max((matter.opened, *matter.written))
    months = _entry(figures, "casework.update_months", latest).value
    return add_months(latest, months)


def outcome_letter_due(decision_on: date, bank_holidays: Container[date], figures: Figures) -> date:
    """Code 30: the outcome in writing within 3 working days of the centre hearing of the
    decision (the day it heard is day 0, whatever day it is)."""
    days = _entry(figures, "casework.outcome_working_days", decision_on).value
    return add_working_days(decision_on, days, bank_holidays)


def consent_renewal_due(consent: ConsentFacts) -> date:
    """The day a consent's period ends: `period_months` after it was given."""
    return add_months(consent.given_on, consent.period_months)


def access_request_due(
    request: AccessRequestFacts, bank_holidays: Container[date], figures: Figures
) -> Deadline:
    """UK GDPR art. 12(3) as the ICO counts it: one month from the day of receipt (day one) to
    the corresponding date in the next month, or that month's last day when there is none;
    three months when the client was told it is extended. A last day on a weekend or bank
    holiday moves to the next working day (`next_working_day`). Met when answered by then."""
    one = _entry(figures, "casework.access_request_months", request.asked_on)
    months = one.value
    if request.extended:
        months += _entry(
            figures, "casework.access_request_extension_months", request.asked_on
        ).value
    last = months_later_or_month_end(request.asked_on, months)
    moved = next_working_day(last, bank_holidays)
    what = (
        f"Answer the client's request for their records (subject access request) made on "
        f"{request.asked_on.isoformat()}: within "
        + ("one month" if months == 1 else f"{months} months (extended)")
        + f", by {last.isoformat()}"
    )
    if moved is not None:
        what += (
            f". That day is a weekend or bank holiday, so the answer is in time on "
            f"{moved.isoformat()}"
        )
    due = moved or last
    met_on = None
    if request.answered_on is not None:
        on_time = request.answered_on <= due
        met_on = request.answered_on if on_time else None
        what += f". Answered on {request.answered_on.isoformat()}" + (
            ", in time." if on_time else ", late."
        )
    else:
        what += "."
    return Deadline(
        last,
        what,
        one.rule or GDPR_12_3,
        next_working_day=moved,
        kind="client_access_request",
        met_on=met_on,
        done_on=request.answered_on,
        event_date=request.asked_on,
        record=f"access_requests[{request.id}]",
        facts=(("months", months), ("extended", request.extended)),
    )


def retention_review_on(facts: CaseworkFacts, settings: CaseworkSettings) -> date | None:
    """Code 57: the day the record comes up for review, `retention_years` after the latest of
    the matters' closing days and the last visit (the client's last change when there is
    neither); a later decision to keep it moves the review to that decision's date. None while
    any matter is open, or with nothing to count from."""
    if any(m.is_open for m in facts.matters):
        return None
    base = _retention_base(facts)
    if base is None:
        return None
    review = add_years(base, settings.retention_years)
    if facts.retention:
        latest = max(facts.retention, key=lambda r: (r.decided_on, r.review_on))
        review = max(review, latest.review_on)
    return review


def _retention_base(facts: CaseworkFacts) -> date | None:
    found = [m.closed for m in facts.matters if m.closed is not None]
    if facts.last_visit is not None:
        found.append(facts.last_visit)
    if found:
        return max(found)
    return facts.last_change


# ---- the level check ----------------------------------------------------------------------------


def level_check(
    matter: MatterFacts,
    history: History | None,
    today: date,
    data: CaseworkData,
    *,
    figures: Figures | None = None,
    bank_holidays: Container[date] = frozenset(),
) -> LevelCheck:
    """The OISC level the matter's work needs and whether its adviser holds it.

    Needed = the highest of the category's level, the level the adviser set by hand, and what
    the history shows: no permission today (needs `figures`: the same lawful-presence sweep as
    the residence engine), a refusal, an appeal that can be or has been lodged, an
    administrative review, an asylum or fresh claim (Asylum and Protection). `ok` is None when
    the adviser's level is not recorded, or was recorded for the other OISC category."""
    overstay = None
    if history is not None and figures is not None:
        overstay = _permission_today(history, figures, bank_holidays, today)
    return _level_check(matter, history, today, data, figures, overstay)


#: What the lawful-presence sweep said of today: (first day without permission or None, whether
#: it could be worked out); None when it was not asked (no history or no figures).
Overstay = tuple[date | None, bool] | None


def _level_check(
    matter: MatterFacts,
    history: History | None,
    today: date,
    data: CaseworkData,
    figures: Figures | None,
    overstay: Overstay,
) -> LevelCheck:
    category = data.categories.get(matter.category) or data.categories.get("other")
    oisc = matter.oisc_category if matter.oisc_category in OISC_CATEGORIES else "immigration"
    reasons: list[tuple[str, str]] = []
    needed = 1
    if category is not None:
        needed = category.level
        if category.oisc_category == "asylum_protection":
            oisc = "asylum_protection"
        reasons.append(
            (
                f"{category.label} work needs an adviser at OISC Level {category.level} or above.",
                category.rule,
            )
        )
    if matter.needed_level is not None and matter.needed_level > 0:
        needed = max(needed, matter.needed_level)
        reasons.append(
            (
                f"The adviser set this matter at OISC Level {matter.needed_level}.",
                f"{COMPETENCE} (the adviser's assessment)",
            )
        )
    if overstay is not None and not overstay[1]:
        reasons.append(
            (
                "Whether the client has permission to stay today could not be worked out from "
                "the history: check it before going on.",
                COMPETENCE,
            )
        )
    for key, on in _triggers(matter, history, today, figures, overstay):
        trigger = data.level_triggers.get(key)
        if trigger is None:
            continue
        needed = max(needed, trigger.level)
        if trigger.category is not None:
            oisc = trigger.category
        reasons.append((trigger.words.format(date=on.isoformat()), trigger.rule))
    needed = min(needed, 3)
    ok = _level_ok(matter, oisc, needed, reasons)
    return LevelCheck(needed, oisc, matter.adviser_level, tuple(reasons), ok)


def _level_ok(
    matter: MatterFacts, oisc: str, needed: int, reasons: list[tuple[str, str]]
) -> bool | None:
    level = matter.adviser_level
    if level is None:
        return None
    if level >= REGULATED_OTHERWISE:
        return True
    if oisc != matter.oisc_category and matter.oisc_category in OISC_CATEGORIES:
        reasons.append(
            (
                f"The adviser's level was recorded for {OISC_CATEGORIES[matter.oisc_category]}, "
                f"but this work is {OISC_CATEGORIES[oisc]}: check their authorisation in it.",
                COMPETENCE,
            )
        )
        return None
    return level >= needed


def _triggers(
    matter: MatterFacts,
    history: History | None,
    today: date,
    figures: Figures | None,
    overstay: Overstay,
) -> list[tuple[str, date]]:
    """(trigger key, the date it rests on) for everything in the history that raises the level."""
    if history is None:
        return []
    found: list[tuple[str, date]] = []
    if overstay is not None and overstay[0] is not None:
        found.append(("without_permission", overstay[0]))
    decided = [a for a in history.applications if a.decided is not None]
    latest_decided = max(decided, key=lambda a: a.decided, default=None)
    for app in history.applications:
        if app.kind in ("asylum", "fresh_claim"):
            made = app.made or app.fee_waiver_requested
            if made is not None and (app.decided is None or app.decided >= matter.opened):
                found.append(("asylum", made))
        if app.outcome != "refused" or app.decided is None:
            continue
        recent = app.decided >= matter.opened or app is latest_decided
        if app.appeal_lodged is not None and (
            app.appeal_decided is None or app.appeal_decided >= matter.opened
        ):
            found.append(("appeal_lodged", app.appeal_lodged))
        elif app.review_lodged is not None and (
            app.review_decided is None or app.review_decided >= matter.opened
        ):
            found.append(("administrative_review", app.review_lodged))
        elif recent and _appeal_open(app, figures, today):
            found.append(("appeal_possible", app.decided))
        if recent:
            found.append(("refused", app.decided))
    return found


def _appeal_open(app: Application, figures: Figures | None, today: date) -> bool:
    """The refusal carries (or may carry) a right of appeal and the time to appeal has not run
    out (the residence engine's appeal window, s3C(2)(b))."""
    if remedy_of(app) != "appeal" or figures is None:
        return False
    try:
        return appeal_window_end(app, figures) >= today
    except FiguresError:
        return False


def _permission_today(
    history: History, figures: Figures, bank_holidays: Container[date], today: date
) -> tuple[date | None, bool]:
    """(the first day of the stretch without permission that today is in, or None; whether it
    could be worked out). Uses the residence engine's lawful-presence sweep
    (`timeline.build_cover`: permissions, section 3C leave after in-time applications and
    appeals); bail and temporary admission are not permission. A history with no permission
    at all says nothing either way."""
    try:
        # build_cover only asks `day in bank_holidays`: a lazy calendar stays unbuilt.
        cover = build_cover(history, figures, cast(frozenset, bank_holidays), today)
    except (FiguresError, ValueError, KeyError):
        return None, False
    lawful = [c for c in cover.covers if c.category not in _NOT_LEAVE]
    t = today.toordinal()
    if not lawful or any(c.start <= t <= c.end for c in lawful):
        return None, True
    before = [c.end for c in lawful if c.end < t]
    if not before:
        return None, True  # the record starts after today
    return date.fromordinal(max(before) + 1), True


# ---- reminders ----------------------------------------------------------------------------------


def _with_casework_figures(figures: Figures, data: CaseworkData) -> Figures:
    """`figures`, with casework.toml's own when they lack them (an older content pack)."""
    if "casework.update_months" in figures.by_key or not data.figures.by_key:
        return figures
    merged = {**data.figures.by_key, **figures.by_key}
    return Figures(merged, figures.lenient, figures.renumbered)


def reminders(
    facts: CaseworkFacts,
    today: date,
    bank_holidays: Container[date],
    figures: Figures,
    data: CaseworkData,
    settings: CaseworkSettings,
    history: History | None = None,
) -> tuple[Deadline, ...]:
    """Every casework reminder of one client, sorted, each with its status on `today`."""
    figures = _with_casework_figures(figures, data)
    out: list[Deadline] = []
    overstay: Overstay = None
    if history is not None and any(m.is_open for m in facts.matters):
        overstay = _permission_today(history, figures, bank_holidays, today)  # once per client
    for matter in facts.matters:
        if matter.is_open:
            out.append(_written_update(matter, figures))
            check = _level_check(matter, history, today, data, figures, overstay)
            out.extend(_level_reminder(matter, check))
        if matter.decision_on is not None:
            out.append(_outcome_letter(matter, bank_holidays, figures))
    out.extend(access_request_due(r, bank_holidays, figures) for r in facts.access_requests)
    out.extend(_consent_reminders(facts, today))
    out.extend(_complaint(c) for c in facts.complaints if c.acknowledged_on is None)
    retention = _retention(facts, settings, figures)
    if retention is not None:
        out.append(retention)
    return tuple(_still_owed(d) for d in with_status(out, today))


#: Duties that are still owed once their day has passed: a written update, an outcome letter,
#: an answer to a subject access request, a retention review. Past their day and not done,
#: they become attention items, which never age off the board (a passed deadline would leave
#: it after the overdue window while the duty is still owed: "never look safe when it isn't").
STILL_OWED_KINDS: frozenset[str] = frozenset(
    {"written_update", "outcome_letter", "client_access_request", "retention_review"}
)


def _still_owed(deadline: Deadline) -> Deadline:
    if (
        deadline.kind in STILL_OWED_KINDS
        and deadline.status == "passed"
        and deadline.done_on is None
    ):
        return replace(deadline, status="attention")
    return deadline


def _label(matter: MatterFacts) -> str:
    return f"'{matter.title.strip()}'" if matter.title.strip() else f"matter {matter.id}"


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _written_update(matter: MatterFacts, figures: Figures) -> Deadline:
    latest = max((matter.opened, *matter.written))
    f = _entry(figures, "casework.update_months", latest)
    due = update_due(matter, figures)
    since = (
        f"the last written contact on {latest.isoformat()}"
        if matter.written and latest != matter.opened
        else f"the matter opened on {matter.opened.isoformat()}"
    )
    return Deadline(
        due,
        f"Send the client a written update on {_label(matter)}: {f.value} months after {since} "
        f"(at least every {f.value} months while a matter is open).",
        f.rule or CODE_29,
        kind="written_update",
        event_date=latest,
        record=f"matters[{matter.id}]",
        facts=(("matter", matter.id), ("months", f.value)),
    )


def _outcome_letter(
    matter: MatterFacts, bank_holidays: Container[date], figures: Figures
) -> Deadline:
    decided = matter.decision_on
    assert decided is not None
    f = _entry(figures, "casework.outcome_working_days", decided)
    due = outcome_letter_due(decided, bank_holidays, figures)
    told = [d for d in matter.outcome_letters if d >= decided]
    if matter.outcome_told_on is not None and matter.outcome_told_on >= decided:
        told.append(matter.outcome_told_on)
    done = min(told) if told else None
    what = (
        f"Tell the client in writing the outcome of {_label(matter)}: the centre heard of the "
        f"decision on {decided.isoformat()}, so the letter is due within {f.value} working "
        f"days, by {due.isoformat()}"
    )
    met_on = None
    if done is not None:
        met_on = done if done <= due else None
        what += f". Sent on {done.isoformat()}" + (", in time." if met_on else ", late.")
    else:
        what += "."
    return Deadline(
        due,
        what,
        f.rule or CODE_30,
        kind="outcome_letter",
        met_on=met_on,
        done_on=done,
        event_date=decided,
        record=f"matters[{matter.id}]",
        days=f.value,
        facts=(("matter", matter.id), ("working_days", True)),
    )


def _level_reminder(matter: MatterFacts, check: LevelCheck) -> list[Deadline]:
    if check.ok is True:
        return []
    why = " ".join(sentence for sentence, _rule in check.reasons)
    who = matter.adviser.strip() or "the adviser"
    if check.ok is None:
        what = (
            f"{_first_upper(_label(matter))}: the OISC level of {who} is not recorded for "
            f"{OISC_CATEGORIES[check.category]}, and this work needs Level {check.needed}. {why}"
        )
    else:
        what = (
            f"{_first_upper(_label(matter))} needs an adviser at OISC Level {check.needed} in "
            f"{OISC_CATEGORIES[check.category]}; {_first_upper(who)} is recorded at "
            f"{LEVEL_NAMES.get(check.adviser_level or 0, 'an unknown level')}. Refer the client "
            f"to an adviser at Level {check.needed} or above. {why}"
        )
    rules = "; ".join(dict.fromkeys(rule for _s, rule in check.reasons if rule))
    return [
        Deadline(
            matter.opened,
            what.strip(),
            rules or COMPETENCE,
            kind="level_check",
            event_date=matter.opened,
            record=f"matters[{matter.id}]",
            facts=(
                ("matter", matter.id),
                ("needed", check.needed),
                ("adviser_level", check.adviser_level),
                ("oisc_category", check.category),
                ("recorded", check.ok is not None),
            ),
        )
    ]


def current_consent(
    consents: Iterable[ConsentFacts], scope: str, today: date
) -> tuple[ConsentFacts | None, str]:
    """The consent in force for `scope` and, when there is none, why: ("none" | "withdrawn" |
    "expired"). The latest consent given decides; an older one is replaced by it."""
    given = [c for c in consents if c.scope == scope and c.given_on <= today]
    if not given:
        return None, "none"
    latest = max(given, key=lambda c: (c.given_on, c.id))
    if latest.withdrawn_on is not None and latest.withdrawn_on <= today:
        return latest, "withdrawn"
    if consent_renewal_due(latest) < today:
        return latest, "expired"
    return latest, "current"


def _consent_reminders(facts: CaseworkFacts, today: date) -> list[Deadline]:
    out: list[Deadline] = []
    consent, state = current_consent(facts.consents, RECORDS_SCOPE, today)
    if consent is not None and state in ("current", "expired"):
        due = consent_renewal_due(consent)
        out.append(
            Deadline(
                due,
                f"Ask the client to renew their consent to keep their records: given on "
                f"{consent.given_on.isoformat()} for {consent.period_months} months, it ends "
                f"on {due.isoformat()}.",
                CONSENT_RULE,
                kind="consent_renewal",
                event_date=consent.given_on,
                record=f"consents[{consent.id}]",
                facts=(("months", consent.period_months), ("scope", RECORDS_SCOPE)),
            )
        )
    open_matters = [m for m in facts.matters if m.is_open]
    if state == "current" or not open_matters:
        return out
    first = min(open_matters, key=lambda m: (m.opened, m.id))
    if state == "none":
        day, why = first.opened, "no consent from the client to keep their records is recorded"
        record = f"matters[{first.id}]"
    elif state == "withdrawn":
        assert consent is not None and consent.withdrawn_on is not None
        day = consent.withdrawn_on
        why = f"the client withdrew their consent to keep their records on {day.isoformat()}"
        record = f"consents[{consent.id}]"
    else:
        assert consent is not None
        day = consent_renewal_due(consent)
        why = f"the client's consent to keep their records ended on {day.isoformat()}"
        record = f"consents[{consent.id}]"
    out.append(
        Deadline(
            day,
            f"A matter is open but {why}: record the client's consent now, or close the matter.",
            CONSENT_RULE,
            kind="consent_missing",
            event_date=day,
            record=record,
            facts=(("reason", state), ("scope", RECORDS_SCOPE)),
        )
    )
    return out


def _complaint(complaint: ComplaintFacts) -> Deadline:
    return Deadline(
        complaint.received_on,
        f"A complaint received on {complaint.received_on.isoformat()} has not been "
        "acknowledged in writing: acknowledge it and follow the complaints procedure.",
        CODE_79,
        kind="complaint",
        event_date=complaint.received_on,
        record=f"complaints[{complaint.id}]",
    )


def _retention(
    facts: CaseworkFacts, settings: CaseworkSettings, figures: Figures
) -> Deadline | None:
    review = retention_review_on(facts, settings)
    if review is None:
        return None
    base = _retention_base(facts)
    assert base is not None
    f = _entry(figures, "casework.retention_years", base)
    kept = bool(facts.retention) and review > add_years(base, settings.retention_years)
    closed = [m for m in facts.matters if m.closed is not None]
    last = max(closed, key=lambda m: (m.closed, m.id)) if closed else None
    what = (
        f"Review whether to keep this client's records: {settings.retention_years} years after "
        f"the last contact or closed matter on {base.isoformat()}."
    )
    if kept:
        what = (
            f"Review whether to keep this client's records: the review was moved to "
            f"{review.isoformat()} when the centre decided to keep them."
        )
    if settings.retention_years < f.value:
        what += f" The centre's setting is shorter than the {f.value} years the Code asks."
    return Deadline(
        review,
        what,
        f.rule or CODE_57,
        kind="retention_review",
        event_date=base,
        record=f"matters[{last.id}]" if last is not None and last.closed == base else None,
        facts=(("years", settings.retention_years), ("kept", kept)),
    )
