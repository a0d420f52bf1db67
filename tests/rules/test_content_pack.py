"""The pure part of content update packs: manifest, versions, changes and content age."""

from datetime import date

import pytest

from desktop.content import manifest_bytes, parse_manifest
from desktop.rules.content_pack import (
    FRESH,
    STALE,
    UNDATED,
    Changes,
    Manifest,
    PackError,
    PackFile,
    change_lines,
    checklist_changes,
    compatibility_problem,
    content_ages,
    figure_changes,
    path_problem,
    stale_files,
    version_problem,
)

SHA = "a" * 64


def manifest(**kw) -> Manifest:
    base = dict(
        format=1,
        pack_version=3,
        made_on=date(2026, 12, 6),
        min_app="0.1.0",
        files=(PackFile("rules/fees.toml", SHA, 10, date(2026, 12, 1)),),
    )
    base.update(kw)
    return Manifest(**base)


def test_a_file_checked_more_than_the_limit_ago_is_stale_and_one_without_a_date_is_flagged():
    ages = content_ages(
        [
            ("rules/fees.toml", date(2026, 6, 8)),  # 181 days before
            ("rules/finance.toml", date(2026, 6, 9)),  # exactly 180 days: still fresh
            ("checklists/windrush.toml", None),
            ("checklists/odd.toml", date(2027, 1, 1)),  # after today: cannot be right
        ],
        date(2026, 12, 6),
        180,
    )
    by_path = {a.path: a for a in ages}
    assert by_path["rules/fees.toml"].state == STALE and by_path["rules/fees.toml"].days == 181
    assert by_path["rules/finance.toml"].state == FRESH
    assert by_path["checklists/windrush.toml"].state == UNDATED
    assert by_path["checklists/odd.toml"].state == UNDATED
    assert [a.path for a in stale_files(ages)] == [
        "checklists/odd.toml",
        "checklists/windrush.toml",
        "rules/fees.toml",
    ]


def test_the_limit_is_a_parameter():
    ages = content_ages([("rules/fees.toml", date(2026, 11, 1))], date(2026, 12, 6), 30)
    assert ages[0].state == STALE


def test_a_manifest_round_trips_through_its_bytes():
    m = manifest()
    assert parse_manifest(manifest_bytes(m)) == m


@pytest.mark.parametrize(
    "change, said",
    [
        ({"pack_version": 0}, "pack_version"),
        ({"pack_version": True}, "pack_version"),
        ({"made_on": "yesterday"}, "made_on"),
        ({"min_app": "latest"}, "not like 1.2.3"),
        ({"files": []}, "lists no files"),
    ],
)
def test_a_bad_manifest_is_refused_with_its_reason(change, said):
    import json

    doc = json.loads(manifest_bytes(manifest()))
    doc.update(change)
    with pytest.raises(PackError, match=said):
        parse_manifest(json.dumps(doc).encode())


def test_a_manifest_listing_an_escaping_path_is_refused():
    import json

    doc = json.loads(manifest_bytes(manifest()))
    doc["files"][0]["path"] = "../rules/fees.toml"
    with pytest.raises(PackError, match="points outside the pack"):
        parse_manifest(json.dumps(doc).encode())


@pytest.mark.parametrize(
    "path", ["rules/fees.toml", "checklists/_phrases.toml", "bank_formats/chase_uk.toml"]
)
def test_content_paths_are_allowed(path):
    assert path_problem(path) is None


@pytest.mark.parametrize(
    "path",
    ["../x.toml", "/rules/x.toml", "C:/x.toml", "rules/a/b.toml", "rules/.x.toml", "rules/x.py"],
)
def test_other_paths_are_not(path):
    assert path_problem(path)


def test_versions_compare_as_numbers():
    assert compatibility_problem(manifest(min_app="0.1.0"), "0.10.0") is None
    assert "0.10.0 or later" in compatibility_problem(manifest(min_app="0.10.0"), "0.9.9")
    assert "format 2" in compatibility_problem(manifest(format=2), "0.1.0")


def test_only_a_newer_pack_replaces_the_content_in_use():
    assert version_problem(4, 3, "pack 3") is None
    assert "same version" in version_problem(3, 3, "pack 3")
    assert "older than the content in use" in version_problem(2, 3, "pack 3")


def test_checklist_items_are_compared_by_id():
    old = {"item": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]}
    new = {"item": [{"id": "a", "text": "A, changed"}, {"id": "c", "text": "C"}]}
    change = checklist_changes("checklists/x.toml", old, new)
    assert (change.added, change.removed, change.changed) == (("c",), ("b",), ("a",))


def test_figure_changes_give_old_and_new_values_with_their_dates():
    old = [{"figure": [{"key": "fee.ilr", "value": 3029, "effective_from": date(2025, 4, 9)}]}]
    new = [
        {
            "figure": [
                {"key": "fee.ilr", "value": 3029, "effective_from": date(2025, 4, 9)},
                {"key": "fee.ilr", "value": 3200, "effective_from": date(2026, 4, 8)},
            ]
        }
    ]
    (change,) = figure_changes(old, new)
    assert (change.key, change.effective_from, change.old, change.new) == (
        "fee.ilr",
        date(2026, 4, 8),
        3029,
        3200,
    )
    lines = change_lines(
        Changes(changed=("rules/fees.toml",), figures=(change,)),
        pack_version=3,
        made_on=date(2026, 12, 6),
        in_use="pack 2",
    )
    assert "  fee.ilr from 2026-04-08: 3029 -> 3200" in lines
    assert lines[0] == "Content pack 3, made on 2026-12-06, replaces pack 2."
