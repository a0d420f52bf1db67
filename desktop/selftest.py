"""`dropin-desk --self-test`: check an install (a wheel, a bundle) without touching real data.

Everything happens in a temporary folder that is removed afterwards, with fictional clients
only (desktop.store.demo): an encrypted store is created, the demo clients imported, one
assessed, each kind of PDF the product makes built into the folder and checked, a tiny
synthetic bank CSV read, and the store locked, unlocked and reopened. One line per step:

    ok  store: created (encrypted; quick key costs for the test)
    ...
    Self-test passed

or, at the first step that goes wrong, "FAILED <step>: <kind of error>: <short message>" and
exit status 1. The store uses the lowest Argon2id costs the header allows (8 MiB, one pass),
so the test takes seconds: real stores keep the default costs (desktop.store.crypto).

Qt is never imported: the test runs on a machine (or CI runner) with no display. Data files
come through desktop.RESOURCES_DIR and desktop.MIGRATIONS_DIR (inside the package in a wheel
or a bundle, the checkout's resources/ and db/migrations/ in a source tree), so each install
reads its own copies; nothing is read from tests/. Before the first step, the files every step
needs are looked for: a missing one gives "FAILED data: ..." naming it (no "ok" line when all
are there).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

__all__ = [
    "DATA_FILES",
    "SelfTestFailed",
    "STEPS",
    "missing_data",
    "pdf_page_count",
    "run_self_test",
    "version_text",
]

#: The cheapest Argon2id costs the store header accepts (desktop.store.crypto ranges).
QUICK_KDF = {"time_cost": 1, "memory_cost_kib": 8 * 1024, "parallelism": 1}
#: Only ever used for the throw-away store in the temporary folder.
PASSPHRASE = "self-test passphrase only"
ADVISER = "Self-test"
#: No failure message is longer than this.
MESSAGE_LIMIT = 160

#: A tiny synthetic Monzo export: made-up shops and a fictional payer.
SYNTHETIC_CSV = (
    "Transaction ID,Date,Time,Type,Name,Emoji,Category,Amount,Currency,Local amount,"
    "Local currency,Notes and #tags,Address,Receipt,Description\n"
    "tx_SELFTEST01,02/03/2026,09:15:00,Card payment,Plumtree Grocer,,Groceries,-12.40,GBP,"
    "-12.40,GBP,,,,PLUMTREE GROCER\n"
    "tx_SELFTEST02,05/03/2026,12:00:00,Faster payment,Example Friend,,Transfers,75.00,GBP,"
    "75.00,GBP,,,,GIFT FROM FRIEND\n"
    "tx_SELFTEST03,09/03/2026,08:30:00,Direct Debit,Lanternfield Energy,,Bills,-41.25,GBP,"
    "-41.25,GBP,,,,LANTERNFIELD ENERGY\n"
)


#: Files every install needs, by folder: (desktop attribute, name shown, files below it).
DATA_FILES = (
    (
        "RESOURCES_DIR",
        "resources",
        (
            "content_version.toml",
            "rules/residence.toml",
            "rules/fees.toml",
            "rules/casework.toml",
            "checklists/_phrases.toml",
            "letters/_common.toml",
            "bank_formats/monzo.toml",
            "fonts/NotoSans-Regular.ttf",
            "fonts/NotoNaskhArabic-Regular.ttf",
        ),
    ),
    ("MIGRATIONS_DIR", "migrations", ("env.py", "script.py.mako")),
)


def missing_data() -> list[str]:
    """The files of DATA_FILES that are not where desktop.RESOURCES_DIR and
    desktop.MIGRATIONS_DIR say, named from their folder ("resources/rules/fees.toml")."""
    import desktop

    missing = []
    for attribute, shown, names in DATA_FILES:
        folder = Path(getattr(desktop, attribute))
        missing += [f"{shown}/{name}" for name in names if not (folder / name).is_file()]
    if not any(Path(desktop.MIGRATIONS_DIR).glob("versions/*.py")):
        missing.append("migrations/versions/*.py")
    return missing


class SelfTestFailed(Exception):
    """A step ran but its result is wrong (the message says what, with no personal data)."""


def version_text() -> str:
    """ "dropin-desk 0.1.0": the installed distribution's version, else desktop.__version__
    (a source tree or a bundle without metadata), else "unknown"."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        number = version("dropin-desk")
    except PackageNotFoundError:
        import desktop

        number = getattr(desktop, "__version__", None) or "unknown"
    return f"dropin-desk {number}"


_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def pdf_page_count(data: bytes) -> int:
    """Pages in a PDF made by reportlab or fpdf2 (neither packs objects into streams), or
    SelfTestFailed when `data` is not a whole PDF."""
    if not data.startswith(b"%PDF-"):
        raise SelfTestFailed("the file does not start with %PDF-")
    if b"%%EOF" not in data[-1024:]:
        raise SelfTestFailed("the file does not end with %%EOF (cut short)")
    pages = len(_PAGE.findall(data))
    if pages == 0:
        raise SelfTestFailed("the PDF has no pages")
    return pages


class _Run:
    """What the steps share: the temporary folder, the store and what was made in it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.store = None
        self.client_ids: list[int] = []
        self.history = None
        self.statement_client: int | None = None

    def write_pdf(self, name: str, data: bytes) -> str:
        from desktop.printing.common import write_atomically

        path = self.folder / name
        write_atomically(path, data)
        pages = pdf_page_count(path.read_bytes())
        return f"{pages} page{'s' if pages != 1 else ''}"

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


def _store(run: _Run) -> str:
    from desktop.store.database import Store

    run.store = Store.create(run.folder / "store", PASSPHRASE, kdf_costs=QUICK_KDF)
    if not (run.folder / "store" / "store.db").is_file():
        raise SelfTestFailed("no store.db was written")
    head = (run.folder / "store" / "store.db").read_bytes()[:16]
    if head.startswith(b"SQLite format 3"):
        raise SelfTestFailed("store.db is not encrypted")
    return "created, encrypted (quick key costs for the test)"


def _import(run: _Run) -> str:
    from desktop.store import repository
    from desktop.store.demo import _DEMO_CASES, fill_demo

    run.client_ids = fill_demo(run.store, adviser=ADVISER)
    if len(run.client_ids) != len(_DEMO_CASES):
        raise SelfTestFailed(f"{len(run.client_ids)} of {len(_DEMO_CASES)} clients imported")
    with run.store.session() as session:
        run.history = repository.load_history(session, run.client_ids[0])
        count = repository.client_count(session)
    if count != len(_DEMO_CASES):
        raise SelfTestFailed(f"the store holds {count} clients, not {len(_DEMO_CASES)}")
    for client_id, case in zip(run.client_ids, _DEMO_CASES, strict=True):
        if case.get("statements"):
            run.statement_client = client_id
    if run.statement_client is None:
        raise SelfTestFailed("no demo client has bank statements")
    return f"{count} fictional clients"


def _assess(run: _Run) -> str:
    from desktop.assess import assess_history

    result = assess_history(run.history)
    if not result.reasons:
        raise SelfTestFailed("the verdict gives no reasons")
    verdict = "eligible" if result.eligible else "not yet eligible"
    return f"{result.route}: {verdict}, {len(result.reasons)} reasons"


def _residence_report(run: _Run) -> str:
    from desktop.assess import timeline_for
    from desktop.printing.residence_report import build_residence_report

    today = date.today()
    timeline = timeline_for(run.history, today=today)
    pdf = build_residence_report(
        run.history,
        timeline,
        client_name="Fictional client (self-test)",
        reference="SELF-TEST",
        adviser=ADVISER,
        made_on=today,
        today=today,
    )
    return run.write_pdf("residence-report.pdf", pdf)


def _annotation_sheet(run: _Run) -> str:
    from desktop.assess import load_figures, statement_vocabulary
    from desktop.printing.annotation_sheet import build_annotation_sheet
    from desktop.rules.statements import review, thresholds
    from desktop.store import statements

    with run.store.session() as session:
        inputs = statements.review_inputs(session, run.statement_client)
    on = inputs.settings.application_date
    if on is None or not inputs.txns:
        raise SelfTestFailed("the demo statements were not stored")
    figures = load_figures()
    result = review(
        inputs.accounts,
        inputs.txns,
        on,
        figures,
        statement_vocabulary(),
        threshold=thresholds(figures, on)[inputs.settings.threshold],
        household=inputs.household,
        explanations=inputs.explanations,
    )
    if not result.flags:
        raise SelfTestFailed("the statement checks flagged no line in the demo statements")
    pdf = build_annotation_sheet(
        result,
        list(inputs.txns),
        inputs.explanations,
        client_name=inputs.client_name,
        made_on=date.today(),
        adviser=ADVISER,
    )
    return f"{run.write_pdf('annotation-sheet.pdf', pdf)}, {len(result.flags)} lines flagged"


def _checklist_with(lang: str):
    from desktop.assess import load_checklists

    checklists = list(load_checklists().values())
    if not checklists:
        raise SelfTestFailed("no checklists found in the resources")
    for checklist in checklists:
        if lang == "en" or lang in checklist.translations:
            return checklist
    raise SelfTestFailed(f"no checklist has the language {lang!r}")


def _handout(lang: str, large_print: bool) -> Callable[[_Run], str]:
    def step(run: _Run) -> str:
        from desktop.assess import handout_phrases, load_figures
        from desktop.printing.handout import build_handout

        checklist = _checklist_with(lang)
        pdf = build_handout(
            checklist,
            lang=lang,
            large_print=large_print,
            client_name="Fictional client (self-test)",
            adviser=ADVISER,
            made_on=date.today(),
            phrases=handout_phrases(),
            figures=load_figures,
        )
        size = "large-print" if large_print else "normal"
        pages = run.write_pdf(f"handout-{lang}-{size}.pdf", pdf)
        return f"{pages} ({checklist.id})"

    return step


def _bank_csv(run: _Run) -> str:
    from decimal import Decimal

    from desktop.importers.bank_csv import read_statement

    path = run.folder / "synthetic-monzo.csv"
    path.write_text(SYNTHETIC_CSV, encoding="utf-8")
    statement = read_statement(path)
    if len(statement.rows) != 3:
        raise SelfTestFailed(f"{len(statement.rows)} lines read, not 3")
    total = sum((row.amount for row in statement.rows), Decimal(0))
    if not all(isinstance(row.amount, Decimal) for row in statement.rows):
        raise SelfTestFailed("amounts were not read as exact decimals")
    if total != Decimal("21.35"):
        raise SelfTestFailed(f"the lines add up to {total}, not 21.35")
    layout = statement.format_key or "a custom layout"
    return f"3 lines read ({layout} layout), total £{total}"


def _reopen(run: _Run) -> str:
    from desktop.store import repository
    from desktop.store.database import Store
    from desktop.store.errors import WrongPassphrase

    run.store.lock()
    if not run.store.locked:
        raise SelfTestFailed("the store did not lock")
    try:
        run.store.unlock(PASSPHRASE + " wrong")
    except WrongPassphrase:
        pass
    else:
        raise SelfTestFailed("a wrong passphrase unlocked the store")
    run.store.unlock(PASSPHRASE)
    run.close()
    run.store = Store.open(run.folder / "store", PASSPHRASE)
    with run.store.session() as session:
        count = repository.client_count(session)
        history = repository.load_history(session, run.client_ids[0])
    if count != len(run.client_ids):
        raise SelfTestFailed(f"the reopened store holds {count} clients")
    if history != run.history:
        raise SelfTestFailed("a client's history changed between closing and reopening")
    run.close()
    return "locked, unlocked, closed and reopened with every client"


#: (step name, what it does) in the order they run.
def _bank_holidays(run: _Run) -> str:
    """The offline holiday calendar the working-day deadlines use (the bundle keeps only the
    UK's locale files of the `holidays` package)."""
    from datetime import date

    from desktop.assess import bank_holidays

    days = bank_holidays("england-and-wales", 2026, 2026)
    for expected in (date(2026, 12, 25), date(2026, 12, 28)):  # Christmas; Boxing Day moved
        if expected not in days:
            raise SelfTestFailed(f"{expected.isoformat()} is not a bank holiday in the calendar")
    return f"{len(days)} bank holidays in England and Wales in 2026"


def _content_signatures(run: _Run) -> str:
    """Content update packs can be checked: the shipped public key loads and Ed25519
    (PyNaCl) verifies a signature made here with a throw-away key, and refuses a forged one."""
    import base64
    import os

    from nacl.signing import SigningKey

    from desktop import content

    if not content.trusted_keys():
        raise SelfTestFailed("no public key for content update packs in this install")
    keys = run.folder / "selftest-keys"
    keys.mkdir()
    seed = os.urandom(32)
    public = bytes(SigningKey(seed).verify_key)
    (keys / "selftest.pub").write_text(
        base64.b64encode(public).decode("ascii") + "\n", encoding="ascii"
    )
    manifest = b'{"selftest": true}\n'
    signature, _kid = content.signature_file(manifest, seed)
    if content.verify_signature(manifest, signature, keys) != "selftest":
        raise SelfTestFailed("a good signature was not accepted")
    try:
        content.verify_signature(manifest + b" ", signature, keys)
    except content.ContentPackError:
        return f"{len(content.trusted_keys())} trusted key(s); signatures checked"
    raise SelfTestFailed("a changed manifest was accepted")


def _referral(run: _Run) -> str:
    """A referral file (age + Ed25519, pyrage and PyNaCl): the demo client with statements
    locked to a second store's key, opened there, added; every count arrives."""
    from desktop.store import referral
    from desktop.store.database import Store

    other = Store.create(run.folder / "receiver", PASSPHRASE, kdf_costs=QUICK_KDF)
    try:
        key = referral.identity(other).recipient
        _name, data = referral.send(
            run.store,
            run.statement_client,
            note="self-test",
            lock=referral.Lock(recipient=key, recipient_name="self-test"),
            adviser=ADVISER,
            sender_name="Self-test",
        )
        received = referral.open_received(other, data)
        referral.accept_as_new(other, received, ADVISER)
        sent = referral.record_counts(run.store, run.statement_client)
        if received.counts != sent:
            raise SelfTestFailed("the received record differs from the one sent")
    finally:
        other.close()
    lines = dict(sent).get("Statement lines", 0)
    return f"locked, signed, opened and added ({lines} statement lines, {len(data)} bytes)"


STEPS: list[tuple[str, Callable[[_Run], str]]] = [
    ("store", _store),
    ("import", _import),
    ("assess", _assess),
    ("residence report", _residence_report),
    ("annotation sheet", _annotation_sheet),
    ("handout (English)", _handout("en", False)),
    ("handout (Arabic, large print)", _handout("ar", True)),
    ("bank CSV", _bank_csv),
    ("bank holidays", _bank_holidays),
    ("content update signatures", _content_signatures),
    ("referral file", _referral),
    ("store reopened", _reopen),
]


def _short(exc: BaseException, folder: Path) -> str:
    """The kind of error and a one-line message, the temporary folder and home folder (which
    may carry the user's name) left out, at most MESSAGE_LIMIT characters."""
    message = " ".join(str(exc).split())
    for path, shown in ((folder, "<temporary folder>"), (Path.home(), "~")):
        for form in {str(path), str(path.resolve())}:
            if form and form != ".":
                message = message.replace(form, shown)
    if isinstance(exc, SelfTestFailed):
        text = message
    else:
        text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 3] + "..."


def run_self_test(print_line: Callable[[str], None] = print) -> int:
    """Run every step in a temporary folder (removed afterwards); 0 when all pass, else 1
    after the "FAILED <step>: ..." line."""
    missing = missing_data()
    if missing:
        shown = ", ".join(missing[:3]) + (
            f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        )
        print_line(
            f"FAILED data: not in this install: {shown}"[: len("FAILED data: ") + MESSAGE_LIMIT]
        )
        return 1
    with tempfile.TemporaryDirectory(prefix="dropin-desk-selftest-") as name:
        folder = Path(name)
        run = _Run(folder)
        try:
            for step, work in STEPS:
                try:
                    detail = work(run)
                except Exception as exc:
                    print_line(f"FAILED {step}: {_short(exc, folder)}")
                    return 1
                print_line(f"ok  {step}: {detail}")
        finally:
            try:
                run.close()
            except Exception:  # already failing: the folder is removed all the same
                pass
    print_line("Self-test passed")
    return 0
