"""`dropin-desk annotate`: statement files in, the flags as JSON and/or the annotation sheet
out, with no store and no passphrase. Synthetic statements of fictional people and shops."""

import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop import cli
from desktop.annotate import flags_json, parse_threshold, review_files

APP = "2026-04-15"

MONZO_HEADER = (
    "Transaction ID,Date,Time,Type,Name,Emoji,Category,Amount,Currency,Local amount,"
    "Local currency,Notes and #tags,Address,Receipt,Description,Category split,Money Out,"
    "Money In"
)


def monzo_line(n: int, on: str, kind: str, name: str, amount: str) -> str:
    out, money_in = (amount, "") if amount.startswith("-") else ("", amount)
    return (
        f"tx_0000{n:04d},{on},10:15:00,{kind},{name},,general,{amount},GBP,{amount},GBP,,,,"
        f"{name},,{out},{money_in}"
    )


def write_monzo(folder: Path, name: str = "monzo.csv", extra: tuple[str, ...] = ()) -> Path:
    """Six months of a Monzo-style current account: rent each month, a big car repair, a
    gift from a friend, and a transfer to the Nationwide savings account."""
    lines = [MONZO_HEADER]
    n = 0
    for month in ("2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"):
        y, m = month.split("-")
        n += 1
        lines.append(monzo_line(n, f"01/{m}/{y}", "Faster payment", "Example Lettings", "-650.00"))
        n += 1
        lines.append(monzo_line(n, f"09/{m}/{y}", "Card payment", "Greenleaf Cafe", "-3.40"))
    lines.append(monzo_line(90, "11/02/2026", "Card payment", "Made-up Motors", "-900.00"))
    lines.append(monzo_line(91, "14/03/2026", "Faster payment", "Omar Testperson", "300.00"))
    lines.append(monzo_line(92, "20/02/2026", "Faster payment", "Transfer to savings", "-120.00"))
    lines.append(monzo_line(93, "10/04/2026", "Card payment", "Greenleaf Cafe", "-60.00"))
    lines += extra
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_nationwide(folder: Path, bad_amount: bool = False) -> Path:
    """A Nationwide-style savings statement, newest first, cp1252 with £ signs, a preamble
    naming the account, ending in February (a gap before the application)."""
    rows = [
        '"Account Name:","Loyal Saver ****9876"',
        '"Account Balance:","£630.00"',
        '"Available Balance: ","£630.00"',
        "",
        '"Date","Transaction type","Description","Paid out","Paid in","Balance"',
        '"21 Feb 2026","Transfer","Transfer from current","","£120.00","£630.00"',
        '"01 Dec 2025","Interest","Interest","","£10.00","£510.00"'
        if not bad_amount
        else '"01 Dec 2025","Interest","Interest","","£1O.00","£510.00"',
        '"01 Oct 2025","Transfer","Opening deposit","","£500.00","£500.00"',
    ]
    path = folder / "nationwide.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    return path


def run(capsys, *args):
    code = cli.main(["annotate", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "statements"
    folder.mkdir()
    return write_monzo(folder), write_nationwide(folder)


@pytest.fixture(autouse=True)
def no_store(monkeypatch, tmp_path):
    """The command must not need a store or a passphrase."""
    monkeypatch.delenv(cli.PASSPHRASE_ENV, raising=False)
    monkeypatch.delenv(cli.ADVISER_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "no-data-here"))


# ---- JSON ------------------------------------------------------------------------------------


def test_json_lists_the_flags_and_coverage(capsys, files):
    code, out, err = run(capsys, *files, "--application-date", APP, "--json")
    assert code == 0, err
    assert err == ""
    data = json.loads(out)
    assert data["application_date"] == APP
    assert data["threshold"] == "250.00"
    assert [a["key"] for a in data["accounts"]] == ["monzo", "nationwide"]
    by_description = {f["description"]: f for f in data["flags"]}
    car = by_description["Made-up Motors"]
    assert car["amount"] == "-900.00"
    assert car["date"] == "2026-02-11"
    assert car["account"] == "monzo"
    assert car["account_label"].startswith("Monzo current")
    assert "large" in car["kinds"]
    assert len(car["sentences"]) == len(car["kinds"]) == len(car["rules"])
    assert all(r.startswith("Reference 003") for r in car["rules"])
    assert "from_person" in by_description["Omar Testperson"]["kinds"]
    assert "regular" in by_description["Example Lettings"]["kinds"]
    assert "Greenleaf Cafe" not in by_description or by_description["Greenleaf Cafe"]["amount"]
    # the transfer between the two files is matched both ways
    out_line = by_description["Transfer to savings"]
    in_line = by_description["Transfer from current"]
    assert "own_transfer" in out_line["kinds"]
    assert out_line["match"] == in_line["key"] and in_line["match"] == out_line["key"]
    assert out_line["suggested"]
    # coverage: the savings statement ends in February
    coverage = {c["account"]: c for c in data["coverage"]}
    assert coverage["monzo"]["ok"] is True
    assert coverage["nationwide"]["ok"] is False
    assert coverage["nationwide"]["ends_on"] == "2026-02-21"
    assert coverage["nationwide"]["missing"]
    assert coverage["nationwide"]["sentences"]
    flagged = len(data["flags"])
    assert data["progress"] == {"explained": 2, "flagged": flagged}  # the matched transfers
    assert data["final"] is False
    # why not final: the unexplained lines and the savings statements that stop in February
    reasons = data["draft_reasons"]
    assert reasons[0] == f"{flagged - 2} of {flagged} flagged lines are not explained yet."
    assert any(
        r.startswith(coverage["nationwide"]["label"] + ": no statements from") for r in reasons
    )
    assert "sheet" not in data


def test_a_lower_threshold_flags_more(capsys, files):
    code, out, _ = run(capsys, *files, "--application-date", APP, "--json")
    standard = json.loads(out)
    code, out, err = run(capsys, *files, "--application-date", APP, "--json", "--threshold", "£50")
    assert code == 0, err
    cautious = json.loads(out)
    assert cautious["threshold"] == "50.00"
    big = lambda data: {f["description"] for f in data["flags"] if "large" in f["kinds"]}  # noqa: E731
    assert "Greenleaf Cafe" in big(cautious) - big(standard)  # the £60 line


@pytest.mark.parametrize("text", ["250", "50", "£50", "50.00", " £1,000 ", "0.01"])
def test_threshold_forms(text):
    assert parse_threshold(text) == Decimal(text.strip().lstrip("£").replace(",", ""))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("-50", "below zero"),
        ("£-50", "below zero"),
        ("0", "zero"),
        ("£0.00", "zero"),
        ("fifty", "not an amount of money"),
        ("50.123", "not an amount of money"),
        ("£", "not an amount of money"),
        ("1e3", "not an amount of money"),
        ("NaN", "not an amount of money"),
    ],
)
def test_bad_thresholds_are_refused(capsys, files, text, words):
    with pytest.raises(ValueError, match=words):
        parse_threshold(text)
    code, out, err = run(capsys, *files, "--application-date", APP, "--json", f"--threshold={text}")
    assert code == cli.EXIT_PROBLEM
    assert out == ""
    line = one_line(err)
    assert line.startswith("dropin-desk: --threshold: ")
    assert words in line


# ---- the sheet -------------------------------------------------------------------------------


def test_out_writes_the_sheet_and_prints_where(capsys, files, tmp_path, monkeypatch):
    monkeypatch.setenv(cli.ADVISER_ENV, "Sam Adviser")
    out = tmp_path / "sheet.pdf"
    code, stdout, err = run(
        capsys, *files, "--application-date", APP, "--out", out, "--client-name", "Amina Testperson"
    )
    assert code == 0, err
    assert stdout.strip() == str(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.pdf", "statements"]
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)
    texts = [" ".join(p.extract_text().split()) for p in reader.pages]
    whole = " ".join(texts)
    assert "Client Amina Testperson" in texts[0]
    assert "Prepared with Sam Adviser" in texts[0]
    assert all("DRAFT" in t for t in texts)  # nothing explained yet
    assert "Made-up Motors" in whole and "£900.00" in whole
    assert "Get Nationwide statements from" in whole
    assert "Omar Testperson: £300.00 in all" in whole


def test_out_and_json_together(capsys, files, tmp_path):
    out = tmp_path / "sheet.pdf"
    code, stdout, err = run(capsys, *files, "--application-date", APP, "--out", out, "--json")
    assert code == 0, err
    data = json.loads(stdout)
    assert data["sheet"] == str(out)
    assert out.read_bytes().startswith(b"%PDF")


# ---- problems --------------------------------------------------------------------------------


def test_a_bad_file_names_the_file_line_and_column(capsys, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    monzo = write_monzo(folder)
    bad = write_nationwide(folder, bad_amount=True)
    out = tmp_path / "sheet.pdf"
    code, stdout, err = run(capsys, monzo, bad, "--application-date", APP, "--out", out, "--json")
    assert code == cli.EXIT_PROBLEM
    assert stdout == ""
    line = one_line(err)
    assert "nationwide.csv" in line
    assert "line 7" in line
    assert "Paid in" in line
    assert not out.exists()


def test_a_missing_file(capsys, tmp_path, files):
    code, stdout, err = run(
        capsys, files[0], tmp_path / "gone.csv", "--application-date", APP, "--json"
    )
    assert code == cli.EXIT_PROBLEM
    assert stdout == ""
    assert "gone.csv" in one_line(err)


def test_unreadable_kind_of_file(capsys, tmp_path):
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(b"%PDF-1.4 not a statement")
    code, _out, err = run(capsys, pdf, "--application-date", APP, "--json")
    assert code == cli.EXIT_PROBLEM
    assert "statement.pdf" in one_line(err)


def test_out_or_json_is_required(capsys, files):
    code, stdout, err = run(capsys, *files, "--application-date", APP)
    assert code == cli.EXIT_PROBLEM
    assert stdout == ""
    line = one_line(err)
    assert "--out" in line and "--json" in line


def test_the_application_date_is_checked(capsys, files):
    code, _out, err = run(capsys, *files, "--application-date", "15/04/2026", "--json")
    assert code == cli.EXIT_PROBLEM
    assert "--application-date" in one_line(err)
    with pytest.raises(SystemExit) as exit_:  # a usage problem: argparse stops there
        cli.main(["annotate", *map(str, files), "--json"])
    assert exit_.value.code == cli.EXIT_PROBLEM
    assert "--application-date" in one_line(capsys.readouterr().err)


def test_out_folder_must_exist(capsys, files, tmp_path):
    code, _out, err = run(
        capsys, *files, "--application-date", APP, "--out", tmp_path / "nope" / "s.pdf"
    )
    assert code == cli.EXIT_PROBLEM
    assert "does not exist" in one_line(err)


# ---- the glue --------------------------------------------------------------------------------


def test_files_with_the_same_name_are_two_accounts(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    review, txns, accounts = review_files(
        [write_monzo(a), write_monzo(b)], date(2026, 4, 15), Decimal("250")
    )
    assert [x.key for x in accounts] == ["monzo", "monzo-2"]
    assert {t.account for t in txns} == {"monzo", "monzo-2"}
    assert all(x.holder == "holder not given" for x in accounts)
    assert accounts[0].periods == ((date(2025, 10, 1), date(2026, 4, 10)),)
    assert [c.account for c in review.coverage] == ["monzo", "monzo-2"]


def test_account_details_come_from_the_file(tmp_path):
    nationwide = write_nationwide(tmp_path)
    _review, _txns, accounts = review_files([nationwide], date(2026, 4, 15))
    account = accounts[0]
    assert account.bank == "Nationwide"
    assert account.last_four == "9876"
    assert account.periods[0][0] == date(2025, 10, 1)


def test_flags_json_money_is_strings(tmp_path):
    review, _t, _a = review_files([write_monzo(tmp_path)], date(2026, 4, 15))
    data = flags_json(review)
    text = json.dumps(data)
    assert json.loads(text) == data
    for flag in data["flags"]:
        assert isinstance(flag["amount"], str)
        Decimal(flag["amount"])  # exact
        assert flag["balance"] is None or isinstance(flag["balance"], str)


def test_a_bad_saved_layout_is_named_on_stderr_and_the_files_still_read(tmp_path, capsys):
    """Issue 15: one bad file in bank_formats/ made every import fail, blaming the statement.
    annotate reads the layouts saved in the data folder, leaves a bad one out and names it."""
    data = tmp_path / "data"
    (data / "bank_formats").mkdir(parents=True)
    (data / "bank_formats" / "broken_layout.toml").write_text("this is [not toml", "utf-8")
    statement = write_monzo(tmp_path)
    code = cli.main(
        ["annotate", str(statement), "--application-date", APP, "--json", "--data-dir", str(data)]
    )
    out, err = capsys.readouterr()
    assert code == 0
    assert "broken_layout.toml" in err
    assert json.loads(out)["flags"]


def test_a_layout_saved_in_the_data_folder_is_recognised(tmp_path, capsys):
    data = tmp_path / "data"
    statement = tmp_path / "own_bank.csv"
    lines = ["When,What,Money,Left"] + [
        f"0{m}/01/2026,RENT PAYMENT,-650.00,{1000 + m}.00" for m in range(1, 4)
    ]
    statement.write_text("\n".join(lines) + "\n", "utf-8")
    assert cli.main(["annotate", str(statement), "--application-date", APP, "--json"]) == 2
    assert "own_bank.csv" in capsys.readouterr().err  # no packaged layout knows it

    (data / "bank_formats").mkdir(parents=True)
    (data / "bank_formats" / "own_bank.toml").write_text(
        'key = "own_bank"\nname = "Own bank"\nbank = "Own bank"\n'
        'header = ["When", "What", "Money", "Left"]\n'
        'source = "saved with Save as layout"\nverified = false\n\n'
        '[columns]\ndate = "When"\ndescription = ["What"]\namount = "Money"\n'
        'balance = "Left"\ndate_formats = ["%d/%m/%Y"]\nnegate = false\n',
        "utf-8",
    )
    code = cli.main(
        ["annotate", str(statement), "--application-date", APP, "--json", "--data-dir", str(data)]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert len(json.loads(out)["accounts"]) == 1
