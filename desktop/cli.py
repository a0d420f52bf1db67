"""Command line: `dropin-desk [--data-dir D]` opens the window; sub-commands never do.

Options that need no store: --version prints "dropin-desk X.Y.Z"; --self-test checks the
install in a temporary folder with fictional clients (desktop.selftest), exit status 0 or 1.

Sub-commands:
  init               create an empty encrypted store
  import CASE.json   add a client from the history JSON, print its id
  export --client ID print a client's history JSON (--full: the subject access request copy)
  assess CASE.json   run the residence engine on a history JSON, print the verdict as JSON
  report CASE.json   make the printed residence report (A4 PDF) from a history JSON
  annotate FILE...   check bank statement files for a fee waiver: the annotation sheet (PDF)
                     and/or the flagged lines as JSON (no store, no passphrase)
  checklist ROUTE    print a client handout: what to bring for a route (A4 PDF);
                     --list shows the checklists
  mark-reviewed FILE... --lang ar --by NAME [--on DATE]
                     (maintainers) record that a native speaker checked a translation: writes
                     the [review.<lang>] table of _phrases.toml or a checklist file
  update-content FILE  install a signed content update pack (shows the changes, asks)
  content-status     the content in use and each file's checked-on date
  content-rollback   go back to the content in use before the last pack
  build-content-pack (maintainers) make and sign a pack: --key KEYFILE --out FILE
  refer --client ID --out FILE [--to KEY]
                     the client's whole record as one encrypted, signed referral file
                     (locked with six generated words, $DROPIN_DESK_REFERRAL_PASSPHRASE, or
                     the receiver's referral key / address-book name)
  receive FILE [--yes] [--as-new | --merge ID --prefer received|mine]
                     open a referral: show who sent what, add or merge; prints the id last
  list               the clients, one a line: id, a tab, the name
  referral-key       this laptop's referral key (age1...) and its fingerprint
  address-book [--add NAME --key KEY]   the referral address book
  centre create --folder F --name N [--laptop NAME]
                     make a centre in an empty shared folder (this laptop its first member)
  centre invite --out FILE   a one-time invitation for another laptop (7 days)
  centre join --folder F --invite FILE --name N   join a centre with an invitation
  centre list        the centre's laptops: id, name, fingerprint, last seen
  centre remove ID   remove a lost laptop (later files are not locked to it)
  sync [--folder F]  exchange changes with the shared folder; print what came in and out
                     (the centre passphrase: $DROPIN_DESK_CENTRE_PASSPHRASE or typed)
  stats --from D --to D --out FILE
                     counts of clients, visits and matters in a period for funders, small
                     counts suppressed: FILE.csv (a spreadsheet) or FILE.pdf (with charts)

The passphrase comes from DROPIN_DESK_PASSPHRASE or a prompt. Any problem is one line on
stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path

PASSPHRASE_ENV = "DROPIN_DESK_PASSPHRASE"
ADVISER_ENV = "DROPIN_DESK_ADVISER"
DATA_DIR_ENV = "DROPIN_DESK_DATA_DIR"  # read by desktop.store.paths.default_data_dir
EXIT_PROBLEM = 2
#: No message echoes more than this many characters of an argument (as in desktop.rules.history).
ECHO_LIMIT = 80


def _clip(text: str) -> str:
    """At most ECHO_LIMIT characters of `text`, control and bidi characters escaped."""
    from desktop.rules.history import clip

    return clip(text, ECHO_LIMIT)


def _quote(text: str) -> str:
    """A value in quote marks, as every message echoes one (desktop.rules.history.quote)."""
    from desktop.rules.history import quote

    return quote(text, ECHO_LIMIT)


def _cut(text: str) -> str:
    return text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 3] + "..."


#: The largest client number: SQLite keeps integers in 64 bits.
_LARGEST_ID = 2**63 - 1


def _client_number(text: str) -> int:
    """--client: a client number (1, 2, ...). Anything else, or a number too large to be one
    (9223372036854775808 overflowed into SQLite: "internal error"), is a usage error that
    says so, echoing at most ECHO_LIMIT characters."""
    value = text.strip()
    if value.isascii() and value.isdigit() and 1 <= int(value) <= _LARGEST_ID:
        return int(value)
    raise argparse.ArgumentTypeError(f"{_cut(text)} is not a client number")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage problem is one line on stderr (no usage block) and exit status 2,
    echoing at most ECHO_LIMIT characters of any argument."""

    #: The arguments being parsed, set by `main`, so that error() can clip their echoes.
    arguments: tuple[str, ...] = ()

    def error(self, message: str):  # type: ignore[override]
        from desktop.rules.history import escape

        tokens = set(self.arguments)
        tokens.update(t.split("=", 1)[1] for t in self.arguments if t.startswith("-") and "=" in t)
        for token in sorted((t for t in tokens if len(t) > ECHO_LIMIT), key=len, reverse=True):
            message = message.replace(repr(token), repr(_cut(token))).replace(token, _cut(token))
        message = escape(" ".join(message.splitlines()))
        if len(message) > 4 * ECHO_LIMIT:
            message = message[: 4 * ECHO_LIMIT - 3] + "..."
        self.exit(EXIT_PROBLEM, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    data_dir = argparse.ArgumentParser(add_help=False)
    data_dir.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        help="folder holding the encrypted store (default: the per-user data folder)",
    )
    parser = _Parser(
        prog="dropin-desk",
        description="Drop-in Desk: offline immigration advice drop-in tool. "
        "With no command, opens the window.",
        parents=[data_dir],
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the window on a throw-away data folder filled with fictional demo clients",
    )
    parser.add_argument(
        "--version", action="store_true", help="print the version (dropin-desk X.Y.Z) and exit"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this install in a temporary folder with fictional clients only (store, "
        "assessment, every PDF, a bank CSV), print one line per step and exit 0 if all pass",
    )
    # For the bundle test: import every desktop module inside the bundled app.
    parser.add_argument("--check-imports", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("init", parents=[data_dir], help="create an empty encrypted store")

    p_import = sub.add_parser(
        "import", parents=[data_dir], help="add a client from a history JSON file; prints its id"
    )
    p_import.add_argument("case", metavar="CASE.json", help="history JSON file ('-' for stdin)")

    p_export = sub.add_parser("export", parents=[data_dir], help="print a client's history JSON")
    p_export.add_argument(
        "--client", type=_client_number, required=True, metavar="ID", help="client id"
    )
    p_export.add_argument(
        "--full",
        action="store_true",
        help="include details, household, case notes and audit trail (subject access copy)",
    )
    p_export.add_argument(
        "--out",
        metavar="FILE",
        help="write the JSON to FILE (readable by you only, written whole or not at all) "
        "instead of printing it",
    )

    # What `assess` and `report` read alike: the history and the question asked of it.
    case = argparse.ArgumentParser(add_help=False)
    case.add_argument("case", metavar="CASE.json", help="history JSON file ('-' for stdin)")
    case.add_argument("--route", help="route to assess (overrides the file's question)")
    case.add_argument(
        "--on", metavar="YYYY-MM-DD", help="application date (overrides the file's question)"
    )
    case.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        help="take this date as today for deadlines, projections and the rules in force "
        "(default: the computer's date)",
    )
    case.add_argument(
        "--region",
        choices=["england-and-wales", "scotland", "northern-ireland"],
        default="england-and-wales",
        help="bank holidays used for working-day deadlines",
    )
    sub.add_parser(
        "assess",
        parents=[case],
        help="assess a history JSON file against a settlement or citizenship route",
    )
    p_report = sub.add_parser(
        "report",
        parents=[case],
        help="make the printed residence report (A4 PDF) from a history JSON file",
        description="Make the printed residence report: the verdict, a calendar of every day, "
        "the trips, windows over a limit, deadlines and notes, as an A4 PDF for the client's "
        "file. Reads the history as 'assess' does; the PDF is written whole or not at all.",
    )
    p_report.add_argument(
        "--out", required=True, metavar="REPORT.pdf", help="where to write the PDF"
    )
    p_report.add_argument(
        "--reference",
        metavar="TEXT",
        help="what the client's file is kept under, printed in the header "
        "(e.g. a Home Office reference or client number)",
    )
    p_report.add_argument(
        "--adviser",
        metavar="NAME",
        help=f"adviser named in the header (default: ${ADVISER_ENV}, if set)",
    )
    p_annotate = sub.add_parser(
        "annotate",
        parents=[data_dir],
        help="check bank statement files for a fee waiver; make the annotation sheet (PDF) "
        "or print the flagged lines as JSON",
        description="Read bank statement files (CSV or OFX, one account each), find the lines "
        "the Home Office expects explained (large, regular, cash, money from people, "
        "transfers) and check that the statements cover the months required before the "
        "application. --out writes the annotation sheet (landscape A4 PDF) whole or not at "
        "all; --json prints the flags and coverage. Needs no store and no passphrase; the "
        "bank layouts saved in the data folder's bank_formats/ are recognised too.",
    )
    p_annotate.add_argument(
        "files", nargs="+", metavar="FILE", help="bank statement file (.csv, .txt, .ofx, .qfx)"
    )
    p_annotate.add_argument(
        "--application-date",
        required=True,
        metavar="YYYY-MM-DD",
        help="the date the application is (or will be) made",
    )
    p_annotate.add_argument(
        "--threshold",
        metavar="AMOUNT",
        help="explain every line over this amount, e.g. 50 or £50 (default: the standard "
        "figure in the rules)",
    )
    p_annotate.add_argument("--out", metavar="SHEET.pdf", help="where to write the sheet")
    p_annotate.add_argument(
        "--json", action="store_true", help="print the flags and coverage as JSON on stdout"
    )
    p_annotate.add_argument(
        "--client-name", metavar="NAME", help="the client's name, printed on the sheet"
    )
    p_annotate.add_argument(
        "--adviser",
        metavar="NAME",
        help=f"adviser named on the sheet (default: ${ADVISER_ENV}, if set)",
    )
    p_checklist = sub.add_parser(
        "checklist",
        parents=[data_dir],
        help="make a client handout: what to bring for a route (A4 PDF); --list shows them",
        description="Make the printed handout of a checklist: what the client brings, with a "
        "tick box for each paper, in English, Arabic or Farsi, normal or large print. "
        "With --client it has the client's name, their own dates and what they have already "
        "brought (this opens the store: the passphrase comes from "
        f"${PASSPHRASE_ENV} or a prompt). The PDF is written whole or not at all.",
    )
    p_checklist.add_argument(
        "route", nargs="?", metavar="ROUTE", help="the checklist's id (see --list)"
    )
    p_checklist.add_argument(
        "--list", action="store_true", help="print the checklists, one a line: id and title"
    )
    p_checklist.add_argument(
        "--client",
        type=_client_number,
        metavar="ID",
        help="the client the handout is for (opens the store)",
    )
    p_checklist.add_argument(
        "--large-print", action="store_true", help="large print: 18 pt text, larger headings"
    )
    p_checklist.add_argument(
        "--lang",
        default="en",
        metavar="CODE",
        help="language of the handout: en (default), ar or fa, if the checklist has it",
    )
    p_checklist.add_argument("--out", metavar="HANDOUT.pdf", help="where to write the PDF")
    p_checklist.add_argument(
        "--adviser",
        metavar="NAME",
        help=f"adviser named on the handout (default: ${ADVISER_ENV}, if set)",
    )
    p_checklist.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        help="take this date as today: the date made and which of the client's dates are "
        "still to come (default: the computer's date)",
    )
    _add_content_commands(sub, data_dir)
    _add_mark_reviewed(sub)
    _add_referral_commands(sub, data_dir)
    _add_sharing_commands(sub, data_dir)
    _add_stats_command(sub, data_dir)
    return parser


def _add_content_commands(sub, data_dir: argparse.ArgumentParser) -> None:
    """Content update packs (desktop/content.py): install, status, rollback, and the
    maintainers' build command."""
    # For tests only: check packs against the public keys in DIR instead of the shipped ones.
    # A pack installed this way is not used by the app unless a shipped key signed it.
    keys = argparse.ArgumentParser(add_help=False)
    keys.add_argument("--trusted-keys", metavar="DIR", help=argparse.SUPPRESS)
    p_update = sub.add_parser(
        "update-content",
        parents=[data_dir, keys],
        help="install a signed content update pack (.ddpack): checklists, figures, fees, "
        "wording, bank layouts",
        description="Check a content update pack (signature, every file, versions, and that "
        "every file loads), show what it changes compared with the content in use, and "
        "install it into the data folder's content/ folder. A pack that fails any check is "
        "refused whole and nothing is changed.",
    )
    p_update.add_argument("file", metavar="FILE", help="the .ddpack file (e.g. on a USB stick)")
    p_update.add_argument(
        "--yes", action="store_true", help="install without asking (after showing the changes)"
    )
    p_status = sub.add_parser(
        "content-status",
        parents=[data_dir, keys],
        help="list the checklists and figures files with the date each was last checked",
        description="Show which content is in use (the app's own or an installed pack) and "
        "each checklist and figures file with its 'checked on' date, marking those older "
        "than --days or with no date.",
    )
    p_status.add_argument(
        "--days",
        type=_day_count,
        default=None,
        metavar="N",
        help="mark files checked more than N days ago (default: 180)",
    )
    p_status.add_argument(
        "--today", metavar="YYYY-MM-DD", help="take this date as today (default: the computer's)"
    )
    sub.add_parser(
        "content-rollback",
        parents=[data_dir, keys],
        help="go back to the content in use before the last content update pack",
        description="Switch back to the previously installed content pack, or to the "
        "content that came with the app. The pack rolled back from stays in the data "
        "folder (the last 3 are kept).",
    )
    p_build = sub.add_parser(
        "build-content-pack",
        parents=[keys],
        help="(maintainers) make a signed content update pack from resources/",
        description="Check the content in resources/ (or --content DIR) with the "
        "app's own loaders, sign it with the private key and write one .ddpack file; then "
        "stamp content_version.toml there with the pack's version.",
    )
    p_build.add_argument(
        "--key", required=True, metavar="KEYFILE", help="the Ed25519 private key file"
    )
    p_build.add_argument("--out", required=True, metavar="FILE", help="where to write the pack")
    p_build.add_argument(
        "--pack-version",
        type=_day_count,
        metavar="N",
        help="the pack's version (default: one more than content_version.toml's)",
    )
    p_build.add_argument(
        "--content",
        metavar="DIR",
        help="the folder holding rules/, checklists/ and bank_formats/ (default: the app's)",
    )


def _day_count(text: str) -> int:
    value = text.strip()
    if value.isascii() and value.isdigit() and 1 <= int(value) <= 100_000:
        return int(value)
    raise argparse.ArgumentTypeError(f"{_cut(text)} is not a whole number from 1")


def _out_path(value: str, example: str) -> Path:
    """--out checked before any work: its folder exists, and it is a regular file or nothing
    yet (not a folder, and never a device, pipe or socket: see
    desktop.printing.common.writable_target)."""
    from desktop.printing.common import WriteProblem, writable_target

    out = Path(value)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise _CliProblem(f"--out: the folder {_clip(str(folder))} does not exist")
    if out.is_dir():
        raise _CliProblem(f"--out: {_clip(str(out))} is a folder; give a file name like {example}")
    try:
        writable_target(out, f"a file name like {example}")
    except WriteProblem as exc:
        raise _CliProblem(f"--out: {exc}") from None
    return out


def _statement_formats(args: argparse.Namespace) -> list:
    """The packaged bank layouts and those saved in the data folder's bank_formats/ (made
    with "Save as layout…" in the window). A saved layout that cannot be used is left out
    with a note on stderr naming it; the others still work. Reading them needs no passphrase
    (they hold column names and formats only)."""
    from desktop.importers.bank_csv import load_formats_reporting
    from desktop.importers.bank_formats import user_formats_dir

    saved = user_formats_dir(_data_dir(args))
    formats, warnings = load_formats_reporting(*([saved] if saved.is_dir() else []))
    for warning in warnings:
        print(f"dropin-desk: note: {warning}", file=sys.stderr)
    return formats


def _cmd_annotate(args: argparse.Namespace) -> int:
    """`dropin-desk annotate`: statement files -> the checks -> JSON on stdout and/or the
    annotation sheet written beside --out and renamed over it (never a partial file)."""
    import json
    from datetime import date

    from desktop.annotate import ReadProblem, flags_json, parse_threshold, review_files
    from desktop.assess import parse_date_option
    from desktop.importers.bank_csv import StatementFileError
    from desktop.printing.annotation_sheet import build_annotation_sheet
    from desktop.printing.common import WriteProblem, write_atomically
    from desktop.rules.figures import FiguresError

    if not args.out and not args.json:
        raise _CliProblem("annotate: say what to make: --out SHEET.pdf, --json, or both")
    out = _out_path(args.out, "sheet.pdf") if args.out else None
    on = parse_date_option("--application-date", args.application_date)
    threshold = None
    if args.threshold is not None:
        try:
            threshold = parse_threshold(args.threshold)
        except ValueError as exc:
            raise _CliProblem(f"--threshold: {exc}") from None
    formats = _statement_formats(args)
    try:
        review, txns, _accounts = review_files(
            [Path(f) for f in args.files], on, threshold, formats
        )
    except (StatementFileError, ReadProblem) as exc:
        raise _CliProblem(_clip_lines(str(exc))) from None
    except FiguresError as exc:
        raise _CliProblem(f"--application-date: {exc}") from None
    except (ValueError, ArithmeticError) as exc:
        # From the figures or the checks: the message may hold client data, so it is not shown.
        raise _CliProblem(
            f"the bank statement checks could not run on these files ({type(exc).__name__})"
        ) from None
    except Exception as exc:  # a bug: no traceback, which could show client data
        raise _CliProblem(
            f"internal error in the bank statement checks ({type(exc).__name__})"
        ) from None
    data = flags_json(review)
    if out is not None:
        adviser = args.adviser if args.adviser is not None else os.environ.get(ADVISER_ENV, "")
        try:
            pdf = build_annotation_sheet(
                review,
                txns,
                {},
                client_name=args.client_name or "",
                made_on=date.today(),
                adviser=adviser,
            )
        except Exception as exc:  # a bug: no traceback, which could show client data
            raise _CliProblem(
                f"internal error making the annotation sheet ({type(exc).__name__})"
            ) from None
        try:
            write_atomically(out, pdf)
        except WriteProblem as exc:
            raise _CliProblem(f"--out: {exc}") from None
        data["sheet"] = str(out)
    if args.json:
        try:
            print(json.dumps(data, indent=2, ensure_ascii=False))
        except UnicodeEncodeError:  # a terminal that cannot show every character
            print(json.dumps(data, indent=2, ensure_ascii=True))
    else:
        print(out)
    return 0


CENTRE_ENV = "DROPIN_DESK_CENTRE"
CENTRE_CONTACT_ENV = "DROPIN_DESK_CENTRE_CONTACT"


def _cmd_checklist(args: argparse.Namespace) -> int:
    """`dropin-desk checklist`: --list prints the checklists; ROUTE makes the handout, written
    beside --out and renamed over it (never a partial file)."""
    from datetime import date

    from desktop.assess import load_checklists, parse_date_option
    from desktop.rules.checklists import LANGUAGES, ChecklistError

    try:
        checklists = load_checklists()
    except ChecklistError as exc:
        raise _CliProblem(_clip_lines(str(exc))) from None
    if args.list:
        if args.route is not None:
            raise _CliProblem("checklist: give --list or a ROUTE, not both")
        for checklist in checklists.values():
            print(f"{checklist.id}\t{checklist.title}")
        return 0
    if args.route is None:
        raise _CliProblem("checklist: give a checklist id (ROUTE), or --list to see them")
    checklist = checklists.get(args.route)
    if checklist is None:
        known = ", ".join(checklists) or "none"
        raise _CliProblem(
            f"checklist: there is no checklist {_quote(args.route)}; "
            f"the checklists are: {known} (see dropin-desk checklist --list)"
        )
    languages = checklist.languages()
    if args.lang not in languages:
        names = ", ".join(f"{code} ({LANGUAGES[code][0]})" for code in languages)
        raise _CliProblem(
            f"--lang: {_quote(args.lang)} is not a language of the checklist {checklist.id}; "
            f"choose one of {names}"
        )
    if not args.out:
        raise _CliProblem("checklist: say where to write the handout: --out HANDOUT.pdf")
    out = _out_path(args.out, "handout.pdf")
    today = parse_date_option("--today", args.today) or date.today()
    adviser = args.adviser if args.adviser is not None else os.environ.get(ADVISER_ENV, "")
    details = {
        "client_name": "",
        "centre_name": os.environ.get(CENTRE_ENV, ""),
        "centre_contact": os.environ.get(CENTRE_CONTACT_ENV, ""),
        "lines": None,
        "dates": (),
    }
    if args.client is not None:
        details.update(_client_details(args, checklist, today))
    from desktop.assess import handout_phrases, load_figures
    from desktop.printing.common import WriteProblem, write_atomically
    from desktop.printing.handout import build_handout

    try:
        pdf = build_handout(
            checklist,
            lang=args.lang,
            large_print=args.large_print,
            adviser=adviser,
            made_on=today,
            phrases=handout_phrases(),
            figures=load_figures,
            **details,
        )
    except ChecklistError as exc:  # the phrases file
        raise _CliProblem(_clip_lines(str(exc))) from None
    except Exception as exc:  # a bug: no traceback, which could show client data
        raise _CliProblem(f"internal error making the handout ({type(exc).__name__})") from None
    try:
        write_atomically(out, pdf)
    except WriteProblem as exc:
        raise _CliProblem(f"--out: {exc}") from None
    print(out)
    return 0


def _client_details(args: argparse.Namespace, checklist, today) -> dict:
    """What the store knows for the handout: the client's name, their dates for the
    checklist's routes, their ticks (the newest list started from this checklist, if any)
    and the centre's name and contact (each falling back to the environment when not set)."""
    from desktop.assess import assess_history
    from desktop.printing.handout import client_lines, deadline_dates
    from desktop.rules.history import HistoryError
    from desktop.store.repository import get_client, get_setting, load_history

    try:
        from desktop.store import checklists as stored
    except ImportError:  # no per-client checklists in this store version: the template
        stored = None
    details: dict = {}
    store = _open_store(args)
    try:
        with store.session() as session:
            client = get_client(session, args.client)
            details["client_name"] = client.full_name
            for key in ("centre_name", "centre_contact"):  # the settings dialog's keys
                value = (get_setting(session, key) or "").strip()
                if value:
                    details[key] = value
            if stored is not None:
                mine = [
                    c
                    for c in stored.lists_of(session, args.client)
                    if c.template_id == checklist.id
                ]
                if mine:
                    newest = max(mine, key=lambda c: c.id)
                    details["lines"] = client_lines(checklist, newest.items, args.lang)
            history = load_history(session, args.client) if checklist.routes else None
    finally:
        store.close()
    deadlines = []
    for route in checklist.routes:
        try:
            deadlines.extend(assess_history(history, route=route, today=today).deadlines)
        except (HistoryError, ValueError, ArithmeticError):
            # The message may hold client data, so it is not shown; the handout is still made.
            print(
                f"dropin-desk: note: the client's dates for {route} are not on the handout "
                "(their history cannot be assessed for it yet)",
                file=sys.stderr,
            )
    details["dates"] = deadline_dates(deadlines, today)
    return details


def _clip_lines(message: str) -> str:
    """One line, at most four echo limits long (a message quoting a long cell stays short)."""
    message = " ".join(message.splitlines())
    return message if len(message) <= 4 * ECHO_LIMIT else message[: 4 * ECHO_LIMIT - 3] + "..."


def _cmd_report(args: argparse.Namespace) -> int:
    """`dropin-desk report`: the same reading and checks as `assess`, then the PDF, written
    to a temporary file beside --out and renamed over it (never a partial file)."""
    from datetime import date

    from desktop.assess import history_of_case, parse_date_option, read_case_json, timeline_for
    from desktop.printing.common import WriteProblem, write_atomically
    from desktop.printing.residence_report import build_residence_report
    from desktop.rules.history import HistoryError
    from desktop.rules.history import clip as clip_text

    out = _out_path(args.out, "report.pdf")
    on = parse_date_option("--on", args.on)
    today = parse_date_option("--today", args.today)
    data = read_case_json(args.case)
    history = history_of_case(data)
    name = "standard input" if args.case == "-" else clip_text(args.case)
    try:
        timeline = timeline_for(history, args.route, on, args.region, today)
        pdf = build_residence_report(
            history,
            timeline,
            reference=args.reference,
            adviser=args.adviser if args.adviser is not None else os.environ.get(ADVISER_ENV),
            made_on=date.today(),
            today=today or date.today(),
        )
    except (_CliProblem, HistoryError):
        raise
    except (ValueError, ArithmeticError) as exc:
        # From the figures or the engine: the message may hold client data, so it is not shown.
        raise _CliProblem(
            f"{name}: the residence engine could not assess this history "
            f"({type(exc).__name__}); check its dates"
        ) from None
    except Exception as exc:  # a bug: no traceback, which could show client data
        raise _CliProblem(
            f"{name}: internal error making the report ({type(exc).__name__})"
        ) from None
    try:
        write_atomically(out, pdf)
    except WriteProblem as exc:
        raise _CliProblem(f"--out: {exc}") from None
    print(out)
    return 0


def _fail(message: str) -> int:
    """The one line on stderr: newlines become spaces, and control and bidi characters (from
    a file or folder name, say) are escaped so the terminal shows the message as written."""
    from desktop.rules.history import escape

    print(f"dropin-desk: {escape(' '.join(message.splitlines()))}", file=sys.stderr)
    return EXIT_PROBLEM


def _data_dir(args: argparse.Namespace) -> Path:
    """--data-dir, else $DROPIN_DESK_DATA_DIR, else the per-user data folder. A file where
    the folder (or a folder above it) should be is a one-line problem naming the option, not
    an "internal error" from deep in the store."""
    from desktop.store.paths import default_data_dir

    given = getattr(args, "data_dir", None)
    if given:
        folder, option = Path(given), "--data-dir"
    else:
        folder = default_data_dir()
        option = DATA_DIR_ENV if os.environ.get(DATA_DIR_ENV) else "the data folder"
    for place in (folder, *folder.parents):
        try:
            if place.is_dir():
                break
            if place.exists() or place.is_symlink():
                inside = "" if place == folder else f" (it would hold {_clip(str(folder))})"
                raise _CliProblem(f"{option}: {_clip(str(place))} is a file, not a folder{inside}")
        except OSError:
            break  # not allowed to look: the store says what is wrong
    return folder


def _passphrase(confirm: bool = False) -> str:
    """The passphrase from the environment or a prompt. `confirm` (a new passphrase, for
    `init`): it must meet the policy the window uses (desktop.store.passphrase), checked
    before asking for it a second time. Text that is not UTF-8 is refused here, in words:
    the key derivation cannot encode it (it was an "internal error")."""
    from desktop.store.passphrase import policy_problem

    from_environment = PASSPHRASE_ENV in os.environ
    if from_environment:
        value = os.environ[PASSPHRASE_ENV]
        if not _is_text(value):  # bytes that are not UTF-8 arrive as lone surrogates
            raise _CliProblem(f"{PASSPHRASE_ENV} is not valid text (UTF-8)")
        if not confirm:
            return value
    else:
        if not sys.stdin.isatty():
            raise _CliProblem(f"no passphrase: set {PASSPHRASE_ENV} or run from a terminal")
        value = _prompt("Store passphrase: ")
    if confirm:
        problem = policy_problem(value)
        if problem:
            raise _CliProblem(problem)
        if not from_environment and _prompt("Type it again: ") != value:
            raise _CliProblem("the two passphrases do not match")
    return value


def _prompt(question: str) -> str:
    """A passphrase typed at the terminal (not echoed), refused when it is not UTF-8 text."""
    try:
        value = getpass.getpass(question)
    except UnicodeDecodeError:
        value = "\udcff"  # the terminal's bytes were not text: refused below
    if not _is_text(value):
        raise _CliProblem("the passphrase typed is not valid text (UTF-8)")
    return value


def _is_text(value: str) -> bool:
    """Whether `value` can be written as UTF-8 (no lone surrogates)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _CliProblem(Exception):
    pass


def _open_store(args: argparse.Namespace):
    from desktop.store.database import Store

    folder = _data_dir(args)
    if not Store.exists(folder):
        raise _CliProblem(
            f"there is no store in {folder}; run 'dropin-desk init' or open the app to create one"
        )
    from desktop.store.errors import WrongPassphrase

    try:
        store = Store.open(folder, _passphrase())
    except WrongPassphrase:
        raise _CliProblem(f"wrong passphrase: it does not open the store in {folder}") from None
    if store.recovery_note:  # a half-made store from an interrupted set-up, dealt with
        print(store.recovery_note, file=sys.stderr)
    return store


def _cmd_init(args: argparse.Namespace) -> int:
    from desktop.store.database import Store

    folder = _data_dir(args)
    store = Store.create(folder, _passphrase(confirm=True))
    note = store.recovery_note  # e.g. an empty store left by an interrupted init, removed
    store.close()
    if note:
        print(f"dropin-desk: note: {note}", file=sys.stderr)
    print(f"Created an encrypted store in {folder}")
    return 0


def _store_refusals() -> tuple[type[BaseException], ...]:
    """What the database layer raises when it will not write or read a record. The message of
    each (StatementError, IntegrityError, DBAPIError...) quotes the SQL and every parameter,
    so only the class name is ever shown."""
    from sqlalchemy.exc import SQLAlchemyError

    return (SQLAlchemyError, UnicodeEncodeError)


def _cmd_import(args: argparse.Namespace) -> int:
    from desktop.importers.history_json import read_case_file
    from desktop.store.case_file import import_case

    case = read_case_file(args.case)  # '-': standard input; both limited in size
    from desktop.rules.history import text_problem

    adviser = os.environ.get(ADVISER_ENV, "command line")
    problem = text_problem(adviser, 100)  # the advisers' column holds 100 characters
    if problem is not None:
        raise _CliProblem(f"{ADVISER_ENV}: {problem}")
    refusals = _store_refusals()
    store = _open_store(args)
    try:
        with store.session() as session:
            client_id = import_case(session, case, adviser)
    except refusals as exc:
        # str() of a SQLAlchemy error lists every value it was writing: name only the kind.
        raise _CliProblem(
            f"the store refused the record ({type(exc).__name__}); nothing was saved"
        ) from None
    finally:
        store.close()
    print(client_id)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    """`dropin-desk export`: the history JSON on stdout, or with --out written to a file
    readable by its owner only (0600 on POSIX), whole or not at all. A full copy sent to a
    file by the shell (`> copy.json`) gets the umask's mode (usually readable by everyone):
    a note on stderr says so and points to --out."""
    from desktop.importers.history_json import dumps
    from desktop.store.case_file import export_case

    out = _out_path(args.out, "copy.json") if args.out else None  # before the passphrase
    refusals = _store_refusals()
    store = _open_store(args)
    try:
        with store.session() as session:
            data = export_case(session, args.client, full=args.full)
    except refusals as exc:  # its text would hold the client's data: the kind only
        raise _CliProblem(f"the store could not be read ({type(exc).__name__})") from None
    finally:
        store.close()
    if out is not None:
        from desktop.printing.common import WriteProblem, write_atomically

        try:
            write_atomically(out, dumps(data).encode("utf-8"))
        except WriteProblem as exc:
            raise _CliProblem(f"--out: {exc}") from None
        print(out)
        return 0
    if args.full and _stdout_is_a_file_others_can_read():
        print(
            "dropin-desk: note: the subject access copy went to a file others on this "
            "computer can read; use --out FILE to write it readable by you only",
            file=sys.stderr,
        )
    try:
        sys.stdout.write(dumps(data))
    except UnicodeEncodeError:  # a terminal that cannot show every character: escape them
        import json

        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=True) + "\n")
    return 0


def _stdout_is_a_file_others_can_read() -> bool:
    """Whether standard output is a regular file with group or other permissions (POSIX)."""
    import stat

    if os.name != "posix":
        return False
    try:
        info = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file behind it (tests, embedding)
        return False
    return stat.S_ISREG(info.st_mode) and bool(info.st_mode & 0o077)


def _run_gui(args: argparse.Namespace) -> int:
    from desktop.ui.app import run_app

    return run_app(data_dir=getattr(args, "data_dir", None), demo=args.demo)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    _Parser.arguments = tuple(arguments)
    args = parser.parse_args(arguments)
    if args.version:
        from desktop.selftest import version_text

        print(version_text())
        return 0
    if args.check_imports:
        from desktop.bundle_check import main as check_imports

        return check_imports()
    if args.self_test:
        from desktop.selftest import run_self_test

        try:
            return run_self_test()
        except KeyboardInterrupt:
            _fail("interrupted")
            return 1
    if args.command is None:
        return _run_gui(args)
    if getattr(args, "data_dir", None):
        # Checklists, figures and bank layouts from the content pack installed in that folder.
        from desktop import content

        content.use_data_folder(args.data_dir)
    from desktop.rules.history import HistoryError
    from desktop.store.errors import StoreError

    handlers = {
        "init": _cmd_init,
        "import": _cmd_import,
        "export": _cmd_export,
        "assess": _cmd_assess,
        "report": _cmd_report,
        "annotate": _cmd_annotate,
        "checklist": _cmd_checklist,
        "mark-reviewed": _cmd_mark_reviewed,
        "update-content": _cmd_update_content,
        "content-status": _cmd_content_status,
        "content-rollback": _cmd_content_rollback,
        "build-content-pack": _cmd_build_content_pack,
        "refer": _cmd_refer,
        "receive": _cmd_receive,
        "list": _cmd_list,
        "referral-key": _cmd_referral_key,
        "address-book": _cmd_address_book,
        "centre": _cmd_centre,
        "sync": _cmd_sync,
        "stats": _cmd_stats,
    }
    try:
        return handlers[args.command](args)
    except (_CliProblem, StoreError, HistoryError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted")
    except RecursionError:
        return _fail("the input is nested too deeply to read")
    except MemoryError:
        return _fail("the input is too large to read")
    except Exception as exc:
        # Never a traceback: it would show the values being worked on (a SQLAlchemy error's
        # text even lists every parameter it was writing). The kind of error only.
        if type(exc).__module__.startswith("sqlalchemy"):
            return _fail(
                f"the store refused the request ({type(exc).__name__}); nothing was changed"
            )
        return _fail(f"internal error ({type(exc).__name__}); no data from the input is shown")


def _cmd_assess(args: argparse.Namespace) -> int:
    from desktop.assess import run_assess_command

    return run_assess_command(
        args.case, route=args.route, on=args.on, region=args.region, today=args.today
    )


# ---- content update packs ----------------------------------------------------------------------

#: `update-content` when the person answers no: nothing installed, not a problem.
EXIT_DECLINED = 1


def _trusted_keys(args: argparse.Namespace) -> Path | None:
    given = getattr(args, "trusted_keys", None)
    return Path(given) if given else None


def _cmd_update_content(args: argparse.Namespace) -> int:
    """`dropin-desk update-content FILE`: check, show the changes, ask (or --yes), install."""
    from desktop.content import ContentPackError, check_pack, install_pack, pack_changes
    from desktop.rules.content_pack import change_lines

    folder = _data_dir(args)
    keys = _trusted_keys(args)
    try:
        checked = check_pack(Path(args.file), folder, keys_folder=keys)
    except ContentPackError as exc:
        raise _CliProblem(_clip_lines(str(exc))) from None
    manifest = checked.manifest
    for line in change_lines(
        pack_changes(checked),
        pack_version=manifest.pack_version,
        made_on=manifest.made_on,
        in_use=checked.replaces.label,
    ):
        print(line)
    if not args.yes:
        if not sys.stdin.isatty():
            raise _CliProblem(
                "update-content: nothing was installed; give --yes to install without asking"
            )
        print(f"Install content pack {manifest.pack_version}? [y/N] ", end="", flush=True)
        answer = sys.stdin.readline().strip().lower()
        if answer not in ("y", "yes"):
            print("Nothing was installed.")
            return EXIT_DECLINED
    try:
        now = install_pack(checked, folder, keys_folder=keys)
    except ContentPackError as exc:
        raise _CliProblem(_clip_lines(str(exc))) from None
    print(
        f"Installed {now.label}. It is used from now on (undo with: dropin-desk content-rollback)."
    )
    return 0


def _cmd_content_status(args: argparse.Namespace) -> int:
    """`dropin-desk content-status`: the content in use and each file's checked-on date."""
    from datetime import date

    from desktop.assess import parse_date_option
    from desktop.content import content_status
    from desktop.rules.content_pack import DEFAULT_STALE_DAYS, FRESH, STALE, stale_files

    today = parse_date_option("--today", args.today) or date.today()
    days = args.days or DEFAULT_STALE_DAYS
    status = content_status(today, days, _data_dir(args), keys_folder=_trusted_keys(args))
    installed = ", ".join(str(v) for v in status.installed) or "none"
    print(f"In use: {status.in_use.label}")
    print(f"Installed packs in the data folder: {installed}")
    if status.in_use.problem:
        print(f"dropin-desk: warning: {_clip_lines(status.in_use.problem)}", file=sys.stderr)
    print(f"Checked on  State                   File (older than {days} days is marked)")
    for age in status.ages:
        when = age.checked_on.isoformat() if age.checked_on else "-         "
        state = {FRESH: "ok", STALE: f"OLDER THAN {days} DAYS"}.get(age.state, "NO DATE")
        print(f"{when}  {state:<22}  {age.path}")
    stale = stale_files(status.ages)
    print(
        f"{len(stale)} of {len(status.ages)} files are older than {days} days or say no date."
        if stale
        else f"All {len(status.ages)} files were checked in the last {days} days."
    )
    return 0


def _cmd_content_rollback(args: argparse.Namespace) -> int:
    from desktop.content import ContentPackError, rollback

    try:
        now = rollback(_data_dir(args), keys_folder=_trusted_keys(args))
    except ContentPackError as exc:
        raise _CliProblem(_clip_lines(str(exc))) from None
    print(f"Rolled back: {now.label} is in use now.")
    return 0


def _cmd_build_content_pack(args: argparse.Namespace) -> int:
    """`dropin-desk build-content-pack`: (maintainers) check, sign and write a pack."""
    from desktop.content import ContentPackError, build_pack

    out = _out_path(args.out, "content-7.ddpack")
    try:
        manifest = build_pack(
            Path(args.key),
            out,
            content_root=Path(args.content) if args.content else None,
            pack_version=args.pack_version,
            keys_folder=_trusted_keys(args),
        )
    except ContentPackError as exc:
        raise _CliProblem(_clip_lines(str(exc))) from None
    print(
        f"Wrote content pack {manifest.pack_version} ({len(manifest.files)} files) to {out}; "
        "content_version.toml stamped."
    )
    return 0


# ---- mark-reviewed (maintainers: a native speaker's review of a translation) -------------------


def _add_mark_reviewed(sub) -> None:  # noqa: ANN001 - argparse's subparsers action
    p = sub.add_parser(
        "mark-reviewed",
        help="(maintainers) record a native speaker's review of a translation in a content file",
        description="Write or replace the [review.LANG] table (by, on) of _phrases.toml or a "
        "checklist file, leaving every other byte as it was. The result is parsed again; if "
        "any file would not parse, no file is written.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="_phrases.toml or a checklist file")
    p.add_argument("--lang", required=True, metavar="CODE", help="the language reviewed: ar or fa")
    p.add_argument("--by", required=True, metavar="NAME", help="the reviewer's name")
    p.add_argument(
        "--on", metavar="YYYY-MM-DD", help="the day it was reviewed (default: the computer's date)"
    )


def _cmd_mark_reviewed(args: argparse.Namespace) -> int:
    """`dropin-desk mark-reviewed`: every file checked, then all written (or none)."""
    from datetime import date

    from desktop.content_review import ReviewProblem, mark_reviewed

    try:
        on = date.fromisoformat(args.on) if args.on else date.today()
    except ValueError:
        raise _CliProblem(f"--on: {_quote(args.on)} is not a date like 2026-12-06") from None
    try:
        marked = mark_reviewed([Path(f) for f in args.files], args.lang, args.by, on)
    except ReviewProblem as exc:
        raise _CliProblem(_clip_lines(str(exc))) from None
    for item in marked:
        done = "replaced" if item.replaced else "added"
        print(f"{item.path.name}: review.{args.lang} {done} (on {on.isoformat()})")
    return 0


REFERRAL_PASSPHRASE_ENV = "DROPIN_DESK_REFERRAL_PASSPHRASE"


def _add_referral_commands(sub, data_dir: argparse.ArgumentParser) -> None:  # noqa: ANN001
    p_refer = sub.add_parser(
        "refer",
        parents=[data_dir],
        help="write a client's whole record as an encrypted, signed referral file (.ddref)",
    )
    p_refer.add_argument("--client", type=_client_number, required=True, metavar="ID")
    p_refer.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="the file to write, or a folder to write referral-DATE-XXXX.ddref in",
    )
    p_refer.add_argument(
        "--to",
        metavar="KEY",
        help="lock it to this referral key (age1...) or address-book name instead of a "
        f"passphrase (which is six generated words, or {REFERRAL_PASSPHRASE_ENV})",
    )
    p_refer.add_argument("--note", default="", help="a short covering note for the receiver")
    p_refer.add_argument(
        "--armor", action="store_true", help="ASCII-armoured text (for email) instead of binary"
    )
    p_receive = sub.add_parser(
        "receive",
        parents=[data_dir],
        help="open a referral file: show who sent what, then add or merge it; prints the id",
    )
    p_receive.add_argument("file", metavar="FILE.ddref")
    p_receive.add_argument(
        "--yes", action="store_true", help="confirm the preview without asking (for scripts)"
    )
    how = p_receive.add_mutually_exclusive_group()
    how.add_argument("--as-new", action="store_true", help="add as a new client even if alike")
    how.add_argument(
        "--merge",
        type=_client_number,
        metavar="ID",
        help="merge into this client, record by record",
    )
    p_receive.add_argument(
        "--prefer",
        choices=["received", "mine"],
        help="with --merge: for records that differ, take the file's or keep this laptop's",
    )
    sub.add_parser("list", parents=[data_dir], help="print the clients: id, a tab, the name")
    sub.add_parser(
        "referral-key",
        parents=[data_dir],
        help="print this laptop's referral key (age1...) and its fingerprint",
    )
    p_book = sub.add_parser(
        "address-book", parents=[data_dir], help="list the referral address book, or add to it"
    )
    p_book.add_argument("--add", metavar="NAME", help="add NAME with --key")
    p_book.add_argument("--key", metavar="KEY", help="their referral key (age1...)")


def _adviser() -> str:
    from desktop.rules.history import text_problem

    adviser = os.environ.get(ADVISER_ENV, "command line")
    problem = text_problem(adviser, 100)  # the advisers' column holds 100 characters
    if problem is not None:
        raise _CliProblem(f"{ADVISER_ENV}: {problem}")
    return adviser


def _referral_passphrase(question: str) -> str | None:
    value = os.environ.get(REFERRAL_PASSPHRASE_ENV)
    if value is not None:
        if not _is_text(value):
            raise _CliProblem(f"{REFERRAL_PASSPHRASE_ENV} is not valid text (UTF-8)")
        return value
    if not sys.stdin.isatty():
        raise _CliProblem(
            f"the file is locked with a passphrase: set {REFERRAL_PASSPHRASE_ENV} or run "
            "from a terminal"
        )
    return _prompt(question)


def _referral_lock(store, to: str | None):  # noqa: ANN001, ANN202
    """The lock `refer` uses, and the passphrase to show (None when locked to a key)."""
    from desktop.store import referral

    if to is None:
        given = os.environ.get(REFERRAL_PASSPHRASE_ENV)
        if given is not None and not _is_text(given):
            raise _CliProblem(f"{REFERRAL_PASSPHRASE_ENV} is not valid text (UTF-8)")
        words = given if given is not None else referral.new_passphrase()
        return referral.Lock(passphrase=words), (None if given is not None else words)
    if to.strip().lower().startswith("age1"):
        key = referral.parse_recipient(to)
        known = [c for c in referral.contacts(store) if c.recipient == key]
        return referral.Lock(recipient=key, recipient_name=known[0].name if known else ""), None
    named = [c for c in referral.contacts(store) if c.name.casefold() == to.strip().casefold()]
    if not named:
        raise _CliProblem(
            f"--to: no one called {_quote(to)} in the address book; give their key (age1...) "
            "or add them with 'dropin-desk address-book --add NAME --key KEY'"
        )
    return referral.Lock(recipient=named[0].recipient, recipient_name=named[0].name), None


def _cmd_refer(args: argparse.Namespace) -> int:
    from desktop.printing.common import WriteProblem, write_atomically
    from desktop.store import referral

    adviser = _adviser()
    target = Path(args.out)
    folder_given = target.is_dir()
    if not folder_given:
        _out_path(args.out, "referral.ddref")
    from desktop.board import deadlines_for

    store = _open_store(args)
    refusals = _store_refusals()
    written: list[Path] = []

    def write(name: str, data: bytes) -> None:
        out = target / name if folder_given else target
        try:
            write_atomically(out, data)
        except WriteProblem as exc:
            raise _CliProblem(f"--out: {exc}") from None
        written.append(out)

    try:
        lock, shown = _referral_lock(store, args.to)
        referral.send(
            store,
            args.client,
            note=args.note,
            lock=lock,
            adviser=adviser,
            sender_name=referral.sender_name(store, adviser),
            armoured=args.armor,
            deadlines=deadlines_for,
            write=write,
        )
    except referral.ReferralRefused as exc:
        raise _CliProblem(str(exc)) from None
    except refusals as exc:
        raise _CliProblem(f"the store could not be read ({type(exc).__name__})") from None
    finally:
        store.close()
    out = written[0]
    if shown is not None:
        print(
            f"Passphrase (read it to them by phone; never send it with the file; it is not "
            f"kept): {shown}",
            file=sys.stderr,
        )
    print(out)
    return 0


def _receive_preview(received) -> list[str]:  # noqa: ANN001
    from desktop.rules.datetext import long_date

    known = (
        f"in your address book as {received.sender_known_as}"
        if received.sender_known_as
        else "NOT in your address book: check the fingerprint with the sender"
    )
    born = long_date(received.date_of_birth) if received.date_of_birth else "not given"
    lines = [
        f"From: {received.sender_name}",
        f"Fingerprint: {received.sender_fingerprint} ({known})",
        f"Sent: {received.sent_at.strftime('%Y-%m-%d %H:%M')} UTC",
        f"Client: {received.client_name}, born {born}",
        "Holds: " + ", ".join(f"{label} {n}" for label, n in received.counts),
    ]
    if received.note.strip():
        lines.append("Note: " + " ".join(received.note.split()))
    for m in received.matches:
        lines.append(f"Already here: client {m.client_id}, {m.name} ({m.why})")
    return lines


def _confirm(question: str, yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        raise _CliProblem("nothing was written: confirm with --yes (or run from a terminal)")
    return input(question).strip().lower() in {"y", "yes"}


def _cmd_receive(args: argparse.Namespace) -> int:
    from desktop.files import FileReadProblem, read_limited
    from desktop.store import referral

    adviser = _adviser()
    if args.prefer and args.merge is None:
        raise _CliProblem("--prefer goes with --merge ID")
    try:
        data = read_limited(Path(args.file), referral.READ_LIMIT, "the referral file")
    except FileReadProblem as exc:
        raise _CliProblem(str(exc)) from None
    try:
        kind = referral.lock_kind(data)
    except referral.ReferralRefused as exc:
        raise _CliProblem(f"{_clip(args.file)}: {exc}") from None
    store = _open_store(args)
    try:
        return _receive_into(store, args, data, kind, adviser)
    except (referral.ReferralRefused, referral.RecordProblem) as exc:
        raise _CliProblem(f"{_clip(args.file)}: {exc}; nothing was written") from None
    except _store_refusals() as exc:
        raise _CliProblem(
            f"the store refused the record ({type(exc).__name__}); nothing was saved"
        ) from None
    finally:
        store.close()


def _receive_into(store, args: argparse.Namespace, data: bytes, kind: str, adviser: str) -> int:  # noqa: ANN001
    from desktop.store import referral

    words = (
        _referral_passphrase("Referral passphrase (six words): ") if kind == "passphrase" else None
    )
    received = referral.open_received(store, data, words)
    from desktop.rules.history import escape

    for line in _receive_preview(received):  # names and the note are the sender's text
        print(escape(line), file=sys.stderr)
    if args.merge is not None:
        plan = referral.plan_merge(store, received, args.merge)
        print(f"Merge into client {args.merge}: {plan.summary()}", file=sys.stderr)
        changed = plan.needs_choice()
        if changed and args.prefer is None:
            raise _CliProblem(
                f"{len(changed)} record(s) differ from client {args.merge}'s: say which to keep "
                "with --prefer received or --prefer mine (or merge in the window, one by one); "
                "nothing was written"
            )
        choices = {d.id: args.prefer for d in changed}
        if not _confirm(f"Merge into client {args.merge}? [y/N] ", args.yes):
            print("Nothing was written.", file=sys.stderr)
            return 1
        referral.accept_merge(store, received, args.merge, choices, adviser)
        print(args.merge)
        return 0
    if received.matches and not args.as_new:
        ids = ", ".join(str(m.client_id) for m in received.matches)
        raise _CliProblem(
            f"a client like this one is already here (client {ids}): add --merge ID to merge "
            "record by record, or --as-new to keep both; nothing was written"
        )
    if not _confirm("Add this client? [y/N] ", args.yes):
        print("Nothing was written.", file=sys.stderr)
        return 1
    print(referral.accept_as_new(store, received, adviser))
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from desktop.store import repository

    store = _open_store(args)
    try:
        with store.session() as session:
            rows = [(c.id, c.full_name) for c in repository.list_summaries(session)]
    finally:
        store.close()
    from desktop.rules.history import escape

    for client_id, name in sorted(rows):
        print(f"{client_id}\t{escape(name)}")
    return 0


def _cmd_referral_key(args: argparse.Namespace) -> int:
    from desktop.store import referral

    store = _open_store(args)
    try:
        me = referral.identity(store)
    finally:
        store.close()
    print(me.recipient)
    print(f"Fingerprint: {me.fingerprint}")
    return 0


def _cmd_address_book(args: argparse.Namespace) -> int:
    from desktop.store import referral

    if (args.add is None) != (args.key is None):
        raise _CliProblem("--add NAME and --key KEY go together")
    store = _open_store(args)
    try:
        if args.add is not None:
            try:
                referral.add_contact(store, args.add, args.key)
            except referral.ReferralRefused as exc:
                raise _CliProblem(str(exc)) from None
        book = referral.contacts(store)
    finally:
        store.close()
    from desktop.rules.history import escape

    for c in book:
        print(f"{escape(c.name)}\t{c.fingerprint}\t{c.recipient}")
    return 0


# ---- sharing with the centre's other laptops (issue 21) ----------------------------------------

CENTRE_PASSPHRASE_ENV = "DROPIN_DESK_CENTRE_PASSPHRASE"


def _add_sharing_commands(sub, data_dir: argparse.ArgumentParser) -> None:  # noqa: ANN001
    p_centre = sub.add_parser(
        "centre",
        parents=[data_dir],
        help="share records with the centre's other laptops through a shared folder",
    )
    actions = p_centre.add_subparsers(dest="action", metavar="ACTION", required=True)
    p_create = actions.add_parser(
        "create", parents=[data_dir], help="make a centre in an empty shared folder"
    )
    p_create.add_argument("--folder", required=True, metavar="F", help="the shared folder")
    p_create.add_argument("--name", required=True, metavar="N", help="the centre's name")
    p_create.add_argument(
        "--laptop", metavar="NAME", help="this laptop's name (default: the computer's name)"
    )
    p_invite = actions.add_parser(
        "invite", parents=[data_dir], help="write a one-time invitation for another laptop"
    )
    p_invite.add_argument("--out", required=True, metavar="FILE", help="the invitation to write")
    p_join = actions.add_parser(
        "join", parents=[data_dir], help="join a centre with an invitation file"
    )
    p_join.add_argument("--folder", required=True, metavar="F", help="the shared folder")
    p_join.add_argument("--invite", required=True, metavar="FILE", help="the invitation file")
    p_join.add_argument("--name", required=True, metavar="N", help="this laptop's name")
    actions.add_parser(
        "list", parents=[data_dir], help="the centre's laptops: id, name, fingerprint, last seen"
    )
    p_remove = actions.add_parser(
        "remove", parents=[data_dir], help="remove a lost laptop from the centre"
    )
    p_remove.add_argument("device", metavar="DEVICE", help="the laptop's id (see centre list)")
    p_sync = sub.add_parser(
        "sync",
        parents=[data_dir],
        help="exchange changes with the shared folder and print what came in and out",
    )
    p_sync.add_argument(
        "--folder", metavar="F", help="the shared folder (default: the one the centre uses)"
    )


def _centre_passphrase(confirm: bool = False) -> str:
    """The centre passphrase (it locks invitations only): $DROPIN_DESK_CENTRE_PASSPHRASE or
    typed (twice when it is new)."""
    value = os.environ.get(CENTRE_PASSPHRASE_ENV)
    if value is not None:
        if not _is_text(value):
            raise _CliProblem(f"{CENTRE_PASSPHRASE_ENV} is not valid text (UTF-8)")
        return value
    if not sys.stdin.isatty():
        raise _CliProblem(
            f"no centre passphrase: set {CENTRE_PASSPHRASE_ENV} or run from a terminal"
        )
    value = _prompt("Centre passphrase: ")
    if confirm and _prompt("Type it again: ") != value:
        raise _CliProblem("the two centre passphrases do not match")
    return value


def _folder_argument(value: str) -> Path:
    folder = Path(value)
    if not folder.is_dir():
        raise _CliProblem(f"--folder: {_clip(value)} is not a folder (make it first)")
    return folder


def _cmd_centre(args: argparse.Namespace) -> int:
    from desktop.store import sync_folder as sf

    try:
        return _centre_action(args, sf)
    except sf.SyncProblem as exc:
        raise _CliProblem(str(exc)) from None
    except _store_refusals() as exc:
        raise _CliProblem(
            f"the store refused the change ({type(exc).__name__}); nothing was saved"
        ) from None


def _centre_action(args: argparse.Namespace, sf) -> int:  # noqa: ANN001
    from desktop.files import FileReadProblem, read_limited

    if args.action == "create":
        import socket

        folder = _folder_argument(args.folder)
        laptop = args.laptop if args.laptop is not None else (socket.gethostname() or "Laptop")
        words = _centre_passphrase(confirm=True)
        store = _open_store(args)
        try:
            centre = sf.create_centre(store, folder, args.name, words, laptop[: sf.NAME_LIMIT])
        finally:
            store.close()
        print(f"Created the centre {centre.name} in {folder}")
        print(f"This laptop: {centre.laptop} ({centre.device})")
        return 0
    if args.action == "invite":
        out = _out_path(args.out, "invitation.ddinv")
        store = _open_store(args)
        try:
            invitation = sf.make_invitation(store, _centre_passphrase())
        finally:
            store.close()
        from desktop.printing.common import WriteProblem, write_atomically

        try:
            write_atomically(out, invitation.data)
        except WriteProblem as exc:
            raise _CliProblem(f"--out: {exc}") from None
        until = invitation.expires.strftime("%Y-%m-%d %H:%M")
        print(
            f"The invitation works once, until {until} UTC, with the centre passphrase "
            "(tell it to the person; never send it with the file).",
            file=sys.stderr,
        )
        print(out)
        return 0
    if args.action == "join":
        folder = _folder_argument(args.folder)
        try:
            data = read_limited(Path(args.invite), sf.INVITATION_LIMIT, "invitation")
        except FileReadProblem as exc:
            raise _CliProblem(f"--invite: {exc}") from None
        words = _centre_passphrase()
        store = _open_store(args)
        try:
            centre = sf.join_centre(store, folder, data, words, args.name)
        finally:
            store.close()
        print(f"Joined the centre {centre.name} as {centre.laptop} ({centre.device})")
        print("Run 'dropin-desk sync' to bring in the centre's records.")
        return 0
    store = _open_store(args)
    try:
        if args.action == "list":
            laptops = sf.list_devices(store)
            with store.session() as session:
                me = sf.centre_of(session)
        else:
            removed = sf.remove_device(store, args.device)
    finally:
        store.close()
    from desktop.rules.history import escape

    if args.action == "remove":
        print(f"Removed {escape(removed.name)} ({removed.id}); later files are not locked to it.")
        return 0
    for laptop in laptops:
        marks = []
        if me is not None and laptop.id == me.device:
            marks.append("this laptop")
        if laptop.removed:
            marks.append("removed")
        seen = (laptop.last_seen or "never").replace("T", " ").replace("Z", " UTC")
        tail = f"\t({', '.join(marks)})" if marks else ""
        print(f"{laptop.id}\t{escape(laptop.name)}\t{laptop.fingerprint}\t{seen}{tail}")
    return 0


def _cmd_sync(args: argparse.Namespace) -> int:
    from desktop.store import sync_folder as sf

    folder = _folder_argument(args.folder) if args.folder else None
    store = _open_store(args)
    try:
        report = sf.sync(store, folder)
    except sf.SyncProblem as exc:
        raise _CliProblem(str(exc)) from None
    except _store_refusals() as exc:
        raise _CliProblem(
            f"the store refused a change ({type(exc).__name__}); that file was not applied"
        ) from None
    finally:
        store.close()
    from desktop.rules.history import escape

    for line in report.lines():
        print(f"dropin-desk: {escape(line)}", file=sys.stderr)
    print(report.summary())
    return 0


# ---- statistics for funders and trustees (issue 22) --------------------------------------------


def _add_stats_command(sub, data_dir: argparse.ArgumentParser) -> None:  # noqa: ANN001
    p_stats = sub.add_parser(
        "stats",
        parents=[data_dir],
        help="counts of clients, visits and matters in a period for funders (CSV or PDF)",
        description="Count the clients (each person once), visits and matters from --from to "
        "--to (both days included) by month, issue, OISC category, outcome, nationality, age "
        "band, referral source and centre. Counts of 1 to 4 are shown <5, and others withheld "
        "([c]) where a small one could be worked out; no names, dates of birth or references. "
        "--out FILE.csv writes a spreadsheet, FILE.pdf a printed page with charts (readable by "
        "you only, written whole or not at all).",
    )
    p_stats.add_argument(
        "--from", dest="start", required=True, metavar="YYYY-MM-DD", help="first day counted"
    )
    p_stats.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD", help="last day")
    p_stats.add_argument(
        "--out", required=True, metavar="FILE", help="where to write: a .csv or .pdf file name"
    )


def _cmd_stats(args: argparse.Namespace) -> int:
    """`dropin-desk stats --from D --to D --out FILE`: the published counts (desktop.rules.
    statistics) as CSV or PDF by the file's suffix, written whole, readable by its owner only."""
    from datetime import date

    from desktop.assess import load_casework, parse_date_option
    from desktop.printing.common import WriteProblem, write_atomically
    from desktop.printing.statistics_report import statistics_csv, statistics_pdf
    from desktop.rules.statistics import labels_from
    from desktop.store.repository import CENTRE_NAME_SETTING, get_setting
    from desktop.store.statistics import statistics_for

    start = parse_date_option("--from", args.start)
    end = parse_date_option("--to", args.end)
    if start > end:
        raise _CliProblem(f"--from: {start.isoformat()} is after --to ({end.isoformat()})")
    suffix = Path(args.out).suffix.lower()
    if suffix not in (".csv", ".pdf"):
        raise _CliProblem("--out: give a file name ending in .csv or .pdf")
    out = _out_path(args.out, f"statistics{suffix}")
    try:
        labels = labels_from(load_casework())
    except ValueError as exc:  # CaseworkDataError names the file and the entry
        raise _CliProblem(str(exc)) from None
    refusals = _store_refusals()
    store = _open_store(args)
    try:
        with store.session() as session:  # makes the statistics key on first use
            stats = statistics_for(session, start, end, labels)
            centre = (get_setting(session, CENTRE_NAME_SETTING, "") or "").strip()
    except refusals as exc:
        raise _CliProblem(f"the store could not be read ({type(exc).__name__})") from None
    finally:
        store.close()
    made = date.today()
    try:
        data = (statistics_csv if suffix == ".csv" else statistics_pdf)(stats, centre, made)
    except Exception as exc:  # a bug: no traceback (it would hold no names, but no detail)
        raise _CliProblem(f"internal error making the statistics ({type(exc).__name__})") from None
    try:
        _only_owner_reads(out)
        write_atomically(out, data)
    except WriteProblem as exc:
        raise _CliProblem(f"--out: {exc}") from None
    except OSError as exc:
        raise _CliProblem(
            f"--out: cannot write {_clip(str(out))} ({exc.strerror or type(exc).__name__})"
        ) from None
    print(out)
    return 0


def _only_owner_reads(path: Path) -> None:
    """A file written over keeps its mode (write_atomically): one that others could read is
    made 0600 first, so the new content is never readable by them (a new file is 0600)."""
    import stat

    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    if stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(path, 0o600)


if __name__ == "__main__":
    sys.exit(main())
