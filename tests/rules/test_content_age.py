"""How old guidance content is (desktop/rules/content_age.py)."""

from datetime import date

from desktop.rules.content_age import DEFAULT_MAX_AGE_DAYS, checked_words, is_stale

TODAY = date(2026, 12, 6)


def test_the_limit_is_inclusive():
    assert DEFAULT_MAX_AGE_DAYS == 180
    assert not is_stale(date(2026, 6, 9), TODAY, 180)  # exactly 180 days old
    assert is_stale(date(2026, 6, 8), TODAY, 180)  # 181 days
    assert not is_stale(TODAY, TODAY, 0)
    assert is_stale(None, TODAY, 10_000)  # never checked counts as old


def test_words_for_the_adviser():
    assert checked_words(date(2026, 12, 1), TODAY, 180) == (
        "Checked against its sources on 1 December 2026."
    )
    old = checked_words(date(2026, 1, 5), TODAY, 180)
    assert old.startswith("Checked against its sources on 5 January 2026. That is 335 days ago")
    assert "more than the 180 days this centre allows" in old
    assert "check it against current guidance" in checked_words(None, TODAY, 180)
