"""`build_handout` as the app calls it: with the phrases file's words and the figures files.

`desktop.printing.handout` does not load them itself (printing does not import desktop.assess:
see .importlinter), so the tests that print a real handout take this one."""

from __future__ import annotations

from typing import Any

from desktop.assess import handout_phrases, load_figures
from desktop.printing import handout


def build_handout(checklist, **kw: Any) -> bytes:
    """`handout.build_handout` with `phrases` and `figures` loaded as the callers load them."""
    kw.setdefault("phrases", handout_phrases())
    kw.setdefault("figures", load_figures)  # the loader: read only when a fee is printed
    return handout.build_handout(checklist, **kw)
