"""`dropin-desk mark-reviewed`: a native speaker's review written into a content file as
`[review.<lang>]`, every other byte kept, and nothing written when the result would not parse."""

from __future__ import annotations

import shutil
import tomllib
from datetime import date

import pytest

from desktop.assess import checklists_dir
from desktop.cli import main
from desktop.rules.checklists import parse_checklist, parse_phrase_reviews

PHRASES = checklists_dir() / "_phrases.toml"
CHECKLIST = checklists_dir() / "after_refusal.toml"


@pytest.fixture
def phrases(tmp_path):
    target = tmp_path / "_phrases.toml"
    shutil.copyfile(PHRASES, target)
    return target


@pytest.fixture
def checklist(tmp_path):
    target = tmp_path / "after_refusal.toml"
    shutil.copyfile(CHECKLIST, target)
    return target


def reviews_of(path):
    text = path.read_text(encoding="utf-8")
    return parse_phrase_reviews(tomllib.loads(text), name=path.name, text=text)


def test_a_review_is_added_to_the_phrases_file_and_nothing_else_changes(phrases, capsys):
    before = phrases.read_bytes()
    assert "ar" not in reviews_of(phrases)
    code = main(
        [
            "mark-reviewed",
            "--lang",
            "ar",
            "--by",
            "Layla Example",
            "--on",
            "2026-12-05",
            str(phrases),
        ]
    )
    assert code == 0
    after = phrases.read_bytes()
    assert after.startswith(before)  # every byte that was there is still there
    assert after[len(before) :] == b'\n[review.ar]\nby = "Layla Example"\non = 2026-12-05\n'
    review = reviews_of(phrases)["ar"]
    assert (review.by, review.on) == ("Layla Example", date(2026, 12, 5))
    assert "review.ar added" in capsys.readouterr().out


def test_a_second_review_replaces_the_first_in_place(checklist):
    assert (
        main(
            [
                "mark-reviewed",
                "--lang",
                "fa",
                "--by",
                "First Reviewer",
                "--on",
                "2026-11-01",
                str(checklist),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "mark-reviewed",
                "--lang",
                "ar",
                "--by",
                "Arabic Reviewer",
                "--on",
                "2026-11-02",
                str(checklist),
            ]
        )
        == 0
    )
    middle = checklist.read_text(encoding="utf-8")
    assert (
        main(
            [
                "mark-reviewed",
                "--lang",
                "fa",
                "--by",
                'Second "Reviewer"',
                "--on",
                "2026-12-01",
                str(checklist),
            ]
        )
        == 0
    )
    after = checklist.read_text(encoding="utf-8")
    assert after == middle.replace(
        '[review.fa]\nby = "First Reviewer"\non = 2026-11-01',
        '[review.fa]\nby = "Second \\"Reviewer\\""\non = 2026-12-01',
    )
    parsed = parse_checklist(tomllib.loads(after), name="after_refusal.toml", text=after)
    assert parsed.reviewed("fa").by == 'Second "Reviewer"'
    assert parsed.reviewed("ar").on == date(2026, 11, 2)
    original = CHECKLIST.read_text(encoding="utf-8")
    assert after.startswith(original)


def test_a_file_that_would_not_parse_is_left_alone_and_so_are_the_others(
    phrases, checklist, capsys
):
    # A checklist that already has `review` as a plain key: a [review.ar] table would clash.
    broken = checklist.read_text(encoding="utf-8").replace(
        "checked_on = ", 'review = "someone"\nchecked_on = ', 1
    )
    checklist.write_text(broken, encoding="utf-8")
    phrases_before, broken_before = phrases.read_bytes(), checklist.read_bytes()
    code = main(
        ["mark-reviewed", "--lang", "ar", "--by", "A Reviewer", str(phrases), str(checklist)]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("dropin-desk: ") and "after_refusal.toml" in err
    assert "nothing was written" in err and err.count("\n") == 1
    assert phrases.read_bytes() == phrases_before and checklist.read_bytes() == broken_before


def test_bad_arguments_are_one_line_and_write_nothing(phrases, capsys):
    before = phrases.read_bytes()
    assert main(["mark-reviewed", "--lang", "en", "--by", "X", str(phrases)]) == 2
    assert "English needs no review" in capsys.readouterr().err
    assert (
        main(["mark-reviewed", "--lang", "ar", "--by", "X", "--on", "5/12/2026", str(phrases)]) == 2
    )
    assert "--on" in capsys.readouterr().err
    assert main(["mark-reviewed", "--lang", "ar", "--by", "  ", str(phrases)]) == 2
    assert "reviewer's name" in capsys.readouterr().err
    assert (
        main(["mark-reviewed", "--lang", "ar", "--by", "X", str(phrases.parent / "nope.toml")]) == 2
    )
    assert "nope.toml" in capsys.readouterr().err
    assert phrases.read_bytes() == before


def test_crlf_files_keep_their_line_endings(phrases):
    text = phrases.read_bytes().replace(b"\n", b"\r\n")
    phrases.write_bytes(text)
    assert (
        main(["mark-reviewed", "--lang", "fa", "--by", "R", "--on", "2026-12-06", str(phrases)])
        == 0
    )
    after = phrases.read_bytes()
    assert (
        after.startswith(text)
        and after[len(text) :] == b'\r\n[review.fa]\r\nby = "R"\r\non = 2026-12-06\r\n'
    )
