"""Issue 16, section 2: section 3C leave only where it arises (Immigration Act 1971 s3C), with
held-out cases written from the statute, the Rules and R (Akinola) v Upper Tribunal, one per path:
refusal before expiry with and without an appeal, an application made after the leave expired,
withdrawn applications, administrative review (in the UK, detained, outside), out-of-country
appeals and an appeal admitted out of time. Each test is named after the rule it follows."""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.assess import load_figures
from desktop.rules.deadlines import review_deadline
from desktop.rules.history import History
from desktop.rules.residence import assess_deadlines, verdict_line
from desktop.rules.timeline import INF, build_cover
from tests.rules.helpers import D, app, history, perm, run, trip

F = load_figures().leniently()


def covers_3c(h: History, today: str = "2026-12-20"):
    return [c for c in build_cover(h, F, frozenset(), D(today)).covers if c.source == "3C"]


def kinds(a) -> dict[str, list]:
    out: dict[str, list] = {}
    for dl in a.deadlines:
        out.setdefault(dl.kind, []).append(dl)
    return out


# ---- s3C(1)(c): refused before the leave expired -----------------------------------------------

ISSUE_EXAMPLE = history(
    [
        perm("student", "2016-12-01", "2021-11-30"),
        perm("skilled_worker", "2021-12-01", "2026-11-30"),
    ],
    [app("extension", "2026-10-01", "2026-11-06", "refused", appeal_lodged="2026-11-15")],
)


def test_s3c_1_c_refusal_before_expiry_with_a_pending_appeal_gives_no_3c_niaa_s78():
    """The issue's case: leave to 30 Nov 2026, refused 6 Nov, appeal lodged 15 Nov and pending.
    On 20 Dec the time from 1 Dec is without leave, with the reason; the appeal bars removal
    (NIAA 2002 s78) but does not extend leave."""
    assert covers_3c(ISSUE_EXAMPLE) == []
    a = run(ISSUE_EXAMPLE, "long_residence", "2026-12-20")
    assert not a.eligible and a.earliest_application_date is None
    assert a.without_permission_since == D("2026-12-01")
    assert a.status_unknown_since is None  # known, not unknown: the refusal is recorded
    (gap,) = [b for b in a.breaches if b.start == D("2026-12-01")]
    assert gap.rule.startswith("s3C(1)(c) Immigration Act 1971") and "s78" in gap.rule
    assert "refused on 2026-11-06, before the permission ended on 2026-11-30" in gap.why
    assert "protects against removal" in gap.why and "does not extend leave" in gap.why
    reason = next(r for r in a.reasons if r.code == "without_permission")
    assert reason.dates == {"since": D("2026-12-01")}
    assert "No permission since 2026-12-01" in verdict_line(a)
    found = kinds(a)
    (attention,) = found["without_permission"]
    assert attention.status == "attention" and attention.record == "applications[0]"
    # The appeal was lodged in time: met. The permission was not kept: passed, not met.
    assert found["appeal"][0].status == "met" and found["appeal"][0].met_on == D("2026-11-15")
    ends = next(dl for dl in found["apply_before_expiry"] if dl.date == D("2026-11-30"))
    assert ends.status == "passed" and ends.met_on is None
    # 39E(2) / SUI 13.1 counts from the appeal's end, which has not come: not given yet, said
    # in the notes; the good-reason window counts from the end of the permission.
    late = found["late_application_window"]
    assert [(dl.date, dl.fact("good_reason_needed")) for dl in late] == [(D("2026-12-14"), True)]
    assert late[0].rule == "SUI 13.1"
    assert any("when the appeal or review is decided" in n for n in a.notes)


def test_s3c_1_c_refusal_before_expiry_without_an_appeal_window_counts_from_the_time_limit():
    """39E(2)(b)(iii) / SUI 13.1: 14 days from the end of the time to appeal (20 Nov), so a
    further application up to 4 Dec needs no reason, though leave ended on 30 Nov."""
    h = history(
        [perm("skilled_worker", "2016-12-01", "2026-11-30")],
        [app("extension", "2026-10-01", "2026-11-06", "refused", remedy="appeal")],
    )
    assert covers_3c(h) == []
    a = run(h, "long_residence", "2026-12-20")
    assert not a.eligible and a.without_permission_since == D("2026-12-01")
    late = {dl.date: dl for dl in kinds(a)["late_application_window"]}
    assert late[D("2026-12-04")].fact("good_reason_needed") is False
    assert late[D("2026-12-04")].event_date == D("2026-11-20")
    assert late[D("2026-12-14")].fact("good_reason_needed") is True


def test_39e_2_further_application_after_a_refusal_before_expiry_is_forgiven_from_the_right_event():
    h = history(
        [
            perm("skilled_worker", "2014-12-01", "2026-11-30"),
            perm("skilled_worker", "2027-01-10", "2030-01-09"),
        ],
        [
            app("extension", "2026-10-01", "2026-11-06", "refused", remedy="appeal"),
            app("extension", "2026-12-03", "2027-01-10", "granted"),
        ],
    )
    a = run(h, "long_residence", "2027-02-01")
    assert not a.continuity_broken
    (gap,) = [u for u in a.uncounted_periods if u.start == D("2026-12-01")]
    assert gap.rule == "SUI 13.1"
    assert "needs no reason" in gap.why


def test_s3c_1_c_a_refusal_the_day_the_leave_expires_is_before_expiry():
    h = history(
        [perm("student", "2016-01-01", "2026-11-30")],
        [app("extension", "2026-11-01", "2026-11-30", "refused")],
    )
    assert covers_3c(h) == []


def test_s3c_2_b_refusal_after_expiry_still_gives_3c_while_an_appeal_could_be_brought():
    h = history(
        [perm("student", "2016-01-01", "2026-11-30")],
        [app("extension", "2026-11-01", "2026-12-02", "refused")],
    )
    (c,) = covers_3c(h)
    assert (date.fromordinal(c.start), date.fromordinal(c.end)) == (
        D("2026-12-01"),
        D("2026-12-16"),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    length=st.integers(30, 2000),
    made_back=st.integers(0, 400),
    decided_back=st.integers(0, 400),
    appeal_after=st.one_of(st.none(), st.integers(0, 40)),
    remedy=st.sampled_from([None, "appeal", "administrative_review", "none"]),
    decided_after_appeal=st.one_of(st.none(), st.integers(1, 300)),
)
def test_s3c_1_c_property_3c_never_covers_a_day_after_a_refusal_made_before_expiry(
    length, made_back, decided_back, appeal_after, remedy, decided_after_appeal
):
    """Brute force over the days: whatever the remedy and the appeal, no day after the
    permission's end is 3C leave (or counted) when the only application was refused on or
    before that end."""
    start = D("2015-01-01")
    end = start + timedelta(days=length)
    made = max(start, end - timedelta(days=made_back))
    decided = max(made, end - timedelta(days=decided_back))
    extra = {}
    if remedy is not None:
        extra["remedy"] = remedy
    if appeal_after is not None and remedy in (None, "appeal"):
        extra["appeal_lodged"] = (decided + timedelta(days=appeal_after)).isoformat()
        if decided_after_appeal is not None:
            lodged = decided + timedelta(days=appeal_after)
            extra["appeal_decided"] = (lodged + timedelta(days=decided_after_appeal)).isoformat()
            extra["appeal_outcome"] = "dismissed"
    elif appeal_after is not None and remedy == "administrative_review":
        extra["review_lodged"] = (decided + timedelta(days=appeal_after)).isoformat()
    h = history(
        [perm("student", start.isoformat(), end.isoformat())],
        [app("extension", made.isoformat(), decided.isoformat(), "refused", **extra)],
    )
    today = end + timedelta(days=500)
    cover = build_cover(h, F, frozenset(), today)
    assert all(c.end <= end.toordinal() for c in cover.covers)
    assert all(c.source != "3C" for c in cover.covers)
    assert cover.tail is not None and cover.tail.kind == "refused_before_expiry"
    a = run(h, "long_residence", today.isoformat())
    assert not a.eligible and a.earliest_application_date is None


# ---- s3C(1)(a)-(b): the application must be made while the leave lasts -------------------------


def test_s3c_1_a_an_application_made_after_the_leave_expired_gives_no_3c():
    h = history(
        [perm("student", "2014-12-01", "2026-05-31")],
        [app("extension", "2026-06-05")],  # pending
    )
    assert covers_3c(h, "2026-06-20") == []
    a = run(h, "long_residence", "2026-06-20")
    assert not a.eligible
    assert a.without_permission_since == D("2026-06-01")
    assert a.status_unknown_since is None  # the pending application completes the record
    why = next(r for r in a.reasons if r.code == "without_permission")
    assert "made after the permission ended" in why and "s3C(1)(a)" in why.rule


# ---- s3C(2)(a): withdrawn applications ----------------------------------------------------------


def test_s3c_2_a_an_application_withdrawn_before_expiry_gives_no_3c():
    h = history(
        [perm("student", "2014-12-01", "2026-05-31")],
        [app("extension", "2026-05-01", "2026-05-20", "withdrawn")],
    )
    assert covers_3c(h, "2026-06-05") == []


def test_s3c_2_a_3c_ends_the_day_an_application_made_in_time_is_withdrawn():
    h = history(
        [perm("student", "2014-12-01", "2026-05-31")],
        [app("extension", "2026-05-01", "2026-07-10", "withdrawn")],
    )
    (c,) = covers_3c(h, "2026-08-01")
    assert date.fromordinal(c.end) == D("2026-07-10") and not c.after_refusal


# ---- s3C(2)(d): administrative review -----------------------------------------------------------


def test_s3c_2_d_3c_continues_while_administrative_review_is_pending():
    h = history(
        [perm("student", "2016-12-01", "2026-10-31")],
        [
            app(
                "extension",
                "2026-10-01",
                "2026-11-06",
                "refused",
                remedy="administrative_review",
                review_lodged="2026-11-15",
            )
        ],
    )
    (c,) = covers_3c(h)
    assert c.end >= INF
    a = run(h, "long_residence", "2026-12-20")
    assert a.eligible  # 10 years on 1 Dec 2026, 3C counting while the review is pending
    (review,) = kinds(a)["administrative_review"]
    assert review.status == "met" and review.met_on == D("2026-11-15")
    assert "appeal" not in kinds(a)  # the remedy follows the decision: no appeal deadline


def test_appendix_administrative_review_14_days_in_the_uk_7_detained_28_outside():
    decided = D("2026-11-06")
    assert review_deadline(decided, F).date == D("2026-11-20")
    assert review_deadline(decided, F, detained=True).date == D("2026-11-13")
    assert review_deadline(decided, F, outside_uk=True).date == D("2026-12-04")
    assert review_deadline(decided, F, detained=True).fact("where") == "detained"


def test_s3c_2_d_i_3c_while_review_could_be_sought_is_7_days_from_detention():
    h = history(
        [perm("student", "2016-12-01", "2026-10-31")],
        [app("extension", "2026-10-01", "2026-11-06", "refused", remedy="administrative_review")],
    )
    free = covers_3c(h)[0]
    held = covers_3c(
        history(
            h.permissions,
            [
                app(
                    "extension",
                    "2026-10-01",
                    "2026-11-06",
                    "refused",
                    remedy="administrative_review",
                    detained=True,
                )
            ],
        )
    )[0]
    assert date.fromordinal(free.end) == D("2026-11-20")
    assert date.fromordinal(held.end) == D("2026-11-13")


def test_s3c_2_d_ii_3c_ends_when_the_review_maintains_the_refusal():
    h = history(
        [perm("student", "2016-12-01", "2026-10-31")],
        [
            app(
                "extension",
                "2026-10-01",
                "2026-11-06",
                "refused",
                remedy="administrative_review",
                review_lodged="2026-11-15",
                review_decided="2026-12-01",
                review_outcome="maintained",
            )
        ],
    )
    (c,) = covers_3c(h)
    assert date.fromordinal(c.end) == D("2026-12-01")


def test_a_refusal_with_no_appeal_or_review_ends_3c_on_the_decision():
    h = history(
        [perm("student", "2016-12-01", "2026-10-31")],
        [app("extension", "2026-10-01", "2026-11-06", "refused", remedy="none")],
    )
    (c,) = covers_3c(h)
    assert date.fromordinal(c.end) == D("2026-11-06")
    a = run(h, "long_residence", "2026-11-07")
    assert "appeal" not in kinds(a) and "administrative_review" not in kinds(a)


def test_an_unrecorded_remedy_is_asked_for_in_missing():
    h = history(
        [perm("student", "2016-12-01", "2026-10-31")],
        [app("extension", "2026-10-01", "2026-11-06", "refused")],
    )
    a = run(h, "long_residence", "2026-11-07")
    assert any(m.startswith("applications[0].remedy:") for m in a.missing)


# ---- s3C(2)(c): an appeal brought from outside the UK gives none --------------------------------


def test_s3c_2_c_an_appeal_brought_from_outside_the_uk_gives_no_3c():
    perms = [perm("student", "2016-12-01", "2026-10-31")]
    refused = dict(remedy="appeal", appeal_lodged="2026-11-15")
    inside = history(perms, [app("extension", "2026-10-01", "2026-11-06", "refused", **refused)])
    outside = history(
        perms,
        [app("extension", "2026-10-01", "2026-11-06", "refused", **refused)],
        [trip("2026-11-10", "2026-11-30")],
    )
    assert covers_3c(inside)[0].end >= INF
    (c,) = covers_3c(outside)
    assert date.fromordinal(c.end) == D("2026-11-20")  # only while one could be brought here


def test_ftt_iac_rules_r19_3_b_a_refusal_received_abroad_gives_the_28_day_appeal_deadline():
    h = history(
        [perm("student", "2016-12-01", "2026-10-31")],
        [app("extension", "2026-10-01", "2026-11-06", "refused", remedy="appeal")],
        [trip("2026-11-01", "2026-12-20")],
    )
    (appeal,) = kinds(run(h, "long_residence", "2026-11-07"))["appeal"]
    assert appeal.date == D("2026-12-04") and appeal.fact("outside_uk") is True


# ---- R (Akinola) v Upper Tribunal [2021] EWCA Civ 1308 ----------------------------------------

LATE = dict(remedy="appeal", appeal_lodged="2026-07-01")


def test_akinola_an_appeal_admitted_out_of_time_revives_3c_from_the_filing_not_before():
    h = history(
        [perm("student", "2014-12-01", "2026-05-31")],
        [
            app(
                "human_rights",
                "2026-05-01",
                "2026-06-10",
                "refused",
                appeal_time_extended=True,
                **LATE,
            )
        ],
    )
    first, revived = covers_3c(h)
    assert date.fromordinal(first.end) == D("2026-06-24")  # the time to appeal ran out
    assert revived.revived and date.fromordinal(revived.start) == D("2026-07-01")
    a = run(h, "long_residence", "2026-12-20")
    (gap,) = [b for b in a.breaches if b.start == D("2026-06-25")]
    assert gap.end == D("2026-06-30") and "Akinola" in gap.rule


def test_akinola_a_late_appeal_not_known_to_be_admitted_gives_no_3c_and_is_asked_about():
    h = history(
        [perm("student", "2014-12-01", "2026-05-31")],
        [app("human_rights", "2026-05-01", "2026-06-10", "refused", **LATE)],
    )
    (only,) = covers_3c(h)
    assert date.fromordinal(only.end) == D("2026-06-24")
    a = run(h, "long_residence", "2026-12-20")
    assert any(m.startswith("applications[0].appeal_time_extended") for m in a.missing)
    (appeal,) = kinds(a)["appeal"]
    assert appeal.done_on == D("2026-07-01") and appeal.met_on is None
    assert appeal.status == "passed"


# ---- the board's fast path agrees ---------------------------------------------------------------


def test_assess_deadlines_gives_the_same_deadlines_as_assess_on_each_3c_path():
    for h in (ISSUE_EXAMPLE,):
        for today in ("2026-11-20", "2026-12-20"):
            full = run(h, "long_residence", today).deadlines
            fast = assess_deadlines(h, "long_residence", D(today), F, today=D(today))
            assert full == fast
