"""Time to make a printed client handout (never asserted in tests).

Prints the median time to build the PDF bytes of the largest checklist (the most items, every
circumstance ticked) in English and Arabic, normal and large print, with a client's name, three
dates and the money box. Target: under 1 s each (the handout dialog makes it on a click).

Most of the time is HarfBuzz shaping and the font subsetting fpdf2 does on output. Synthetic
data only.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop.assess import handout_phrases, load_checklists, load_figures  # noqa: E402
from desktop.printing.handout import HandoutDate, HandoutLine, build_handout  # noqa: E402
from desktop.rules.finance import check_financial_requirement  # noqa: E402

RUNS = 7


def largest():
    checklists = load_checklists()
    return max(checklists.values(), key=lambda c: (len(c.items), c.id))


def main() -> None:
    checklist = largest()
    phrases = handout_phrases()
    money = check_financial_requirement(
        stage="entry_clearance",
        application_date=date(2026, 3, 1),
        income=25000,
        figures=load_figures(),
        savings=20000,
    )
    dates = [
        HandoutDate(date(2026, 3, 16), "Appeal deadline"),
        HandoutDate(date(2026, 4, 14), "Last day to apply to extend your permission"),
        HandoutDate(date(2026, 12, 15), "Earliest date to apply for settlement"),
    ]
    print(f"checklist {checklist.id}: {len(checklist.items)} items (all of them printed)")
    for lang in ("en", "ar"):
        lines = [
            HandoutLine(
                checklist.text(item, lang),
                item.provider,
                done=n % 3 == 0,
                received_on=date(2026, 2, 2) if n % 3 == 0 else None,
                not_applicable=n % 7 == 6,
                section=item.section,
            )
            for n, item in enumerate(checklist.items)
        ]
        for large in (False, True):
            times, size = [], 0
            for _ in range(RUNS):
                start = time.perf_counter()
                pdf = build_handout(
                    checklist,
                    lang=lang,
                    large_print=large,
                    lines=lines,
                    client_name="Amina Testperson",
                    centre_name="Example Advice Centre",
                    centre_contact="01632 960 123",
                    adviser="Sam Adviser",
                    made_on=date(2026, 3, 2),
                    dates=dates,
                    money=money,
                    phrases=phrases,
                )
                times.append(time.perf_counter() - start)
                size = len(pdf)
            print(
                f"{lang} {'large ' if large else 'normal'} print: "
                f"median {statistics.median(times) * 1000:.0f} ms over {RUNS} runs, "
                f"{size / 1024:.0f} KiB"
            )


if __name__ == "__main__":
    main()
