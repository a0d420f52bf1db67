"""Rows <-> rules value types. The rules package never sees the ORM."""

from __future__ import annotations

from desktop.rules.history import (
    Absence,
    Application,
    Custody,
    History,
    Permission,
    Person,
    Question,
    StatusCheck,
)
from desktop.store.models import (
    AbsenceRow,
    ApplicationRow,
    Client,
    CustodyRow,
    PermissionRow,
    StatusCheckRow,
)


def history_from_client(client: Client) -> History:
    return History(
        person=Person(name=client.full_name or None, date_of_birth=client.date_of_birth),
        permissions=tuple(
            Permission(
                category=row.category,
                start=row.start,
                end=row.end,
                granted_on=row.granted_on,
                conditions=tuple(c for c in row.conditions.split(",") if c),
            )
            for row in client.permissions
        ),
        applications=tuple(
            Application(
                kind=row.kind,
                made=row.made,
                decided=row.decided,
                outcome=row.outcome,
                late_reason_accepted=row.late_reason_accepted,
                fee_waiver_requested=row.fee_waiver_requested,
                fee_waiver_decided=row.fee_waiver_decided,
                fee_waiver_outcome=row.fee_waiver_outcome,
                appeal_lodged=row.appeal_lodged,
                appeal_decided=row.appeal_decided,
                appeal_outcome=row.appeal_outcome,
                appeal_by=row.appeal_by,
                remedy=row.remedy,
                review_lodged=row.review_lodged,
                review_decided=row.review_decided,
                review_outcome=row.review_outcome,
                detained=row.detained,
                appeal_time_extended=row.appeal_time_extended,
            )
            for row in client.applications
        ),
        absences=tuple(
            Absence(
                left=row.left,
                returned=row.returned,
                reason=row.reason,
                exceptional=row.exceptional,
                planned=row.planned,
            )
            for row in client.absences
        ),
        custody=tuple(Custody(start=row.start, end=row.end) for row in client.custody),
        question=(
            Question(route=client.target_route, application_date=client.target_date)
            if client.target_route
            else None
        ),
        status_checks=tuple(
            StatusCheck(on=row.on, outcome=row.outcome) for row in client.status_checks
        ),
    )


def history_rows(history: History) -> dict[str, list]:
    """Fresh ORM rows for every record of `history` (not yet attached to a client)."""
    return {
        "permissions": [
            PermissionRow(
                category=p.category,
                start=p.start,
                end=p.end,
                granted_on=p.granted_on,
                conditions=",".join(p.conditions),
            )
            for p in history.permissions
        ],
        "applications": [
            ApplicationRow(
                position=index,
                kind=a.kind,
                made=a.made,
                decided=a.decided,
                outcome=a.outcome,
                late_reason_accepted=a.late_reason_accepted,
                fee_waiver_requested=a.fee_waiver_requested,
                fee_waiver_decided=a.fee_waiver_decided,
                fee_waiver_outcome=a.fee_waiver_outcome,
                appeal_lodged=a.appeal_lodged,
                appeal_decided=a.appeal_decided,
                appeal_outcome=a.appeal_outcome,
                appeal_by=a.appeal_by,
                remedy=a.remedy,
                review_lodged=a.review_lodged,
                review_decided=a.review_decided,
                review_outcome=a.review_outcome,
                detained=a.detained,
                appeal_time_extended=a.appeal_time_extended,
            )
            for index, a in enumerate(history.applications)
        ],
        "absences": [
            AbsenceRow(
                left=a.left,
                returned=a.returned,
                reason=a.reason,
                exceptional=a.exceptional,
                planned=a.planned,
            )
            for a in history.absences
        ],
        "custody": [CustodyRow(start=c.start, end=c.end) for c in history.custody],
        "status_checks": [
            StatusCheckRow(on=c.on, outcome=c.outcome) for c in history.status_checks
        ],
    }
