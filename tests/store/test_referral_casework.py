"""Casework in the referral file (issue 22 on issue 20's record): every casework column travels,
links between records travel as places in the record (never local ids) and are re-made on
receive, hostile links are refused by path, older files open, the statistics key never goes,
and the merge matches casework records by what they are."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import func, select, update

from desktop.store import repository
from desktop.store.database import Store, head_revision
from desktop.store.models import (
    AccessRequestRow,
    ApplicationRow,
    Client,
    ComplaintRow,
    ConsentRow,
    LetterRow,
    MatterRow,
    PermissionRow,
    RetentionDecisionRow,
    VisitRow,
)
from desktop.store.referral_record import (
    CASEWORK,
    DETAILS,
    RecordProblem,
    add_as_new,
    apply_merge,
    client_record,
    merge_plan,
    read_record,
)
from tests.store.conftest import CHEAP_KDF, PASSPHRASE
from tests.store.test_referral_record import ADVISER, TODAY, D, rich_client

SECRET = "Zanele Secretname"
STATS_KEY = "5eed" * 16  # 32 bytes as hex, as desktop.store.casework makes it
SECTIONS = (
    "matters",
    "visits",
    "letters",
    "complaints",
    "consents",
    "access_requests",
    "retention_decisions",
)
MODELS = {
    "matters": MatterRow,
    "visits": VisitRow,
    "letters": LetterRow,
    "complaints": ComplaintRow,
    "consents": ConsentRow,
    "access_requests": AccessRequestRow,
    "retention_decisions": RetentionDecisionRow,
}
LINKS = {
    "matters": {"application", "permission"},
    "visits": {"matter"},
    "letters": {"matter"},
    "complaints": {"matter"},
}


def add_casework(store: Store, cid: int) -> None:
    """A value in every casework column of the client, with links of every kind. The matter
    opened later is written first, so the ids here are not the places in the record."""
    with store.session() as s:
        s.get(Client, cid).referral_source = "community_group"
        initial = s.scalar(
            select(ApplicationRow.id).where(
                ApplicationRow.client_id == cid, ApplicationRow.kind == "initial"
            )
        )
        worker = s.scalar(
            select(PermissionRow.id).where(
                PermissionRow.client_id == cid, PermissionRow.category == "skilled_worker"
            )
        )
        appeal = MatterRow(
            client_id=cid,
            title="",
            category="appeal",
            oisc_category="asylum_protection",
            adviser="Adviser B",
            opened=D(2026, 3, 1),
        )
        s.add(appeal)
        s.flush()
        partner = MatterRow(
            client_id=cid,
            title="Partner extension",
            category="partner",
            oisc_category="immigration",
            needed_level=2,
            adviser=ADVISER,
            adviser_level=1,
            centre="Riverside Drop-in",
            opened=D(2026, 1, 10),
            closed=D(2026, 11, 20),
            outcome="limited_leave_granted",
            decision_on=D(2026, 11, 2),
            outcome_told_on=D(2026, 11, 4),
            client_care_agreed_on=D(2026, 1, 10),
            client_care_how="signed",
            application_id=initial,
            permission_id=worker,
            notes="FICTIONAL matter notes",
        )
        s.add(partner)
        s.flush()
        s.add_all(
            [
                VisitRow(
                    client_id=cid,
                    matter_id=appeal.id,
                    on=D(2026, 3, 1),
                    adviser="Adviser B",
                    how="phone",
                    minutes=25,
                    asked="Can I appeal?",
                    advice="Referred to a Level 3 adviser.",
                    next_steps="Bring the refusal letter.",
                    info_given="Leaflet on appeals",
                    info_source="GOV.UK",
                    centre="Riverside Drop-in",
                ),
                VisitRow(client_id=cid, on=D(2026, 1, 10), adviser=ADVISER, how="in_person"),
                LetterRow(
                    client_id=cid,
                    matter_id=partner.id,
                    kind="client_care",
                    on=D(2026, 1, 12),
                    adviser=ADVISER,
                    language="ar",
                    large_print=True,
                    fields=json.dumps({"work_agreed": "Partner extension", "costs": "None"}),
                ),
                LetterRow(
                    client_id=cid,
                    matter_id=appeal.id,
                    kind="referral",
                    on=D(2026, 3, 2),
                    adviser="Adviser B",
                ),
                ComplaintRow(
                    client_id=cid,
                    matter_id=partner.id,
                    received_on=D(2026, 6, 1),
                    summary="Waited too long.",
                    adviser="Manager M",
                    acknowledged_on=D(2026, 6, 3),
                    outcome="Apology given.",
                    outcome_on=D(2026, 6, 20),
                ),
                ConsentRow(
                    client_id=cid,
                    scope="records",
                    given_on=D(2026, 1, 10),
                    how="signed",
                    period_months=12,
                    withdrawn_on=D(2026, 12, 1),
                    adviser=ADVISER,
                    note="Form in the file",
                ),
                AccessRequestRow(
                    client_id=cid,
                    asked_on=D(2026, 10, 1),
                    extended=True,
                    answered_on=D(2026, 11, 28),
                    adviser=ADVISER,
                    note="Copy posted",
                ),
                RetentionDecisionRow(
                    client_id=cid,
                    decided_on=D(2026, 12, 1),
                    reason="Appeal pending at another centre",
                    review_on=D(2027, 12, 1),
                    adviser="Manager M",
                ),
            ]
        )
        repository.set_setting(s, "stats_client_key", STATS_KEY)


@pytest.fixture
def rich(store):
    cid = rich_client(store)
    add_casework(store, cid)
    return cid


@pytest.fixture
def other_store(tmp_path):
    s = Store.create(tmp_path / "other", PASSPHRASE, CHEAP_KDF)
    yield s
    s.close()


def _record_of(store, cid):
    with store.session() as s:
        return client_record(s, cid, TODAY)


def _json(obj):
    return json.loads(json.dumps(obj, ensure_ascii=False))


def _columns(model):
    """The columns a record carries (worked out here, not from the module): all but the local
    ids, the foreign keys and the sharing uid."""
    return {
        c.name
        for c in model.__table__.columns
        if not c.foreign_keys and c.name not in ("id", "uid")
    }


# ---- point 1 and 2: every column, links as places ----------------------------------------------


def test_the_fixture_fills_every_casework_column_and_link(store, rich):
    record = _record_of(store, rich)
    assert record["details"]["referral_source"] == "community_group"
    assert "referral_source" in {f.name for f in DETAILS}
    for name in SECTIONS:
        assert {f.name for f in CASEWORK[name]} == _columns(MODELS[name]), name
        links = LINKS.get(name, set())
        seen = {
            key
            for row in record[name]
            for key, value in row.items()
            if key not in links and value not in (None, "", False, 0, "{}")
        }
        assert seen == _columns(MODELS[name]), name
        # A link's place may be 0: held when not None.
        held = {key for row in record[name] for key in links if row[key] is not None}
        assert held == links, name


def test_links_travel_as_places_in_the_record_never_ids(store, rich):
    record = _record_of(store, rich)
    for name in SECTIONS:
        for row in record[name]:
            assert not any(k.endswith("_id") for k in row), name
            assert "uid" not in row
    matters = record["matters"]
    assert [m["category"] for m in matters] == ["partner", "appeal"]  # by the day opened
    partner = matters[0]
    assert record["applications"][partner["application"]]["kind"] == "initial"
    assert record["permissions"][partner["permission"]]["category"] == "skilled_worker"
    assert matters[1]["application"] is None and matters[1]["permission"] is None
    visits = record["visits"]
    assert [v["matter"] for v in visits] == [None, 1]  # 10 January unlinked; 1 March: appeal
    assert [(row["kind"], row["matter"]) for row in record["letters"]] == [
        ("client_care", 0),
        ("referral", 1),
    ]
    assert record["complaints"][0]["matter"] == 0
    with store.session() as s:  # the ids here are not the places
        ids = dict(s.execute(select(MatterRow.category, MatterRow.id)).all())
    assert ids["appeal"] < ids["partner"]


def _linked(store, cid):
    """What each casework record is linked to in the store, by natural keys."""
    with store.session() as s:
        matters = {m.id: (m.category, m.opened) for m in s.scalars(select(MatterRow))}
        apps = {a.id: (a.kind, a.made) for a in s.scalars(select(ApplicationRow))}
        perms = {p.id: (p.category, p.start) for p in s.scalars(select(PermissionRow))}
        out = {}
        for m in s.scalars(select(MatterRow).where(MatterRow.client_id == cid)):
            out[("matter", m.category)] = (apps.get(m.application_id), perms.get(m.permission_id))
        for model in (VisitRow, LetterRow, ComplaintRow):
            for r in s.scalars(select(model).where(model.client_id == cid)):
                day = getattr(r, "on", None) or r.received_on
                out[(model.__tablename__, day)] = matters.get(r.matter_id)
        return out


def test_round_trip_every_casework_column_into_another_store(store, rich, other_store):
    original = _record_of(store, rich)
    assert original["schema"] == head_revision()
    record = read_record(_json(original))
    with other_store.session() as s:  # something there first, so ids differ from here
        s.add(
            MatterRow(
                client_id=rich_client(other_store, "Someone Else"),
                category="other",
                oisc_category="immigration",
                opened=D(2020, 1, 1),
            )
        )
    with other_store.session() as s:
        new_id = add_as_new(s, record, "Solicitor S")
    again = _record_of(other_store, new_id)
    assert again == original
    # The links were re-made to the rows just written there.
    assert _linked(other_store, new_id) == _linked(store, rich)
    assert _linked(other_store, new_id)[("matter", "partner")] == (
        ("initial", D(2014, 5, 1)),
        ("skilled_worker", D(2018, 10, 20)),
    )
    assert _linked(other_store, new_id)[("visits", D(2026, 3, 1))] == ("appeal", D(2026, 3, 1))


def test_counts_name_the_casework(store, rich):
    counts = dict(read_record(_json(_record_of(store, rich))).counts())
    assert counts["Matters"] == 2
    assert counts["Visits"] == 2
    assert counts["Letters sent"] == 2
    assert counts["Complaints"] == 1
    assert counts["Consents"] == 1
    assert counts["Subject access requests"] == 1
    assert counts["Retention decisions"] == 1


# ---- point 4: the statistics key ---------------------------------------------------------------


def test_the_statistics_key_never_goes_into_the_record(store, rich):
    with store.session() as s:
        assert repository.get_setting(s, "stats_client_key") == STATS_KEY
    text = json.dumps(_record_of(store, rich))
    assert STATS_KEY not in text
    assert "stats_client_key" not in text


# ---- point 1: hostile links and values ---------------------------------------------------------


def _set(path, value):
    def change(obj):
        target = obj
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def _delete(*path):
    def change(obj):
        target = obj
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return change


HOSTILE = [
    (
        _set(("visits", 1, "matter"), 2),
        "visits[1].matter: not the number of a matter listed in 'matters'",
        None,
    ),
    (_set(("visits", 1, "matter"), -1), "visits[1].matter: not the number of a matter", None),
    (
        _set(("letters", 0, "matter"), "0"),
        "letters[0].matter: expected the number of a matter in 'matters' or null, got text",
        None,
    ),
    (
        _set(("complaints", 0, "matter"), True),
        "complaints[0].matter: expected the number of a matter",
        None,
    ),
    (
        _set(("complaints", 0, "matter"), {"id": 1}),
        "complaints[0].matter: expected the number of a matter in 'matters' or null, got an object",
        None,
    ),
    (
        _set(("matters", 0, "application"), 2),
        "matters[0].application: not the number of an application listed in 'applications'",
        None,
    ),
    (
        _set(("matters", 0, "permission"), 2.0),
        "matters[0].permission: expected the number of a permission",
        None,
    ),
    (_set(("visits", 1, "matter_id"), 1), "visits[1]: unknown field 'matter_id'", None),
    (
        _set(("letters", 0, "fields"), SECRET),
        "letters[0].fields: not the letter's parts (a JSON object)",
        SECRET,
    ),
    (
        _set(("letters", 0, "fields"), json.dumps([SECRET])),
        "letters[0].fields: not the letter's parts",
        SECRET,
    ),
    (
        _set(("letters", 0, "fields"), "[" * 5000 + "]" * 5000),
        "letters[0].fields: not the letter's parts",
        None,
    ),
    (
        _set(("visits", 1, "how"), SECRET),
        "visits[1].how: not one of the codes this version knows",
        SECRET,
    ),
    (_set(("letters", 0, "kind"), "ransom"), "letters[0].kind: not one of the codes", "ransom"),
    (
        _set(("consents", 0, "scope"), "everything"),
        "consents[0].scope: not one of the codes",
        "everything",
    ),
    (
        _set(("matters", 0, "oisc_category"), "tax"),
        "matters[0].oisc_category: not one of the codes",
        "tax",
    ),
    (_set(("matters", 0, "category"), SECRET), "matters[0].category: not a code", SECRET),
    (_set(("letters", 0, "language"), "../x"), "letters[0].language: not a code", "../x"),
    (
        _set(("matters", 0, "needed_level"), 7),
        "matters[0].needed_level: outside the range 1 to 3",
        "7",
    ),
    (
        _set(("matters", 0, "adviser_level"), -1),
        "matters[0].adviser_level: outside the range 0 to 4",
        None,
    ),
    (
        _set(("visits", 1, "minutes"), 99999),
        "visits[1].minutes: outside the range 0 to 1440",
        "99999",
    ),
    (
        _set(("consents", 0, "period_months"), 0),
        "consents[0].period_months: outside the range",
        None,
    ),
    (
        _set(("access_requests", 0, "extended"), "yes"),
        "access_requests[0].extended: expected true or false",
        "yes",
    ),
    (
        _set(("retention_decisions", 0, "review_on"), "next year"),
        "retention_decisions[0].review_on: not a date",
        "next year",
    ),
    (_set(("matters", 0, "opened"), None), "matters[0].opened: this field is needed", None),
    # Dates the app's own forms refuse out of order are refused in a file too.
    (_set(("matters", 0, "closed"), "1990-01-02"), "matters[0].closed: before opened", None),
    (
        _set(("complaints", 0, "acknowledged_on"), "1990-01-02"),
        "complaints[0].acknowledged_on: before received on",
        "1990-01-02",
    ),
    (
        _set(("access_requests", 0, "answered_on"), "1990-01-02"),
        "access_requests[0].answered_on: before asked on",
        "1990-01-02",
    ),
    (
        _delete("complaints", 0, "received_on"),
        "complaints[0].received_on: this field is missing",
        None,
    ),
    (_set(("visits",), {}), "visits: expected a list, got an object", None),
    (_set(("consents",), [{}] * 2001), "consents: 2,001 records; at most 2,000", None),
    (_delete("visits"), "visits: this section is missing", None),
    (
        _set(("details", "referral_source"), SECRET * 7),
        "details.referral_source: the text is",
        SECRET,
    ),
]


@pytest.mark.parametrize(("change", "expected", "value"), HOSTILE, ids=[h[1][:48] for h in HOSTILE])
def test_hostile_casework_refused_naming_the_path_not_the_value(
    store, rich, change, expected, value
):
    obj = _json(_record_of(store, rich))
    change(obj)
    with pytest.raises(RecordProblem) as caught:
        read_record(obj)
    message = str(caught.value)
    assert message.startswith(expected), message
    assert "\n" not in message
    assert "Amara" not in message and "Partner extension" not in message
    if value is not None:
        assert value not in message


def test_reading_does_not_change_the_dict(store, rich):
    obj = _json(_record_of(store, rich))
    kept = copy.deepcopy(obj)
    read_record(obj)
    assert obj == kept


# ---- point 5: older and newer files -------------------------------------------------------------


def _older(obj):
    """The record as Drop-in Desk made it before casework (database revision 0010)."""
    obj["schema"] = "0010"
    for name in SECTIONS:
        del obj[name]
    del obj["details"]["referral_source"]
    return obj


def test_an_older_record_without_casework_opens_and_adds(store, rich, other_store):
    record = read_record(_older(_json(_record_of(store, rich))))
    assert all(record.data[name] == [] for name in SECTIONS)
    assert record.data["details"]["referral_source"] == ""
    assert dict(record.counts())["Matters"] == 0
    with other_store.session() as s:
        new_id = add_as_new(s, record, "Solicitor S")
    with other_store.session() as s:
        assert s.get(Client, new_id).referral_source == ""
        assert s.scalar(select(func.count()).select_from(MatterRow)) == 0


def test_a_record_from_a_newer_schema_is_still_refused(store, rich):
    obj = _json(_record_of(store, rich))
    obj["schema"] = f"{int(head_revision()) + 1:04d}"
    with pytest.raises(RecordProblem, match=r"^made by a newer version of Drop-in Desk"):
        read_record(obj)


# ---- point 3: the merge -------------------------------------------------------------------------


def _kinds(plan, sections=SECTIONS):
    return sorted(
        (d.id.split(":")[0], d.kind) for d in plan.differences if d.id.split(":")[0] in sections
    )


def _changed_there(store, cid):
    """The record as it comes back from the solicitor: the partner matter closed otherwise, a
    new matter with a new visit and letter linked to it, the appeal visit's length changed, a
    new consent, the access request answered otherwise, a new retention decision, a new
    application linked from the new matter; the referral source changed."""
    obj = _json(_record_of(store, cid))
    obj["details"]["referral_source"] = "gp"
    obj["matters"][0]["outcome"] = "permanent_leave_granted"
    obj["applications"].append(
        {
            **{k: None for k in obj["applications"][1]},
            "kind": "settlement",
            "made": "2026-11-25",
            "position": 2,
        }
    )
    obj["matters"].append(
        dict(
            obj["matters"][1],
            category="settlement",
            title="ILR",
            opened="2026-11-25",
            oisc_category="immigration",
            application=2,
            permission=None,
        )
    )
    obj["visits"][1]["minutes"] = 40
    obj["visits"].append(
        dict(obj["visits"][1], on="2026-11-25", how="in_person", minutes=30, matter=2)
    )
    obj["letters"].append(dict(obj["letters"][0], kind="client_care", on="2026-11-26", matter=2))
    obj["consents"].append(dict(obj["consents"][0], scope="referral", withdrawn_on=None))
    obj["access_requests"][0]["answered_on"] = "2026-11-30"
    obj["retention_decisions"].append(
        dict(obj["retention_decisions"][0], decided_on="2026-12-05", review_on="2028-12-05")
    )
    return obj


def test_merge_plan_matches_casework_by_what_it_is(store, rich):
    obj = _changed_there(store, rich)
    record = read_record(obj)
    with store.session() as s:  # meanwhile here: a complaint only on this laptop
        s.add(ComplaintRow(client_id=rich, received_on=D(2026, 12, 2), summary="Lost a form."))
    with store.session() as s:
        plan = merge_plan(s, rich, record)
    assert _kinds(plan, (*SECTIONS, "details", "applications")) == sorted(
        [
            ("details", "changed"),
            ("applications", "new"),
            ("matters", "changed"),
            ("matters", "new"),
            ("visits", "changed"),
            ("visits", "new"),
            ("letters", "new"),
            ("complaints", "only_here"),
            ("consents", "new"),
            ("access_requests", "changed"),
            ("retention_decisions", "new"),
        ]
    )
    source = next(d for d in plan.differences if d.id == "details:referral_source")
    assert (source.here, source.there) == (
        {"Referral source": "community_group"},
        {"Referral source": "gp"},
    )
    matter = next(d for d in plan.differences if d.id.startswith("matters") and d.kind == "changed")
    assert (matter.section, matter.label) == ("Matter", "Partner extension, opened 10 January 2026")
    assert matter.fields == ("Outcome",)
    new_visit = next(d for d in plan.differences if d.id.startswith("visits") and d.kind == "new")
    assert new_visit.there["Matter"] == "Matter: ILR, opened 25 November 2026"
    assert new_visit.section == "Visit"


def _apply(store, cid, record, choice, skip=()):
    with store.session() as s:
        plan = merge_plan(s, cid, record)
        choices = {d.id: choice for d in plan.needs_choice()}
        choices.update({i: "skip" for i in skip})
        return apply_merge(s, cid, record, plan, choices, ADVISER)


def _casework_of(record: dict) -> dict:
    return {k: record[k] for k in ("details", "applications", "permissions", *SECTIONS)}


def test_apply_merge_taking_what_was_received_relinks_to_the_merged_rows(store, rich):
    obj = _changed_there(store, rich)
    record = read_record(obj)
    counts = _apply(store, rich, record, "received")
    assert counts == {"added": 6, "changed": 4, "kept": 0}  # app, matter, visit, letter, ...
    after = _record_of(store, rich)
    assert _casework_of(after) == _casework_of(_json(obj))
    linked = _linked(store, rich)
    assert linked[("matter", "settlement")] == (("settlement", D(2026, 11, 25)), None)
    assert linked[("visits", D(2026, 11, 25))] == ("settlement", D(2026, 11, 25))
    assert linked[("letters", D(2026, 11, 26))] == ("settlement", D(2026, 11, 25))
    assert linked[("visits", D(2026, 3, 1))] == ("appeal", D(2026, 3, 1))  # kept its link


def test_apply_merge_keeping_mine(store, rich):
    before = _record_of(store, rich)
    record = read_record(_changed_there(store, rich))
    counts = _apply(store, rich, record, "mine")
    assert counts == {"added": 6, "changed": 0, "kept": 4}
    after = _record_of(store, rich)
    assert after["details"]["referral_source"] == "community_group"
    assert after["matters"][0] == before["matters"][0]
    assert after["visits"][1] == before["visits"][1]
    assert after["access_requests"] == before["access_requests"]
    assert len(after["matters"]) == 3 and len(after["retention_decisions"]) == 2


def test_a_new_record_linked_to_a_matter_left_out_is_added_unlinked(store, rich):
    record = read_record(_changed_there(store, rich))
    with store.session() as s:
        plan = merge_plan(s, rich, record)
    matter = next(d.id for d in plan.differences if d.id.startswith("matters") and d.kind == "new")
    _apply(store, rich, record, "received", skip=[matter])
    linked = _linked(store, rich)
    assert ("matter", "settlement") not in linked
    assert linked[("visits", D(2026, 11, 25))] is None
    assert linked[("letters", D(2026, 11, 26))] is None


def test_a_link_moved_there_is_a_change_shown_by_the_matters_labels(store, rich):
    obj = _json(_record_of(store, rich))
    obj["complaints"][0]["matter"] = 1  # there: the complaint is about the appeal
    record = read_record(obj)
    with store.session() as s:
        plan = merge_plan(s, rich, record)
    (diff,) = plan.differences
    assert (diff.section, diff.kind, diff.fields) == ("Complaint", "changed", ("Matter",))
    assert diff.here == {"Matter": "Matter: Partner extension, opened 10 January 2026"}
    assert diff.there == {"Matter": "Matter: Appeal, opened 1 March 2026"}
    _apply(store, rich, record, "received")
    assert _linked(store, rich)[("complaints", D(2026, 6, 1))] == ("appeal", D(2026, 3, 1))


def test_merging_twice_changes_nothing_the_second_time(store, rich):
    record = read_record(_changed_there(store, rich))
    _apply(store, rich, record, "received")
    once = _record_of(store, rich)
    with store.session() as s:
        plan = merge_plan(s, rich, record)
        audit_before = len(repository.audit_of(s, rich))
    assert [d for d in plan.differences if d.kind != "only_here"] == []
    assert _apply(store, rich, record, "received") == {"added": 0, "changed": 0, "kept": 0}
    assert _record_of(store, rich) == once
    with store.session() as s:
        assert len(repository.audit_of(s, rich)) == audit_before


def test_an_older_record_merged_keeps_the_casework_here(store, rich):
    before = _record_of(store, rich)
    record = read_record(_older(_json(before)))
    with store.session() as s:
        plan = merge_plan(s, rich, record)
    assert {d.kind for d in plan.differences if d.id.split(":")[0] in SECTIONS} == {"only_here"}
    assert len([d for d in plan.differences if d.id.split(":")[0] in SECTIONS]) == 10
    _apply(store, rich, record, "received")
    after = _record_of(store, rich)
    assert _casework_of(after) == _casework_of(before) | {"details": after["details"]}
    assert after["details"]["referral_source"] == ""  # the older record's default, chosen


def test_a_bad_merge_writes_no_casework(store, rich):
    """A merge refused for its history (a clash) leaves the casework as it was too."""
    before = _record_of(store, rich)
    obj = _changed_there(store, rich)
    obj["permissions"][1] = dict(obj["permissions"][1], category="visitor", start="2019-01-01")
    record = read_record(obj)
    with pytest.raises(RecordProblem, match="the merged history would not be valid"):
        with store.session() as s:
            plan = merge_plan(s, rich, record)
            apply_merge(
                s, rich, record, plan, {d.id: "received" for d in plan.needs_choice()}, ADVISER
            )
    assert _record_of(store, rich) == before


def test_the_solicitor_sends_it_back_with_casework(store, rich, other_store):
    """Volunteer -> solicitor (new client there) -> a visit and a letter for the appeal there ->
    back -> merged here: both laptops then hold the same casework, linked the same way."""
    record = read_record(_record_of(store, rich))
    with other_store.session() as s:
        theirs = add_as_new(s, record, "Solicitor S")
        appeal = s.scalar(select(MatterRow.id).where(MatterRow.category == "appeal"))
        s.add(
            VisitRow(
                client_id=theirs,
                matter_id=appeal,
                on=D(2026, 12, 3),
                adviser="Solicitor S",
                how="video",
                minutes=60,
            )
        )
        s.add(
            LetterRow(
                client_id=theirs,
                matter_id=appeal,
                kind="update",
                on=D(2026, 12, 4),
                adviser="Solicitor S",
            )
        )
        s.execute(update(MatterRow).where(MatterRow.id == appeal).values(adviser_level=4))
    back = read_record(_json(_record_of(other_store, theirs)))
    counts = _apply(store, rich, back, "received")
    assert counts == {"added": 2, "changed": 1, "kept": 0}
    mine, theirs_record = _record_of(store, rich), _record_of(other_store, theirs)
    assert _casework_of(mine) == _casework_of(theirs_record)
    assert _linked(store, rich)[("letters", D(2026, 12, 4))] == ("appeal", D(2026, 3, 1))
