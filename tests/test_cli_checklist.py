"""`dropin-desk checklist`: --list, the handout PDF, clear messages for a wrong route or
language, and --client with a store (name, dates, ticks, the centre). Fictional people."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop import cli
from desktop.assess import history_of_case, load_checklists
from desktop.store import checklists as stored
from desktop.store import repository
from desktop.store.database import Store
from tests.store.conftest import CHEAP_KDF, PASSPHRASE

ROOT = Path(__file__).resolve().parents[1]
REFUGEE = ROOT / "tests" / "data" / "cases" / "protection_refugee.json"


def run(capsys, *args):
    code = cli.main(["checklist", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def text_of(path: Path) -> str:
    """The handout's text, without the invisible isolates around typed values (U+2068 and
    U+2069: tests/printing/test_bidi_text.py)."""
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    return text.replace("\u2068", "").replace("\u2069", "")


@pytest.fixture(autouse=True)
def no_centre(monkeypatch):
    for name in (cli.CENTRE_ENV, cli.CENTRE_CONTACT_ENV, cli.ADVISER_ENV, cli.PASSPHRASE_ENV):
        monkeypatch.delenv(name, raising=False)


def test_list_prints_one_checklist_a_line_id_tab_title(capsys):
    code, out, err = run(capsys, "--list")
    assert code == 0 and err == ""
    checklists = load_checklists()
    lines = out.splitlines()
    assert lines == [f"{c.id}\t{c.title}" for c in checklists.values()]
    assert "spouse_entry_clearance" in [line.split("\t")[0] for line in lines]


def test_out_writes_the_handout_and_prints_its_path(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv(cli.CENTRE_ENV, "Example Advice Centre")
    monkeypatch.setenv(cli.CENTRE_CONTACT_ENV, "01632 960 123")
    out = tmp_path / "handout.pdf"
    code, stdout, err = run(
        capsys,
        "spouse_entry_clearance",
        "--out",
        out,
        "--today",
        "2026-03-02",
        "--adviser",
        "Sam Adviser",
    )
    assert code == 0, err
    assert stdout.strip() == str(out) and err == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handout.pdf"]  # no temp file left
    text = text_of(out)
    checklist = load_checklists()["spouse_entry_clearance"]
    assert text.startswith("Example Advice Centre 01632 960 123")
    assert " ".join(checklist.title.split()) in text
    assert "Made on Monday 2 March 2026 with Sam Adviser" in text
    for item in checklist.items_for(()):
        assert " ".join(item.text.split()) in text


def test_large_print_and_language_options(capsys, tmp_path):
    out = tmp_path / "ar.pdf"
    code, _out, err = run(capsys, "fee_waiver", "--lang", "ar", "--large-print", "--out", out)
    assert code == 0, err
    reader = PdfReader(out)
    fonts = {
        str(f.get_object()["/BaseFont"])
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()
    }
    assert any("NotoNaskhArabic" in name for name in fonts)
    assert load_checklists()["fee_waiver"].title_in("ar").split()[0] in text_of(out)


def test_unknown_route_names_the_checklists(capsys, tmp_path):
    code, out, err = run(capsys, "spouse_visa", "--out", tmp_path / "x.pdf")
    assert code == 2 and out == ""
    line = one_line(err)
    assert "there is no checklist 'spouse_visa'" in line
    for checklist_id in load_checklists():
        assert checklist_id in line
    assert list(tmp_path.iterdir()) == []


def test_a_language_the_checklist_lacks_is_refused_naming_those_it_has(capsys, tmp_path):
    code, _out, err = run(capsys, "fee_waiver", "--lang", "de", "--out", tmp_path / "x.pdf")
    assert code == 2
    line = one_line(err)
    assert line.startswith("dropin-desk: --lang: 'de' is not a language of the checklist")
    assert "en (English), ar (العربية), fa (فارسی)" in line


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "give a checklist id (ROUTE), or --list"),
        (["fee_waiver"], "--out HANDOUT.pdf"),
        (["fee_waiver", "--list"], "give --list or a ROUTE, not both"),
        (["fee_waiver", "--out", "/no/such/folder/x.pdf"], "the folder /no/such/folder"),
        (["fee_waiver", "--out", "x.pdf", "--today", "2026-13-01"], "--today"),
    ],
)
def test_argument_problems_are_one_line_and_exit_2(capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert message in one_line(err)


def test_argparse_errors_exit_2_in_one_line(capsys):
    code = None
    with pytest.raises(SystemExit) as exc:
        cli.main(["checklist", "fee_waiver", "--client", "seven"])
    code = exc.value.code
    assert code == 2
    assert "--client" in one_line(capsys.readouterr().err)


# ---- with a client from the store ----------------------------------------------------------------


@pytest.fixture
def store_with_client(tmp_path):
    """A store holding one fictional refugee with a protection settlement list started and
    one paper received; the centre's name is in the settings."""
    folder = tmp_path / "data"
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    checklist = load_checklists()["protection_settlement"]
    try:
        with store.session() as session:
            client_id = repository.create_client(
                session, repository.ClientDetails(full_name="Amina Testperson"), "test"
            )
            history = history_of_case(json.loads(REFUGEE.read_text()))
            repository.save_history(session, client_id, history, "test")
            repository.set_setting(session, "centre_name", "Riverside Advice Drop-in")
            list_id = stored.start_checklist(
                session, client_id, checklist, (), "test", on=date(2024, 1, 2)
            )
            items = stored.checklist_of(session, list_id).items
            stored.mark_received(session, items[0].id, date(2024, 1, 5), "test")
            stored.mark_not_applicable(session, items[1].id, "They have no travel document.", "t")
    finally:
        store.close()
    return folder, client_id, checklist, items


def test_client_handout_has_their_name_dates_ticks_and_the_centre(
    capsys, tmp_path, monkeypatch, store_with_client
):
    folder, client_id, checklist, items = store_with_client
    monkeypatch.setenv(cli.PASSPHRASE_ENV, PASSPHRASE)
    monkeypatch.setenv(cli.CENTRE_ENV, "Name From The Environment")
    monkeypatch.setenv(cli.CENTRE_CONTACT_ENV, "01632 960 999")
    out = tmp_path / "amina.pdf"
    code, _stdout, err = run(
        capsys,
        "protection_settlement",
        "--client",
        client_id,
        "--data-dir",
        folder,
        "--out",
        out,
        "--today",
        "2024-01-10",
    )
    assert code == 0, err
    text = text_of(out)
    assert "Client: Amina Testperson" in text
    # The store's setting wins over the environment; the contact is not set there.
    assert text.startswith("Riverside Advice Drop-in 01632 960 999")
    assert "Name From The Environment" not in text
    assert "Your dates" in text
    assert "Tuesday 15 December 2026" in text  # earliest date to apply, from the history
    assert "Thursday 14 January 2027" in text  # permission ends
    # In plain words (issue 18), never the engine's record names.
    assert "permissions[" not in text and "Your permission ends on Thursday 14 January 2027" in text
    assert "The earliest you can apply to stay for good: Tuesday 15 December 2026" in text
    assert "Received Friday 5 January 2024" in text
    assert text.index("Not needed") < text.index(" ".join(items[1].text.split()))
    # The PDF's metadata does not name the client.
    assert "Amina" not in str(PdfReader(out).metadata)


def test_client_without_a_list_gets_the_template_items(capsys, tmp_path, monkeypatch):
    folder = tmp_path / "data"
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    try:
        with store.session() as session:
            client_id = repository.create_client(
                session, repository.ClientDetails(full_name="Sami Testperson"), "test"
            )
    finally:
        store.close()
    monkeypatch.setenv(cli.PASSPHRASE_ENV, PASSPHRASE)
    out = tmp_path / "sami.pdf"
    code, _stdout, err = run(
        capsys, "fee_waiver", "--client", client_id, "--data-dir", folder, "--out", out
    )
    assert code == 0, err
    text = text_of(out)
    assert "Client: Sami Testperson" in text
    for item in load_checklists()["fee_waiver"].items_for(()):
        assert " ".join(item.text.split()) in text
    assert "Received" not in text


def test_unknown_client_and_wrong_passphrase_are_one_line(
    capsys, tmp_path, monkeypatch, store_with_client
):
    folder, _client_id, _checklist, _items = store_with_client
    monkeypatch.setenv(cli.PASSPHRASE_ENV, PASSPHRASE)
    out = tmp_path / "x.pdf"
    code, _o, err = run(capsys, "fee_waiver", "--client", 99, "--data-dir", folder, "--out", out)
    assert code == 2 and "no client with id 99" in one_line(err)
    monkeypatch.setenv(cli.PASSPHRASE_ENV, "not the passphrase")
    code, _o, err = run(capsys, "fee_waiver", "--client", 1, "--data-dir", folder, "--out", out)
    assert code == 2 and "wrong passphrase" in one_line(err)
    assert not out.exists()
