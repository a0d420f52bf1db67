"""Statistics for funders and trustees (issue 22): counts of clients, visits and matters in a
period, by month, issue, OISC category, outcome, nationality, age band, referral source and
centre, with small numbers suppressed.

Pure: the store (desktop.store.statistics) reads the rows and gives each client record an
opaque `person` key (a keyed hash of name and date of birth, or the record's uid), so two
records of one person count once; nothing here sees a name, a date of birth or the key.

    stats = compute(people, visits, matters, start=..., end=..., labels=Labels(...))

What is counted (a row of a breakdown has three counts):
  clients  unique people with a visit in the period or a matter open at some time in it
           (opened on or before the end, not closed before the start);
  visits   visits on a day in the period;
  matters  matters opened in the period. In the "Outcome" breakdown: matters closed in the
           period, by outcome (its clients and visits are those of the matters closed).

Suppression (statistical disclosure control): a count of 1 to 4 is shown "<5" (0 is shown 0).
Then, for each breakdown and each column, secondary suppression: a cell is also withheld
(shown "[c]") while any suppressed count could be worked out from the total and the cells
shown; the smallest shown cells are withheld first and, if that is not enough, the total,
which is then withheld in every breakdown that shows the same total (it is the same number).
"Worked out" is tested exactly (see `_has_two_values`): a reviewer knows a "<5" is 1 to 4, a
"[c]" is 5 or more (the primary ones are shown "<5"), and how each column adds up: additive
breakdowns (each visit in exactly one row) sum to the total; in multi-valued ones (a client
with visits in two months is in both rows) no row exceeds the total and the rows add up to at
least the total. Differencing across two different breakdowns is not covered (as in most
published tables): keep the breakdowns chosen for a funder few.

Free-text values an adviser types (nationality, referral source) are shown only when at least
SMALL clients have them; the others are grouped as "Other (under 5 each)".
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

#: Counts below this (and above 0) are shown as UNDER_FIVE.
SMALL = 5
UNDER_FIVE = f"<{SMALL}"
#: A count withheld so that a small one cannot be worked out (the GSS symbol for "confidential").
WITHHELD = "[c]"
SUPPRESSION_NOTE = (
    f"Cells under {SMALL} suppressed: a count of 1 to {SMALL - 1} is shown {UNDER_FIVE}; "
    f"{WITHHELD} is a count of {SMALL} or more withheld so that a count under {SMALL} cannot be "
    "worked out from the total."
)

AGE_BANDS: tuple[str, ...] = ("Under 18", "18-25", "26-35", "36-50", "51-65", "Over 65", "Unknown")
OTHER_UNDER_FIVE = f"Other (under {SMALL} each)"
NOT_RECORDED = "Not recorded"
NO_MATTER = "No matter recorded"
NOT_IN_LIST = "Other (not in the list)"
OISC_LABELS = {"immigration": "Immigration", "asylum_protection": "Asylum and Protection"}

#: Breakdown keys in the order they are printed, with their titles.
BREAKDOWNS: tuple[tuple[str, str], ...] = (
    ("month", "Month"),
    ("issue", "Issue"),
    ("oisc_category", "OISC category"),
    ("outcome", "Outcome (matters closed in the period)"),
    ("nationality", "Nationality"),
    ("age_band", "Age band (at the end of the period)"),
    ("referral_source", "Referral source"),
    ("centre", "Centre"),
)
COLUMNS = ("clients", "visits", "matters")


# ---- input ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonFacts:
    """One client record. `person` is opaque: records of one person share it."""

    person: str
    date_of_birth: date | None = None
    nationality: str = ""
    referral_source: str = ""


@dataclass(frozen=True)
class VisitFacts:
    person: str
    on: date
    centre: str = ""
    matter: int | None = None


@dataclass(frozen=True)
class MatterFacts:
    id: int
    person: str
    opened: date
    closed: date | None = None
    category: str = ""
    oisc_category: str = ""
    outcome: str | None = None
    centre: str = ""


@dataclass(frozen=True)
class Labels:
    """Words for the keys: the casework data's categories and outcomes (key -> label)."""

    categories: Mapping[str, str] = field(default_factory=dict)
    outcomes: Mapping[str, str] = field(default_factory=dict)


# ---- output ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """A count as published: `value` is None when suppressed; `text` what is shown."""

    value: int | None
    text: str


@dataclass(frozen=True)
class Row:
    label: str
    clients: Count
    visits: Count
    matters: Count

    def cells(self) -> tuple[Count, Count, Count]:
        return (self.clients, self.visits, self.matters)


@dataclass(frozen=True)
class Breakdown:
    key: str
    title: str
    rows: tuple[Row, ...]
    total: Row


@dataclass(frozen=True)
class Statistics:
    start: date
    end: date
    #: Unique clients, visits, matters opened, matters closed: as published.
    summary: tuple[tuple[str, Count], ...]
    breakdowns: tuple[Breakdown, ...]

    def breakdown(self, key: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.key == key)


# ---- age bands ------------------------------------------------------------------------------


def age_on(born: date, on: date) -> int:
    """Whole years from `born` to `on` (a 29 February birthday counts on 1 March)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_band(born: date | None, on: date) -> str:
    """The band of the age on `on`; "Unknown" without a date of birth (or one after `on`)."""
    if born is None or born > on:
        return "Unknown"
    age = age_on(born, on)
    for limit, band in ((18, "Under 18"), (26, "18-25"), (36, "26-35"), (51, "36-50")):
        if age < limit:
            return band
    return "51-65" if age <= 65 else "Over 65"


# ---- suppression ----------------------------------------------------------------------------

#: A stand-in for "no upper bound" (counts are far below it).
_UNBOUNDED = 10**9
#: How far from a suppressed count another possible value is looked for.
_WINDOW = 64


def _domain(value: int, state: str) -> tuple[int, int]:
    """What a reviewer knows of a count from how it is shown."""
    if state == "primary":
        return (1, SMALL - 1)
    if state == "secondary":
        return (SMALL, _UNBOUNDED)
    return (value, value)


def _possible(
    index: int | None,
    candidate: int,
    cells: Sequence[int],
    states: Sequence[str],
    total: int,
    total_state: str,
    additive: bool,
) -> bool:
    """Whether everything shown is consistent with the suppressed count `index` (None: the
    total) being `candidate`: exact for these constraints (interval sums; in the multi-valued
    case the largest possible sum is a concave function of the total, checked at its
    corners)."""
    domains = [_domain(v, s) for v, s in zip(cells, states, strict=True)]
    t_lo, t_hi = _domain(total, total_state)
    if index is None:
        t_lo = t_hi = candidate
    else:
        lo, hi = domains[index]
        if not lo <= candidate <= hi:
            return False
        domains[index] = (candidate, candidate)
    if additive:
        return t_lo <= sum(hi for _lo, hi in domains) and sum(lo for lo, _hi in domains) <= t_hi
    # Multi-valued: every cell <= total <= sum of the cells.
    lowest = max([t_lo, *(lo for lo, _hi in domains)])
    if lowest > t_hi:
        return False
    corners = {lowest, t_hi, *(hi for _lo, hi in domains if lowest <= hi <= t_hi)}
    return any(sum(min(hi, t) for _lo, hi in domains) >= t for t in corners)


def _has_two_values(
    index: int | None,
    cells: Sequence[int],
    states: Sequence[str],
    total: int,
    total_state: str,
    additive: bool,
) -> bool:
    """Whether the suppressed count `index` (None: the total) has a possible value other than
    its own (its own always is): looked for near it, so a "no" may be cautious, never a "yes"."""
    true = total if index is None else cells[index]
    for step in range(1, _WINDOW + 1):
        for candidate in (true - step, true + step):
            if candidate >= 0 and _possible(
                index, candidate, cells, states, total, total_state, additive
            ):
                return True
    return False


def _safe(
    cells: Sequence[int], states: Sequence[str], total: int, total_state: str, additive: bool
) -> bool:
    suppressed: list[int | None] = [i for i, s in enumerate(states) if s != "shown"]
    if total_state != "shown":
        suppressed.append(None)
    return all(_has_two_values(i, cells, states, total, total_state, additive) for i in suppressed)


def primary_state(value: int) -> str:
    return "primary" if 0 < value < SMALL else "shown"


def suppress(
    cells: Sequence[int], total: int, additive: bool, total_state: str | None = None
) -> tuple[list[str], str, bool]:
    """The state of each cell ("shown", "primary": shown "<5", "secondary": shown "[c]") and
    of the total, and whether that is safe with the total as given. Cells are withheld
    smallest first (0s never: a 0 tells nothing about another cell); `total_state` (from
    the other breakdowns) fixes the total's; None: primary if small, else shown. Unsafe (the
    third value False) only when every non-zero cell is withheld and the shown total still
    gives one away: the caller then withholds the total."""
    states = [primary_state(v) for v in cells]
    t_state = total_state if total_state is not None else primary_state(total)
    while not _safe(cells, states, total, t_state, additive):
        open_cells = [i for i, s in enumerate(states) if s == "shown" and cells[i] > 0]
        if not open_cells:
            return states, t_state, False
        smallest = min(open_cells, key=lambda i: (cells[i], i))
        states[smallest] = "secondary"
    return states, t_state, True


def shown(value: int, state: str) -> Count:
    if state == "primary":
        return Count(None, UNDER_FIVE)
    if state == "secondary":
        return Count(None, WITHHELD)
    return Count(value, str(value))


# ---- counting -------------------------------------------------------------------------------


def _in_period(day: date, start: date, end: date) -> bool:
    return start <= day <= end


def _open_during(m: MatterFacts, start: date, end: date) -> bool:
    return m.opened <= end and (m.closed is None or m.closed >= start)


def _months(start: date, end: date) -> list[tuple[int, int]]:
    out, (y, m) = [], (start.year, start.month)
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


_MONTH_NAMES = (
    "January February March April May June July August September October November December"
).split()


def month_label(year: int, month: int) -> str:
    return f"{_MONTH_NAMES[month - 1]} {year}"


def _month_end(year: int, month: int) -> date:
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def _folded(text: str) -> str:
    """A typed value compared: compatibility form, case and spacing ignored."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


@dataclass
class _Table:
    """One breakdown being counted: per label, the set of people and the counts."""

    clients: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    visits: Counter = field(default_factory=Counter)
    matters: Counter = field(default_factory=Counter)
    #: Each column: whether each unit is in exactly one row (the rows add up to the total).
    additive: tuple[bool, bool, bool] = (True, True, True)
    totals: tuple[str, str, str] = ("clients", "visits", "opened")


@dataclass
class _Period:
    start: date
    end: date
    people: dict[str, PersonFacts]
    visits: list[VisitFacts]
    opened: list[MatterFacts]
    closed: list[MatterFacts]
    active: list[MatterFacts]
    clients: set[str]
    matter_by_id: dict[int, MatterFacts]


def _merge_people(records: Iterable[PersonFacts]) -> dict[str, PersonFacts]:
    """One PersonFacts per person: each field from the first record that has it."""
    merged: dict[str, PersonFacts] = {}
    for r in records:
        had = merged.get(r.person)
        if had is None:
            merged[r.person] = r
            continue
        merged[r.person] = PersonFacts(
            r.person,
            had.date_of_birth or r.date_of_birth,
            had.nationality.strip() and had.nationality or r.nationality,
            had.referral_source.strip() and had.referral_source or r.referral_source,
        )
    return merged


def _period(
    people: Iterable[PersonFacts],
    visits: Iterable[VisitFacts],
    matters: Iterable[MatterFacts],
    start: date,
    end: date,
) -> _Period:
    all_matters = list(matters)
    in_visits = [v for v in visits if _in_period(v.on, start, end)]
    active = [m for m in all_matters if _open_during(m, start, end)]
    clients = {v.person for v in in_visits} | {m.person for m in active}
    merged = _merge_people(people)
    for person in clients - merged.keys():  # a visit whose client record was not given
        merged[person] = PersonFacts(person)
    return _Period(
        start,
        end,
        merged,
        in_visits,
        [m for m in all_matters if _in_period(m.opened, start, end)],
        [m for m in all_matters if m.closed is not None and _in_period(m.closed, start, end)],
        active,
        clients,
        {m.id: m for m in all_matters},
    )


def _by_person_attribute(p: _Period, value_of: Callable[[PersonFacts], str]) -> _Table:
    table = _Table()
    values = {person: value_of(facts) for person, facts in p.people.items()}
    for person in p.clients:
        table.clients[values[person]].add(person)
    for v in p.visits:
        table.visits[values[v.person]] += 1
    for m in p.opened:
        table.matters[values[m.person]] += 1
    return table


def _by_matter_attribute(p: _Period, value_of: Callable[[MatterFacts], str]) -> _Table:
    table = _Table(additive=(False, True, True))
    for m in p.active:
        table.clients[value_of(m)].add(m.person)
    for v in p.visits:
        matter = p.matter_by_id.get(v.matter) if v.matter is not None else None
        label = value_of(matter) if matter is not None else NO_MATTER
        table.visits[label] += 1
        table.clients[label].add(v.person)
    for m in p.opened:
        table.matters[value_of(m)] += 1
    return table


def _by_month(p: _Period) -> _Table:
    table = _Table(additive=(False, True, True))
    for y, mo in _months(p.start, p.end):
        label = month_label(y, mo)
        first, last = max(date(y, mo, 1), p.start), min(_month_end(y, mo), p.end)
        table.visits[label] += 0
        table.matters[label] += 0
        table.clients[label] |= {v.person for v in p.visits if first <= v.on <= last}
        table.clients[label] |= {m.person for m in p.active if _open_during(m, first, last)}
    for v in p.visits:
        table.visits[month_label(v.on.year, v.on.month)] += 1
    for m in p.opened:
        table.matters[month_label(m.opened.year, m.opened.month)] += 1
    return table


def _by_outcome(p: _Period, labels: Labels) -> _Table:
    table = _Table(
        additive=(False, True, True), totals=("closed_clients", "closed_visits", "closed")
    )
    closed_ids = {m.id: m for m in p.closed}
    for m in p.closed:
        label = _outcome_label(m.outcome, labels)
        table.clients[label].add(m.person)
        table.matters[label] += 1
    for v in p.visits:
        if v.matter in closed_ids:
            table.visits[_outcome_label(closed_ids[v.matter].outcome, labels)] += 1
    return table


def _outcome_label(key: str | None, labels: Labels) -> str:
    if not key:
        return NOT_RECORDED
    return labels.outcomes.get(key, NOT_IN_LIST)


def _category_label(key: str, labels: Labels) -> str:
    if not key:
        return NOT_RECORDED
    return labels.categories.get(key, NOT_IN_LIST)


def _oisc_label(key: str) -> str:
    return OISC_LABELS.get(key, NOT_RECORDED if not key else NOT_IN_LIST)


def _centre_table(p: _Period) -> _Table:
    """Visits by visits.centre, matters by matters.centre; a client by the centres of their
    visits in the period (with none, of their open matters)."""
    table = _Table(additive=(False, True, True))

    def name(text: str) -> str:
        return " ".join(text.split()) or NOT_RECORDED

    visited = set()
    for v in p.visits:
        table.visits[name(v.centre)] += 1
        table.clients[name(v.centre)].add(v.person)
        visited.add(v.person)
    for m in p.active:
        if m.person not in visited:
            table.clients[name(m.centre)].add(m.person)
    for m in p.opened:
        table.matters[name(m.centre)] += 1
    return table


def _typed_values(p: _Period, attribute: str) -> Callable[[PersonFacts], str]:
    """A typed attribute's value as shown: its most common spelling among the clients, and
    only when at least SMALL clients have it (else OTHER_UNDER_FIVE)."""
    spellings: dict[str, Counter] = defaultdict(Counter)
    people: dict[str, set[str]] = defaultdict(set)
    for person in p.clients:
        raw = " ".join(getattr(p.people[person], attribute).split())
        key = _folded(raw)
        spellings[key][raw] += 1
        people[key].add(person)

    def value_of(facts: PersonFacts) -> str:
        raw = " ".join(getattr(facts, attribute).split())
        key = _folded(raw)
        if not key:
            return NOT_RECORDED
        if len(people.get(key, ())) < SMALL:
            return OTHER_UNDER_FIVE
        return min(spellings[key].items(), key=lambda kv: (-kv[1], kv[0]))[0]

    return value_of


def _order(table: _Table, key: str) -> list[str]:
    labels = set(table.clients) | set(table.visits) | set(table.matters)
    if key == "month":
        return list(table.visits)  # in month order, every month of the period
    if key == "age_band":
        return list(AGE_BANDS)  # every band, 0 where none
    last = (OTHER_UNDER_FIVE, NOT_IN_LIST, NO_MATTER, NOT_RECORDED)
    return sorted(labels, key=lambda s: (s in last, last.index(s) if s in last else 0, s))


def _tables(p: _Period, labels: Labels) -> dict[str, _Table]:
    return {
        "month": _by_month(p),
        "issue": _by_matter_attribute(p, lambda m: _category_label(m.category, labels)),
        "oisc_category": _by_matter_attribute(p, lambda m: _oisc_label(m.oisc_category)),
        "outcome": _by_outcome(p, labels),
        "nationality": _by_person_attribute(p, _typed_values(p, "nationality")),
        "age_band": _by_person_attribute(p, lambda f: age_band(f.date_of_birth, p.end)),
        "referral_source": _by_person_attribute(p, _typed_values(p, "referral_source")),
        "centre": _centre_table(p),
    }


def compute(
    people: Iterable[PersonFacts],
    visits: Iterable[VisitFacts],
    matters: Iterable[MatterFacts],
    start: date,
    end: date,
    labels: Labels | None = None,
) -> Statistics:
    """The published statistics for the period [start, end] (both days included)."""
    if start > end:
        raise ValueError("the period's start is after its end")
    labels = labels or Labels()
    p = _period(people, visits, matters, start, end)
    closed_ids = {m.id for m in p.closed}
    totals = {
        "clients": len(p.clients),
        "visits": len(p.visits),
        "opened": len(p.opened),
        "closed": len(p.closed),
        "closed_clients": len({m.person for m in p.closed}),
        "closed_visits": sum(1 for v in p.visits if v.matter in closed_ids),
    }
    tables = _tables(p, labels)
    orders = {key: _order(table, key) for key, table in tables.items()}
    columns = {
        key: [
            [len(t.clients.get(label, ())) for label in orders[key]],
            [t.visits.get(label, 0) for label in orders[key]],
            [t.matters.get(label, 0) for label in orders[key]],
        ]
        for key, t in tables.items()
    }
    total_states = _total_states(tables, columns, totals)
    breakdowns = []
    for key, title in BREAKDOWNS:
        t = tables[key]
        states_by_column, total_row = [], []
        for c in range(3):
            total = totals[t.totals[c]]
            states, t_state, _ok = suppress(
                columns[key][c], total, t.additive[c], total_states[t.totals[c]]
            )
            states_by_column.append(states)
            total_row.append(shown(total, t_state))
        rows = tuple(
            Row(
                label,
                *(shown(columns[key][c][i], states_by_column[c][i]) for c in range(3)),
            )
            for i, label in enumerate(orders[key])
        )
        breakdowns.append(Breakdown(key, title, rows, Row("Total", *total_row)))
    summary = tuple(
        (words, shown(totals[name], total_states.get(name, primary_state(totals[name]))))
        for name, words in (
            ("clients", "Clients (unique)"),
            ("visits", "Visits"),
            ("opened", "Matters opened"),
            ("closed", "Matters closed"),
        )
    )
    return Statistics(start, end, summary, tuple(breakdowns))


def _total_states(
    tables: Mapping[str, _Table], columns: Mapping[str, list[list[int]]], totals: Mapping[str, int]
) -> dict[str, str]:
    """How each total is shown, the same in every breakdown: small ones "<5"; one that a
    breakdown cannot protect even with every cell withheld is withheld everywhere."""
    states = {name: primary_state(value) for name, value in totals.items()}
    changed = True
    while changed:
        changed = False
        for key, t in tables.items():
            for c in range(3):
                name = t.totals[c]
                _s, _t, ok = suppress(columns[key][c], totals[name], t.additive[c], states[name])
                if not ok and states[name] == "shown":
                    states[name] = "secondary"
                    changed = True
    return states


def labels_from(data: object) -> Labels:
    """Labels from desktop.rules.casework.CaseworkData (its categories and outcomes, each
    with a `label`), read by desktop.assess.load_casework()."""
    categories = getattr(data, "categories", {}) or {}
    outcomes = getattr(data, "outcomes", {}) or {}
    return Labels(
        {key: str(getattr(c, "label", key)) for key, c in categories.items()},
        {key: str(getattr(o, "label", key)) for key, o in outcomes.items()},
    )
