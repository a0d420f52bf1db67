"""Issue 10 point 12: no "1 member(s)", no "()" in verdicts, no "Refugee permission permission"."""

from datetime import date

from desktop.rules.history import Permission
from desktop.rules.wording import plural, tidy


def test_plural_words():
    assert plural(1, "member") == "1 member"
    assert plural(0, "member") == "0 members"
    assert plural(2, "child", "children") == "2 children"


def test_tidy_takes_out_empty_brackets_and_doubled_permission():
    assert tidy("Not eligible on 1 Sep 2026 ().") == "Not eligible on 1 Sep 2026."
    assert tidy("Counts ( ; ) towards it.") == "Counts towards it."
    assert tidy("Refugee permission permission: counts") == "Refugee permission: counts"
    text = "Eligible (Appendix Settlement Protection SP 2.1)."
    assert tidy(text) == text


def test_record_phrases_name_a_permission_once():
    from desktop.ui.record_dialog import describe

    phrase = describe("permission", Permission("refugee", date(2021, 12, 1), date(2026, 11, 30)))
    assert phrase.startswith("Refugee permission (from 1 December 2021")
    assert "permission permission" not in phrase.lower()
