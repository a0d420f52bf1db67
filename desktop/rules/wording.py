"""The sentences of every residence verdict, in one place.

Each function returns a `Reason`: the sentence a client can read, with the rule paragraph and the
dates it names as data. Figures (day limits, periods, cut-off dates) come from `resources/rules/`
through `Figures`; none is typed into a sentence here, so a change in the Rules is a change in
the data. Dates are written ISO (2024-09-01) in the engine's output; the UI and the PDFs write
them in words with `Reason.render(desktop.datetext.long_date)` (or read `Reason.dates`). Month
names never follow the desktop's locale: the one date-in-words function is
`desktop.datetext.long_date`.
"""

from __future__ import annotations

import re
from datetime import date

from desktop.rules.datetext import long_date
from desktop.rules.figures import Figures
from desktop.rules.verdict import Breach, Reason

__all__ = ["long_date"]  # re-exported: cut-off dates in sentences ("11 April 2024")


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 member', '2 members', '1 day', '3 children' (with `many`): never 'member(s)'."""
    return f"{count} {one if count == 1 else (many if many is not None else one + 's')}"


def tidy(sentence: str) -> str:
    """A sentence without the seams of its making: an empty "()" left by a rule with no
    name, doubled spaces before punctuation, and "permission permission" from a category
    label that already ends in the word."""
    text = re.sub(r"\s*\(\s*[;,]?\s*\)", "", sentence)
    text = re.sub(r"\b(permission)\s+permission\b", r"\1", text, flags=re.IGNORECASE)
    return re.sub(r"\s+([.,;:])", r"\1", text)


#: The engine's record pointers ("permissions[1]", "absences[2]"): data, never words for a
#: person. `plain_records` turns them into "permission 2", "trip 3" wherever text leaves the
#: engine (status bar, tooltips, checklist dates, paper).
RECORD_WORDS: dict[str, str] = {
    "permissions": "permission",
    "applications": "application",
    "absences": "trip",
    "custody": "custody period",
    "status_checks": "status check",
}
_RECORD_REF = re.compile(r"\b(" + "|".join(RECORD_WORDS) + r")\[([0-9]+)\]")


def record_words(collection: str, index: int) -> str:
    """("absences", 2) as a person reads it: "trip 3" (counted from 1)."""
    return f"{RECORD_WORDS.get(collection, collection.replace('_', ' '))} {index + 1}"


def plain_records(text: str) -> str:
    """Every record pointer in `text` in plain words: "In the UK (permissions[1])" becomes
    "In the UK (permission 2)"."""
    return _RECORD_REF.sub(lambda m: record_words(m.group(1), int(m.group(2))), str(text))


def period_words(months: int) -> str:
    return f"{months // 12} years" if months % 12 == 0 else f"{months} months"


# ---- headlines ---------------------------------------------------------------------------------


def eligible(
    route_label: str, on: date, months: int, start: date, complete: date, rule: str
) -> Reason:
    return Reason(
        f"{route_label}: eligible on {on}. The qualifying period of {period_words(months)} runs "
        f"from {start} and is complete on {complete} ({rule}).",
        code="headline",
        rule=rule,
        dates={"application": on, "period_start": start, "complete_on": complete},
    )


def eligible_only_if_continued(route_label: str, on: date, ended: date, complete: date) -> Reason:
    """Issue 16: a verdict that rests on permission continuing after the record is never a plain
    "eligible"."""
    return Reason(
        f"{route_label}: eligible on {on} only if permission continued after {ended} - nothing "
        "is recorded since. Check the client's status now (possible overstayer).",
        code="headline",
        dates={"application": on, "record_ends": ended, "complete_on": complete},
    )


def not_eligible_unless_continued(
    route_label: str, on: date, ended: date, earliest: date | None
) -> Reason:
    """Not eligible on the date asked; the earliest date is a what-if resting on permission
    continuing after the record."""
    text = f"{route_label}: not eligible on {on}."
    if earliest is not None:
        text += (
            f" The earliest application date would be {earliest} only if permission continued "
            f"after {ended} - nothing is recorded since."
        )
    else:
        text += f" Nothing is recorded after {ended}."
    text += " Check the client's status now (possible overstayer)."
    return Reason(
        text,
        code="headline",
        dates={"application": on, "record_ends": ended, "if_continued_earliest": earliest},
    )


def status_unknown(ended: date, since: date) -> Reason:
    """The record stops before today (kept beside any verdict, relying on it or not)."""
    return Reason(
        f"Permission ended on {ended} and nothing is recorded since: the client's status from "
        f"{since} is unknown (possible overstayer). Record a new permission or a pending "
        "application, or that you checked and there is no permission.",
        code="status_unknown",
        dates={"record_ends": ended, "since": since},
    )


def without_permission(since: date, why: str, rule: str) -> Reason:
    """Time the record shows without permission, from `since` (a refusal before the permission
    ended, the adviser's check, a late application pending)."""
    return Reason(
        f"{why} ({rule}).",
        code="without_permission",
        rule=rule,
        dates={"since": since},
    )


def not_eligible(route_label: str, on: date, earliest: date | None) -> Reason:
    text = f"{route_label}: not eligible on {on}."
    if earliest is not None:
        text += f" Earliest application date: {earliest}."
    else:
        text += " No application date can be given from this history."
    return Reason(text, code="headline", dates={"application": on, "earliest": earliest})


def already_settled(route_label: str, on: date, since: date, what: str) -> Reason:
    return Reason(
        f"{route_label}: already settled. The person holds {what} from {since}, so no "
        "settlement application is needed.",
        code="settled",
        dates={"application": on, "settled_since": since},
    )


def period_not_complete(months: int, start: date, complete: date, opens: date, rule: str) -> Reason:
    return Reason(
        f"The qualifying period of {period_words(months)} from {start} is complete on "
        f"{complete}; an application can be made from {opens} ({rule}).",
        code="not_complete",
        rule=rule,
        dates={"period_start": start, "complete_on": complete, "apply_from": opens},
    )


def qualifies_but_wait(
    months: int, start: date, complete: date, opens: date, expiry: date, lead_days: int, rule: str
) -> Reason:
    """DL policy: the period is complete but the 28-day window before expiry has not opened."""
    return Reason(
        f"Qualifies now: the {period_words(months)} from {start} were complete on {complete}. "
        f"May apply from {opens}, {lead_days} days before the permission ends on {expiry} "
        f"({rule}).",
        code="wait_for_window",
        rule=rule,
        dates={
            "period_start": start,
            "complete_on": complete,
            "apply_from": opens,
            "expiry": expiry,
        },
    )


def not_lawful_on(on: date, why: str, rule: str) -> Reason:
    return Reason(f"On {on}: {why} ({rule}).", code="not_lawful", rule=rule, dates={"on": on})


def nothing_recorded_on(on: date) -> Reason:
    return Reason(f"No permission is recorded on {on}.", code="not_lawful", dates={"on": on})


def abroad_on(on: date, back: date) -> Reason:
    return Reason(
        f"The person is outside the UK on {on} (back on {back}); this application must be made "
        "in the UK.",
        code="abroad",
        dates={"on": on, "back": back},
    )


def could_have(earliest: date, on: date, still: bool) -> Reason:
    text = (
        f"An application could have been made from {earliest}."
        if still
        else f"An application could have been made from {earliest}, but not on {on}."
    )
    return Reason(text, code="could_have", dates={"could_have": earliest})


# ---- breaks, restarts, uncounted time ---------------------------------------------------------


def breach(b: Breach) -> Reason:
    return Reason(
        f"{b.rule}: {b.why} ({b.start} to {b.end}).",
        code="breach",
        rule=b.rule,
        dates={"from": b.start, "to": b.end},
        days=b.days,
    )


def restart(restart_on: date, cause: Breach, *, listed: bool = False) -> Reason:
    """Every restart of the qualifying period says why, when and under which rule. `listed`:
    the cause is also listed as a breach, so its why is not repeated; the sentence names the
    break by its dates and rule, never by where it is ("above": a screen may show the
    sentences in another order, or this one alone)."""
    if listed:
        text = (
            f"The qualifying period starts again on {restart_on}, after the break from "
            f"{cause.start} to {cause.end} ({cause.rule})."
        )
    else:
        text = (
            f"The qualifying period starts again on {restart_on}: {cause.why} ({cause.rule}, "
            f"{cause.start} to {cause.end})."
        )
    return Reason(
        text,
        code="restart",
        rule=cause.rule,
        dates={"restart_on": restart_on, "from": cause.start, "to": cause.end},
        days=cause.days,
    )


def before_period(b: Breach, period_start: date, on: date) -> str:
    return (
        f"Before the qualifying period ({b.start} to {b.end}): {b.why} ({b.rule}). It does not "
        f"affect an application on {on}, whose period starts on {period_start}."
    )


def uncounted(rule: str, why: str, start: date, end: date) -> Reason:
    return Reason(f"{rule}: {why}.", code="uncounted", rule=rule, dates={"from": start, "to": end})


def counted_concession(rule: str, why: str, start: date, end: date) -> Reason:
    return Reason(f"{rule}: {why}.", code="concession", rule=rule, dates={"from": start, "to": end})


def assumed_from(day: date, permission: str) -> Reason:
    return Reason(
        f"From {day} this assumes the person stays in the UK with permission ({permission}), "
        "with any planned trips.",
        code="assumed",
        dates={"assumed_from": day},
    )


def record_ends(last_day: date, today: date) -> str:
    """For `missing`: the record stops before today, and the projection carries on from it."""
    return (
        f"Nothing is recorded after {last_day}: the dates above assume permission continued "
        f"from then to {today} and on. If an application was made on or before {last_day}, "
        "record it: an in-time application gives section 3C leave. If nothing was made, the "
        "person may have been without permission since then."
    )


# ---- absences ----------------------------------------------------------------------------------


def absences_total(total: int, start: date, on: date, planned: int = 0) -> Reason:
    """The days-abroad line: planned trips inside the period are included, and said so."""
    included = f", including {plural(planned, 'day')} on planned trips" if planned else ""
    return Reason(
        f"Absences: {total} whole days outside the UK from {start} to {on}{included} (the days "
        "of leaving and coming back are not counted).",
        code="absences",
        dates={"from": start, "to": on},
        days=total,
    )


def rolling_summary(
    days: int, start: date | None, end: date | None, limit: int, rule: str, scope: str
) -> Reason:
    where = f" ({start} to {end})" if start else ""
    return Reason(
        f"{scope}: the worst 12 months{where} had {days} days outside the UK; the limit is "
        f"{limit} days in any 12 months ({rule}).",
        code="absences",
        rule=rule,
        dates={"from": start, "to": end},
        days=days,
    )


def block_summary(
    days: int, start: date | None, end: date | None, limit: int, rule: str, cutoff: date
) -> Reason:
    where = f"the worst was {start} to {end} with {days} days" if start else "none had any"
    return Reason(
        f"Absences with permission granted before {long_date(cutoff)} are counted in "
        "consecutive 12-month periods ending on the anniversaries of the application date "
        f"({rule}): {where}; the limit is {limit} days in each period.",
        code="absences",
        rule=rule,
        dates={"from": start, "to": end},
        days=days,
    )


def single_summary(days: int, limit: int, rule: str, cutoff: date) -> Reason:
    return Reason(
        f"Longest single absence that started before {long_date(cutoff)}: {days} days; the "
        f"limit is {limit} days at any one time ({rule}).",
        code="absences",
        rule=rule,
        days=days,
    )


def total_summary(days: int, limit: int, rule: str, cutoff: date) -> Reason:
    return Reason(
        f"Absences before {long_date(cutoff)} in the qualifying period: {days} days in total; "
        f"the limit is {limit} days ({rule}).",
        code="absences",
        rule=rule,
        days=days,
    )


def no_absence_limit(days: int, start: date | None, end: date | None) -> Reason:
    where = f" ({start} to {end})" if start else ""
    return Reason(
        f"The worst 12 months{where} had {days} days outside the UK. This route has no fixed "
        "absence limit.",
        code="absences",
        dates={"from": start, "to": end},
        days=days,
    )


def exceptional(index: int, left: date, returned: date, rule: str) -> Reason:
    return Reason(
        f"absences[{index}] ({left} to {returned}) is marked exceptional and is not counted "
        f"towards the limit ({rule}); keep evidence of the reason.",
        code="exceptional",
        rule=rule,
        dates={"from": left, "to": returned},
    )


def disregarded(index: int, left: date, returned: date, cutoff: date, rule: str) -> Reason:
    return Reason(
        f"absences[{index}] ({left} to {returned}) was before {long_date(cutoff)} and followed "
        "by a grant of family or private life permission, so it is disregarded "
        f"({rule}).",
        code="disregarded",
        rule=rule,
        dates={"from": left, "to": returned},
    )


def travel_while_pending(index: int, left: date) -> Reason:
    return Reason(
        f"absences[{index}]: travel on {left} while an application was pending; the Home Office "
        "treats the application as withdrawn (reference 004), which can end section 3C leave.",
        code="risk",
        rule="s3C Immigration Act 1971",
        dates={"left": left},
    )


def risk(b: Breach) -> Reason:
    return Reason(
        f"Risk ({b.rule}): {b.why}.",
        code="risk",
        rule=b.rule,
        dates={"from": b.start, "to": b.end},
        days=b.days,
    )


# ---- route notes (figures from resources/rules) ------------------------------------------------


def dl_route(figures: Figures, on: date) -> Reason:
    new = figures.entry("dl.qualifying_months", on)
    old = figures.entry("dl.transitional_months", on)
    cutoff = figures.date_("dl.new_policy_from", on)
    lead = figures.entry("dl.apply_days_before_expiry", on)
    return Reason(
        f"DL settlement: {new.value} months' continuous limited leave if the first DL was "
        f"granted on or after {long_date(cutoff)}, {period_words(old.value)} if before; apply no "
        f"more than {lead.value} days before leave expires ({lead.rule}; {new.source.split(':')[0]}).",
        code="route",
        rule=new.rule or "",
        dates={"new_policy_from": cutoff},
    )


def protection_route(figures: Figures, on: date) -> Reason:
    months = figures.entry("protection.qualifying_months", on)
    lead = figures.entry("protection.apply_months_before_expiry", on)
    fee = figures.entry("fee.ilr_protection", on)
    fee_words = "there is no fee" if fee.value == 0 else f"the fee is £{fee.value:,}"
    if not fee.verified:
        fee_words += f" ({FEE_NOT_VERIFIED})"
    lead_words = "the last month" if lead.value == 1 else f"the last {lead.value} months"
    return Reason(
        f"Protection route: {period_words(months.value)} with refugee or humanitarian protection "
        f"permission; apply in {lead_words} of permission; {fee_words} (references 000, 004).",
        code="route",
        rule=months.rule or "",
    )


def lr_current_route(need: date, cutoff: date, months: int, rule: str) -> Reason:
    return Reason(
        f"The current permission was granted on or after {long_date(cutoff)}, so the person "
        f"needs {months} months on their current route first: from {need} ({rule}).",
        code="floor",
        rule=rule,
        dates={"apply_from": need},
    )


def leave_outside_rules_note() -> str:
    return (
        "Leave outside the rules has been counted with DL; the policy says it 'may' count "
        "depending on why it was granted (DL policy: settlement applications)."
    )


#: Said to the adviser next to a fee figure nobody has seen in its instrument or an official
#: fees table (the figure's `verified` is false): never tell it to a client as fact.
FEE_NOT_VERIFIED = "not yet verified: check before telling the client"


def fee_note(
    amount: int, on: date, effective_from: date, source: str, verified: bool = True
) -> str:
    caution = "" if verified else f"{FEE_NOT_VERIFIED}; "
    if amount == 0:
        return f"No fee for this application ({caution}{source})."
    return f"Fee on {on}: £{amount:,} ({caution}in force from {effective_from}; {source})."


def no_fee_waiver_note() -> str:
    return "There is no fee waiver for settlement applications (reference 003)."


SCOPE = (
    "This checks the qualifying period and absences only. It does not check criminality or "
    "character, English, Life in the UK, the relationship, money or the fee."
)


def scope() -> Reason:
    return Reason(SCOPE, code="scope")
