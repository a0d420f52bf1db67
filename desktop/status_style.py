"""How each day status looks, on screen and on paper: one table for the calendar widget, the
timeline, the rolling chart and the printed report (the UI and `printing/` both read it; it
imports neither Qt nor reportlab).

Every status has a colour from the Okabe-Ito palette (safe for the common kinds of colour
blindness) *and* a fill pattern and a one-letter mark, so a greyscale print or a reader who
cannot tell the colours apart still sees the difference. The legend always shows all three.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.rules.day_timeline import STATUSES


@dataclass(frozen=True)
class StatusStyle:
    status: str
    label: str  # legend text (STATUSES)
    fill: str  # "#rrggbb", the cell's background
    ink: str  # "#rrggbb", the pattern and mark colour (dark enough on `fill`)
    pattern: (
        str  # "solid" | "forward_diagonal" | "backward_diagonal" | "cross" | "dots" | "horizontal"
    )
    mark: str  # one letter shown in the legend, in hover text and on large cells


STYLES: dict[str, StatusStyle] = {
    style.status: style
    for style in (
        StatusStyle("counted", STATUSES["counted"], "#CFE8DC", "#00684A", "solid", "C"),
        StatusStyle(
            "section_3c", STATUSES["section_3c"], "#BFDDF2", "#0A5A8C", "forward_diagonal", "3"
        ),
        StatusStyle("not_counting", STATUSES["not_counting"], "#E4E4E4", "#555555", "dots", "N"),
        StatusStyle("abroad", STATUSES["abroad"], "#F2B441", "#6B4500", "cross", "A"),
        StatusStyle("planned", STATUSES["planned"], "#FBE3B0", "#8A5A00", "backward_diagonal", "P"),
        StatusStyle("gap", STATUSES["gap"], "#E8906A", "#6E1F00", "horizontal", "G"),
        # Waiting for a decision on a protection claim: not counted, but not a gap (issue 16).
        StatusStyle(
            "awaiting_decision",
            STATUSES["awaiting_decision"],
            "#EBD3E2",
            "#6A1F4F",
            "vertical",
            "W",
        ),
        # Nothing recorded after permission ended: possibly an overstayer, to be checked.
        StatusStyle(
            "status_unknown", STATUSES["status_unknown"], "#FFFFFF", "#C0001A", "cross", "?"
        ),
        StatusStyle("custody", STATUSES["custody"], "#9A6BB0", "#24082F", "cross", "X"),
    )
}

#: Days outside the record (before the first permission) and days after the end of the record
#: (the projection) are drawn paler; `ASSUMED_ALPHA` is the opacity used for projected days.
NO_RECORD_FILL = "#FFFFFF"
ASSUMED_ALPHA = 0.45

#: Outlines drawn over the cells.
OVER_LIMIT_OUTLINE = "#C0001A"  # every window or block over a limit
WORST_WINDOW_OUTLINE = "#000000"  # the worst 12 months
TODAY_MARK = "#000000"
DEADLINE_MARK = "#C0001A"
PERIOD_MARK = "#00684A"  # qualifying period start and complete-on

# ---- The same colours for what is not a day ---------------------------------------------------
# A screen that says "fine", "to do" or "breaks a rule" about something other than a day (a
# verdict, a checklist item, a statement line, a chart's limit line) takes its colour from here,
# named by what it means, so one change of palette changes every screen and page alike
# (tests/test_one_copy.py fails on a status colour typed anywhere in ui/ or printing/).

#: What is fine: eligible, a requirement met, a trip that keeps continuity, an item received.
GOOD_INK = STYLES["counted"].ink
GOOD_FILL = STYLES["counted"].fill
#: A border or mark for what breaks a rule or must be acted on: refused, dismissed, a deadline.
ALERT_INK = OVER_LIMIT_OUTLINE
#: Something not needed or not counted.
NEUTRAL_FILL = STYLES["not_counting"].fill
#: Amber: still to do or to check (an item to get, a statement line whose balance stops
#: following).
CAUTION_FILL = STYLES["planned"].fill
CAUTION_INK = STYLES["abroad"].ink
#: A limit that is only a guide (the route has no fixed one): the planned days' ink.
GUIDE_INK = STYLES["planned"].ink


def style_for(status: str) -> StatusStyle:
    return STYLES[status]


def legend() -> list[StatusStyle]:
    """In the order the legend shows them."""
    return [STYLES[s] for s in STATUSES]
