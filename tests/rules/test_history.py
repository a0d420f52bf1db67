"""The history JSON: strict parsing, clear errors naming record and field, round trip."""

import copy
import re
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.rules.history import (
    APPEAL_OUTCOMES,
    APPLICATION_FIELDS,
    APPLICATION_KINDS,
    APPLICATION_OUTCOMES,
    DATE_RANGE_TEXT,
    FEE_WAIVER_OUTCOMES,
    INDEFINITE_CATEGORIES,
    PERMISSION_CATEGORIES,
    ROUTES,
    Absence,
    Application,
    Custody,
    History,
    HistoryError,
    Permission,
    Person,
    Question,
    history_to_dict,
    parse_history,
    validate_history,
)

GOOD = {
    "format": "dropin-desk.history/1",
    "person": {"name": "optional", "date_of_birth": "1990-05-01"},
    "permissions": [
        {
            "category": "student",
            "from": "2014-09-01",
            "to": "2016-08-31",
            "granted_on": "2014-08-20",
        }
    ],
    "applications": [
        {
            "kind": "extension",
            "made": "2016-08-20",
            "decided": "2016-12-01",
            "outcome": "granted",
            "late_reason_accepted": None,
            "fee_waiver_requested": None,
            "fee_waiver_decided": None,
            "fee_waiver_outcome": None,
            "appeal_lodged": None,
            "appeal_decided": None,
            "appeal_outcome": None,
            "appeal_by": None,
        }
    ],
    "absences": [
        {
            "left": "2020-01-10",
            "returned": "2020-02-01",
            "reason": "visit family",
            "exceptional": False,
            "planned": False,
        }
    ],
    "custody": [{"from": "2016-01-01", "to": "2016-12-31"}],
    "question": {"route": "long_residence", "application_date": "2024-09-01"},
}


def broken(path, value):
    data = copy.deepcopy(GOOD)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


def error_of(data) -> HistoryError:
    with pytest.raises(HistoryError) as info:
        parse_history(data)
    return info.value


def test_issue_example_parses():
    h = parse_history(GOOD)
    assert h.permissions[0] == Permission(
        "student", date(2014, 9, 1), date(2016, 8, 31), date(2014, 8, 20)
    )
    assert h.absences[0].returned == date(2020, 2, 1)
    assert h.custody[0] == Custody(date(2016, 1, 1), date(2016, 12, 31))
    assert h.question == Question("long_residence", date(2024, 9, 1))


def test_returned_before_left_names_record_and_field():
    e = error_of(broken(["absences", 0, "returned"], "2020-01-01"))
    assert (e.record, e.field) == ("absences[0]", "returned")
    assert str(e) == (
        "absences[0].returned: the return date 2020-01-01 is before the departure date 2020-01-10"
    )


def test_unknown_category_is_an_error():
    e = error_of(broken(["permissions", 0, "category"], "tourist"))
    assert (e.record, e.field) == ("permissions[0]", "category")
    assert "tourist" in str(e)


def test_malformed_and_impossible_dates():
    assert error_of(broken(["absences", 0, "left"], "10/01/2020")).field == "left"
    assert "real calendar date" in str(error_of(broken(["absences", 0, "left"], "2019-02-29")))
    assert error_of(broken(["absences", 0, "left"], 20200110)).field == "left"


@pytest.mark.parametrize("value", ["2020-01-10\n", "\u0662\u0660\u0662\u0660-01-10", "2020-W02-5"])
def test_dates_must_be_exactly_yyyy_mm_dd_in_ascii_digits(value):
    e = error_of(broken(["absences", 0, "left"], value))
    assert (e.record, e.field) == ("absences[0]", "left")
    assert str(e).endswith("is not a date in the form YYYY-MM-DD")


def test_missing_fields():
    assert error_of(broken(["absences", 0, "left"], KeyError)).field == "left"
    assert error_of(broken(["permissions", 0, "to"], KeyError)).field == "to"
    assert error_of(broken(["permissions", 0, "category"], KeyError)).field == "category"


def test_indefinite_permission_has_no_end_and_limited_needs_one():
    data = broken(["permissions", 0], {"category": "ilr", "from": "2020-01-01", "to": "2021-01-01"})
    assert error_of(data).field == "to"
    ok = broken(["permissions", 0], {"category": "ilr", "from": "2020-01-01", "to": None})
    assert parse_history(ok).permissions[0].end is None


def test_overlapping_absences_are_an_error():
    data = copy.deepcopy(GOOD)
    data["absences"].append({"left": "2020-01-20", "returned": "2020-02-10"})
    e = error_of(data)
    assert (e.record, e.field) == ("absences[1]", "left")
    assert "overlaps absences[0]" in str(e)


def test_same_day_connection_between_trips_is_allowed():
    data = copy.deepcopy(GOOD)
    data["absences"].append({"left": "2020-02-01", "returned": "2020-02-10"})
    assert len(parse_history(data).absences) == 2


def test_overlapping_permissions_but_ilr_may_replace_limited_leave():
    data = copy.deepcopy(GOOD)
    data["permissions"].append({"category": "student", "from": "2016-08-01", "to": "2017-08-31"})
    assert error_of(data).record == "permissions[1]"
    data["permissions"][1] = {"category": "ilr", "from": "2016-08-01", "to": None}
    assert parse_history(data).permissions[1].category == "ilr"


def test_unknown_keys_and_wrong_format_are_errors():
    assert error_of(broken(["colour"], "blue")).field == "colour"
    assert error_of(broken(["format"], "dropin-desk.history/2")).field == "format"
    assert error_of(broken(["absences", 0, "colour"], "blue")).record == "absences[0]"


def test_unknown_route_in_question():
    e = error_of(broken(["question", "route"], "citizenship"))
    assert (e.record, e.field) == ("question", "route")


def test_person_and_question_are_optional():
    data = copy.deepcopy(GOOD)
    del data["person"], data["question"]
    h = parse_history(data)
    assert h.person == Person() and h.question is None


def test_future_trip_must_be_marked_planned_when_today_is_given():
    h = parse_history(GOOD)
    assert validate_history(h, today=date(2021, 1, 1)) == []
    problems = validate_history(h, today=date(2020, 1, 20))
    assert problems and problems[0].record == "absences[0]"
    planned = History(absences=(Absence(date(2020, 1, 10), date(2020, 2, 1), planned=True),))
    assert validate_history(planned, today=date(2020, 1, 1)) == []


def test_vocabularies_cover_the_issue():
    for code in ("visitor", "ukraine_scheme", "mvdac", "euss_settled", "temporary_admission"):
        assert code in PERMISSION_CATEGORIES
    assert INDEFINITE_CATEGORIES == {"ilr", "euss_settled", "british_citizen"}
    assert len(ROUTES) == 9
    assert "fee_waiver_only" in APPLICATION_KINDS and "void" in APPLICATION_OUTCOMES
    assert "human_rights" in APPLICATION_KINDS
    assert "partial" in FEE_WAIVER_OUTCOMES and "dismissed" in APPEAL_OUTCOMES


def test_canonical_dict_has_every_field():
    out = history_to_dict(parse_history(GOOD))
    # Every application field is written, the remedy and review fields of issue 16 included.
    assert set(out["applications"][0]) == set(APPLICATION_FIELDS) >= set(GOOD["applications"][0])
    assert out["status_checks"] == []
    assert out["permissions"][0]["conditions"] == []
    assert out["format"] == "dropin-desk.history/1"


# ---- round 2: application kinds, "pending", date range, long values ---------------------------


@pytest.mark.parametrize("kind", ["human_rights", "mvdac", "change_of_conditions"])
def test_new_application_kinds_parse_and_round_trip(kind):
    h = parse_history(broken(["applications", 0, "kind"], kind))
    assert h.applications[0].kind == kind
    assert history_to_dict(h)["applications"][0]["kind"] == kind
    assert parse_history(history_to_dict(h)) == h


def test_human_rights_kind_label_names_the_forms():
    assert APPLICATION_KINDS["human_rights"] == (
        "Human rights application (FLR(FP), FLR(HRO), FLR(DL))"
    )


@pytest.mark.parametrize("fld", ["outcome", "fee_waiver_outcome", "appeal_outcome"])
def test_pending_outcome_is_read_as_undecided(fld):
    data = broken(["applications", 0, fld], "pending")
    h = parse_history(data)
    assert getattr(h.applications[0], fld) is None
    out = history_to_dict(h)
    assert out["applications"][0][fld] is None  # written back as null
    assert parse_history(out) == h
    assert "pending" not in APPLICATION_OUTCOMES  # never stored, never offered as a choice


def test_unknown_outcome_error_lists_pending_first():
    e = error_of(broken(["applications", 0, "outcome"], "maybe"))
    assert (e.record, e.field) == ("applications[0]", "outcome")
    assert str(e) == (
        "applications[0].outcome: unknown outcome 'maybe'; expected one of pending, granted, "
        "refused, withdrawn, rejected, void"
    )


DATE_FIELDS = [
    (["permissions", 0, "from"], "permissions[0]", "from"),
    (["permissions", 0, "to"], "permissions[0]", "to"),
    (["permissions", 0, "granted_on"], "permissions[0]", "granted_on"),
    (["applications", 0, "made"], "applications[0]", "made"),
    (["applications", 0, "decided"], "applications[0]", "decided"),
    (["applications", 0, "fee_waiver_requested"], "applications[0]", "fee_waiver_requested"),
    (["applications", 0, "fee_waiver_decided"], "applications[0]", "fee_waiver_decided"),
    (["applications", 0, "appeal_lodged"], "applications[0]", "appeal_lodged"),
    (["applications", 0, "appeal_decided"], "applications[0]", "appeal_decided"),
    (["applications", 0, "appeal_by"], "applications[0]", "appeal_by"),
    (["absences", 0, "left"], "absences[0]", "left"),
    (["absences", 0, "returned"], "absences[0]", "returned"),
    (["custody", 0, "from"], "custody[0]", "from"),
    (["custody", 0, "to"], "custody[0]", "to"),
    (["person", "date_of_birth"], "person", "date_of_birth"),
    (["question", "application_date"], "question", "application_date"),
]


@pytest.mark.parametrize("path, record, fld", DATE_FIELDS)
@pytest.mark.parametrize("value", ["1899-12-31", "0001-01-01", "2101-01-01", "9999-12-31"])
def test_date_before_1900_is_refused_naming_the_field(path, record, fld, value):
    e = error_of(broken(path, value))
    assert (e.record, e.field) == (record, fld)
    assert str(e) == f"{record}.{fld}: the date {value} is outside the years 1900 to 2100"


def test_first_and_last_dates_of_the_range_are_accepted():
    data = broken(["person", "date_of_birth"], "1900-01-01")
    data["question"]["application_date"] = "2100-12-31"
    h = parse_history(data)
    assert h.person.date_of_birth == date(1900, 1, 1)
    assert h.question.application_date == date(2100, 12, 31)


MEGABYTE = "x" * 1_000_000


@pytest.mark.parametrize(
    "path, value",
    [
        (["permissions", 0, "category"], MEGABYTE),
        (["applications", 0, "kind"], MEGABYTE),
        (["applications", 0, "outcome"], MEGABYTE),
        (["applications", 0, "appeal_outcome"], MEGABYTE),
        (["question", "route"], MEGABYTE),
        (["absences", 0, "left"], MEGABYTE),
        (["absences", 0, "exceptional"], MEGABYTE),
        (["format"], MEGABYTE),
        ([MEGABYTE], "an unknown key"),
        (["absences", 0, MEGABYTE], "an unknown key in a record"),
        (["absences", 0, "left"], int("9" * 4000)),
    ],
)
def test_megabyte_string_is_echoed_at_most_80_characters(path, value):
    message = str(error_of(broken(path, value)))
    assert "\n" not in message
    assert len(message) < 600  # the clipped value plus, at most, the list of known codes
    longest = max((len(run) for run in re.findall(r"x+|9+", message)), default=0)
    assert longest <= 80


def test_unknown_key_is_quoted_so_the_message_stays_one_line():
    e = error_of(broken(["colour\nred"], "blue"))
    assert "\n" not in str(e)
    assert str(e).startswith("unknown field 'colour\\nred'; expected one of format, person")


# ---- round trip property ----------------------------------------------------------------------

days = st.integers(0, 12000).map(lambda n: date(1995, 1, 1) + timedelta(days=n))
opt_days = st.none() | days
text = st.none() | st.text(max_size=20)


@st.composite
def histories(draw):
    perms = []
    cursor = date(1995, 1, 1) + timedelta(days=draw(st.integers(0, 100)))
    limited = sorted(set(PERMISSION_CATEGORIES) - INDEFINITE_CATEGORIES)
    for _ in range(draw(st.integers(0, 5))):
        length = draw(st.integers(0, 900))
        end = cursor + timedelta(days=length)
        granted = draw(st.none() | st.just(cursor - timedelta(days=draw(st.integers(0, 30)))))
        conds = tuple(
            draw(st.lists(st.sampled_from(["no_recourse_to_public_funds", "no_work"]), max_size=2))
        )
        perms.append(Permission(draw(st.sampled_from(limited)), cursor, end, granted, conds))
        cursor = end + timedelta(days=draw(st.integers(1, 60)))
    if draw(st.booleans()):
        perms.append(Permission(draw(st.sampled_from(sorted(INDEFINITE_CATEGORIES))), cursor, None))
    absences = []
    cursor = date(1995, 1, 1)
    for _ in range(draw(st.integers(0, 6))):
        left = cursor + timedelta(days=draw(st.integers(0, 300)))
        returned = left + timedelta(days=draw(st.integers(0, 200)))
        absences.append(
            Absence(left, returned, draw(text), draw(st.booleans()), draw(st.booleans()))
        )
        cursor = returned
    apps = []
    for _ in range(draw(st.integers(0, 3))):
        made = draw(days)
        decided = made + timedelta(days=draw(st.integers(0, 400)))
        outcome = draw(st.none() | st.sampled_from(sorted(APPLICATION_OUTCOMES)))
        appeal_by = None
        if outcome == "refused" and draw(st.booleans()):
            appeal_by = decided + timedelta(days=draw(st.integers(0, 60)))
        apps.append(
            Application(
                draw(st.sampled_from(sorted(APPLICATION_KINDS))),
                made,
                decided,
                outcome,
                draw(st.none() | st.booleans()),
                appeal_by=appeal_by,
            )
        )
    custody = []
    cursor = date(1995, 1, 1)
    for _ in range(draw(st.integers(0, 2))):
        start = cursor + timedelta(days=draw(st.integers(0, 900)))
        end = start + timedelta(days=draw(st.integers(0, 400)))
        custody.append(Custody(start, end))
        cursor = end + timedelta(days=1)
    question = draw(st.none() | st.builds(Question, st.sampled_from(sorted(ROUTES)), opt_days))
    person = Person(draw(text), draw(opt_days))
    return History(person, tuple(perms), tuple(apps), tuple(absences), tuple(custody), question)


@settings(max_examples=150, deadline=None)
@given(histories())
def test_parse_history_of_history_to_dict_round_trips(h):
    assert validate_history(h) == []
    assert parse_history(history_to_dict(h)) == h


# ---- the appeal deadline a refusal letter gives (appeal_by) ------------------------------------


def refused(**changes):
    app = {
        "kind": "extension",
        "made": "2016-08-20",
        "decided": "2016-12-01",
        "outcome": "refused",
        "appeal_by": "2016-12-29",
    }
    app.update(changes)
    return broken(["applications", 0], app)


def test_appeal_by_parses_and_round_trips():
    h = parse_history(refused())
    assert h.applications[0].appeal_by == date(2016, 12, 29)
    out = history_to_dict(h)
    assert out["applications"][0]["appeal_by"] == "2016-12-29"
    assert parse_history(out) == h
    # Absent and null both mean "the usual 14 days".
    assert parse_history(refused(appeal_by=None)).applications[0].appeal_by is None
    absent = refused()
    del absent["applications"][0]["appeal_by"]
    assert parse_history(absent).applications[0].appeal_by is None


def test_appeal_by_may_be_the_decision_day_but_not_before_it():
    assert parse_history(refused(appeal_by="2016-12-01")).applications[0].appeal_by == date(
        2016, 12, 1
    )
    e = error_of(refused(appeal_by="2016-11-30"))
    assert (e.record, e.field) == ("applications[0]", "appeal_by")
    assert str(e) == (
        "applications[0].appeal_by: the appeal deadline 2016-11-30 is before the decision date "
        "2016-12-01"
    )


@pytest.mark.parametrize("outcome", ["granted", "withdrawn", "rejected", "void", None, "pending"])
def test_appeal_by_is_only_for_refused_applications(outcome):
    e = error_of(refused(outcome=outcome))
    assert (e.record, e.field) == ("applications[0]", "appeal_by")
    assert str(e) == (
        "applications[0].appeal_by: the appeal deadline is only for refused applications; set "
        "the outcome to refused, or leave the appeal deadline empty"
    )


def test_appeal_by_is_a_keyword_field_after_the_appeal_outcome():
    # Positional construction (kind, made, decided, outcome, ..., appeal_outcome) is unchanged.
    a = Application("asylum", date(2024, 5, 2), date(2026, 10, 30), "refused")
    assert a.appeal_by is None
    assert validate_history(History(applications=(a,))) == []
    with_deadline = Application(
        "asylum", date(2024, 5, 2), date(2026, 10, 30), "refused", appeal_by=date(2026, 11, 16)
    )
    assert validate_history(History(applications=(with_deadline,))) == []


# ---- validate_history holds built histories to the parser's date range -------------------------

OUT_OF_RANGE = [date(201, 5, 1), date(1899, 12, 31), date(2101, 1, 1), date(9999, 12, 31)]
OK_PERMISSION = Permission("student", date(2014, 9, 1), date(2016, 8, 31), date(2014, 8, 20))
OK_APPLICATION = Application(
    "extension",
    date(2016, 8, 20),
    date(2016, 12, 1),
    "refused",
    fee_waiver_requested=date(2016, 8, 1),
    fee_waiver_decided=date(2016, 8, 10),
    appeal_lodged=date(2016, 12, 10),
    appeal_decided=date(2017, 3, 1),
    appeal_by=date(2016, 12, 20),
)


def _with(record: str, attr: str, value: date) -> History:
    """A valid history with one date replaced by `value`, built in code (no parsing)."""
    h = History(
        person=Person("Test", date(1990, 5, 1)),
        permissions=(OK_PERMISSION,),
        applications=(OK_APPLICATION,),
        absences=(Absence(date(2020, 1, 10), date(2020, 2, 1)),),
        custody=(Custody(date(2016, 1, 1), date(2016, 12, 31)),),
        question=Question("long_residence", date(2024, 9, 1)),
    )
    if record == "person":
        return replace(h, person=replace(h.person, **{attr: value}))
    if record == "question":
        return replace(h, question=replace(h.question, **{attr: value}))
    coll = record.split("[")[0]
    first = replace(getattr(h, coll)[0], **{attr: value})
    return replace(h, **{coll: (first,)})


#: (record, JSON field, dataclass attribute) for every date of every record.
BUILT_DATE_FIELDS = [
    ("person", "date_of_birth", "date_of_birth"),
    ("permissions[0]", "from", "start"),
    ("permissions[0]", "to", "end"),
    ("permissions[0]", "granted_on", "granted_on"),
    ("applications[0]", "made", "made"),
    ("applications[0]", "decided", "decided"),
    ("applications[0]", "fee_waiver_requested", "fee_waiver_requested"),
    ("applications[0]", "fee_waiver_decided", "fee_waiver_decided"),
    ("applications[0]", "appeal_lodged", "appeal_lodged"),
    ("applications[0]", "appeal_decided", "appeal_decided"),
    ("applications[0]", "appeal_by", "appeal_by"),
    ("absences[0]", "left", "left"),
    ("absences[0]", "returned", "returned"),
    ("custody[0]", "from", "start"),
    ("custody[0]", "to", "end"),
    ("question", "application_date", "application_date"),
]


def test_the_built_history_is_valid_to_start_with():
    h = _with("person", "date_of_birth", date(1990, 5, 1))
    assert validate_history(h, today=date(2024, 6, 1)) == []
    assert parse_history(history_to_dict(h)) == h


@pytest.mark.parametrize("record, fld, attr", BUILT_DATE_FIELDS)
@pytest.mark.parametrize("value", OUT_OF_RANGE, ids=str)
def test_validate_history_refuses_dates_outside_1900_to_2100(record, fld, attr, value):
    problems = validate_history(_with(record, attr, value), today=date(2024, 6, 1))
    expected = HistoryError(
        f"{record}.{fld}: the date {value.isoformat()} is outside the years 1900 to 2100",
        record=record,
        field=fld,
    )
    assert expected in problems
    # The same words as the JSON parser's, from the same constant.
    assert str(expected).endswith(f"the date {value.isoformat()} is {DATE_RANGE_TEXT}")


@pytest.mark.parametrize("record, fld, attr", BUILT_DATE_FIELDS)
def test_validate_history_accepts_the_first_and_last_days_of_the_range(record, fld, attr):
    for value in (date(1900, 1, 1), date(2100, 12, 31)):
        problems = validate_history(_with(record, attr, value))
        assert not [p for p in problems if DATE_RANGE_TEXT in p.message], (record, fld, value)


def test_validate_history_range_message_matches_the_parser():
    built = validate_history(_with("absences[0]", "returned", date(2101, 1, 1)))
    parsed = error_of(broken(["absences", 0, "returned"], "2101-01-01"))
    assert parsed in built
