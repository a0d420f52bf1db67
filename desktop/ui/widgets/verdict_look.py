"""How a verdict line looks on screen, decided from the engine's assessment, never its words.

Three looks: "eligible" (the green of counted days), "attention" and plain. A verdict is an
attention line when it rests on something the record does not show or when the record shows the
client without permission: the record stops before today (`status_unknown_since`; the engine's
headline then says "eligible on D only if permission continued after E - nothing is recorded
since. Check the client's status now"), the verdict needs permission to have continued
(`if_permission_continued`), or the record shows time without permission
(`without_permission_since`). An attention line is never drawn in the eligible green: it has the
warning colours, a "⚠" and "Attention:" for a screen reader. Someone already settled is plain.
"""

from __future__ import annotations

import html
from datetime import date

from desktop.status_style import ALERT_INK, GOOD_INK

ELIGIBLE, ATTENTION, PLAIN = "eligible", "attention", ""

#: Text colours (the counted green and the deadline red of desktop.status_style, darkened to read
#: on a light background).
ELIGIBLE_INK = GOOD_INK
ATTENTION_INK = "#8A1C12"
ATTENTION_FILL = "#FDECEA"
ATTENTION_MARK = "⚠"
#: A box in the warning colours (a style sheet's body).
ATTENTION_BOX_STYLE = (
    f"background: {ATTENTION_FILL}; color: {ATTENTION_INK}; border: 1px solid {ALERT_INK};"
    " border-radius: 3px; padding: 3px 6px; font-weight: bold;"
)


class Verdict(str):
    """A verdict sentence with its look (`state`) and the first day the record says nothing
    about (`unknown_since`, None when it does not stop before today)."""

    state: str
    unknown_since: date | None

    def __new__(cls, text: str, *, state: str = PLAIN, unknown_since: date | None = None):
        obj = super().__new__(cls, text)
        obj.state = state
        obj.unknown_since = unknown_since
        return obj


def verdict_state(assessment) -> str:
    """ELIGIBLE, ATTENTION or PLAIN for an `Assessment` (see the module's docstring)."""
    if assessment.settled_since is not None:
        return PLAIN
    if (
        assessment.if_permission_continued is not None
        or assessment.status_unknown_since is not None
        or assessment.without_permission_since is not None
    ):
        return ATTENTION
    return ELIGIBLE if assessment.eligible else PLAIN


def line_html(line: str, state: str, *, asked: bool = False) -> str:
    """A verdict line as rich text for a QLabel: its look, and bold for the route asked about."""
    shown = html.escape(line)
    if asked:
        shown = f"<b>{shown} (the route asked about)</b>"
    if state == ATTENTION:
        return (
            f'<span style="color:{ATTENTION_INK}; background-color:{ATTENTION_FILL};">'
            f"{ATTENTION_MARK} {shown}</span>"
        )
    if state == ELIGIBLE:
        return f'<span style="color:{ELIGIBLE_INK};">{shown}</span>'
    return shown


def label_style(state: str) -> str:
    """A QLabel style sheet body for a whole label showing one verdict (the Residence tab)."""
    if state == ATTENTION:
        return ATTENTION_BOX_STYLE
    if state == ELIGIBLE:
        return f"color: {ELIGIBLE_INK};"
    return ""
