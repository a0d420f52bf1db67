"""Glue between the pure residence engine and the outside world.

Loads the dated figures from `resources/rules/*.toml`, builds the bank-holiday calendar with the
`holidays` package (offline), reads the clock for "today", and runs `dropin-desk assess`.
Nothing else in the engine reads files or the clock.

`holidays` is slow to import (about 50 ms), so the calendar is a `LazyBankHolidays`: it is built
the first time a working day is actually checked, and most assessments never check one.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from collections.abc import Iterator, Mapping, Set
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import desktop
from desktop.rules.figures import Figures
from desktop.rules.history import (
    CLIENT_RECORD_KEY,
    DATE_RANGE_TEXT,
    ROUTES,
    History,
    HistoryError,
    clip,
    date_in_range,
    parse_history,
    quote,
)
from desktop.rules.residence import assess
from desktop.rules.residence import verdict_line as _verdict_line

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")

REGIONS: dict[str, str] = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}


def rules_dir() -> Path:
    """The dated figures in use: an installed content update pack's when one is active and
    newer than the app's own, else resources/rules (desktop.content decides, and clears the
    caches below when that changes)."""
    from desktop.content import content_folder

    return content_folder("rules")


@lru_cache(maxsize=4)
def load_figures(directory: str | None = None) -> Figures:
    """All `[[figure]]` tables from resources/rules/*.toml (cached: they do not change at run time)."""
    folder = Path(directory) if directory else rules_dir()
    docs = []
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as fh:
            docs.append(tomllib.load(fh))
    return Figures.from_tables(docs)


#: The applications the fee calculator knows, with their fee waiver prose and its sources.
FEE_APPLICATIONS_FILE = "fee_applications.toml"


def load_fee_applications(directory: str | None = None) -> dict[str, Any]:
    """key -> desktop.rules.fees.Application, from rules/fee_applications.toml in the content in
    use (the app's own file when an installed pack predates it); cached per file. FeesError
    (a ValueError) names the file and the entry when it is wrong."""
    folder = Path(directory) if directory else rules_dir()
    path = folder / FEE_APPLICATIONS_FILE
    if directory is None and not path.is_file():
        path = desktop.RESOURCES_DIR / "rules" / FEE_APPLICATIONS_FILE
    return dict(_fee_applications(str(path)))


@lru_cache(maxsize=4)
def _fee_applications(path: str) -> dict[str, Any]:
    from desktop.rules.fees import FeesError, parse_applications

    name = _shown_name(Path(path))
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except OSError as exc:
        raise FeesError(f"{name} cannot be read ({exc.strerror})", "applications") from None
    except tomllib.TOMLDecodeError as exc:
        raise FeesError(f"{name} is not valid TOML ({exc})", "applications") from None
    return parse_applications(doc, name=name)


#: The casework data: matter categories, outcomes, level-check triggers and their figures.
CASEWORK_FILE = "casework.toml"


def load_casework(directory: str | None = None):
    """desktop.rules.casework.CaseworkData from rules/casework.toml in the content in use (the
    app's own file when an installed pack predates it); cached per file. CaseworkDataError (a
    ValueError) names the file and the entry when it is wrong."""
    folder = Path(directory) if directory else rules_dir()
    path = folder / CASEWORK_FILE
    if directory is None and not path.is_file():
        path = desktop.RESOURCES_DIR / "rules" / CASEWORK_FILE
    return _casework(str(path))


@lru_cache(maxsize=4)
def _casework(path: str):
    from desktop.rules.casework import CaseworkDataError, parse_casework

    name = _shown_name(Path(path))
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except OSError as exc:
        raise CaseworkDataError(f"{name} cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CaseworkDataError(f"{name} is not valid TOML ({exc})") from None
    return parse_casework(doc, name=name)


@lru_cache(maxsize=1)
def statement_vocabulary():
    """The keyword lists of the bank-statement checks, from resources/rules/statement_words.toml
    (cached). A bad file raises ValueError naming the file (and, for TOML errors, line and
    column)."""
    from desktop.rules.statements import VocabularyError, vocabulary_from_toml

    path = rules_dir() / "statement_words.toml"
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path.name}: not valid TOML ({exc})") from None
    try:
        return vocabulary_from_toml(doc)
    except VocabularyError as exc:
        raise ValueError(f"{path.name}: {exc}") from None


@lru_cache(maxsize=16)
def bank_holidays(region: str, first_year: int, last_year: int) -> frozenset[date]:
    """Bank holidays for a region from the offline `holidays` package."""
    if region not in REGIONS:
        raise ValueError(f"unknown region {region!r}; expected one of {', '.join(REGIONS)}")
    import holidays  # local import: only deadlines need it

    calendar = holidays.UK(subdiv=REGIONS[region], years=range(first_year, last_year + 1))
    return frozenset(calendar.keys())


class LazyBankHolidays(Set):
    """The bank holidays of a region and span of years, built on first use.

    Behaves as a read-only set of dates (`d in holidays`, iteration, `len`, `frozenset(...)`,
    equality with a frozenset); `holidays` is imported only when one of those is first used.
    """

    __slots__ = ("region", "first_year", "last_year", "_dates")

    def __init__(self, region: str, first_year: int, last_year: int):
        if region not in REGIONS:
            raise ValueError(
                f"unknown region {quote(region)}; expected one of {', '.join(REGIONS)}"
            )
        self.region = region
        self.first_year = first_year
        self.last_year = last_year
        self._dates: frozenset[date] | None = None

    @property
    def loaded(self) -> bool:
        """Whether the calendar has been built (for tests and benchmarks)."""
        return self._dates is not None

    def _load(self) -> frozenset[date]:
        if self._dates is None:
            self._dates = bank_holidays(self.region, self.first_year, self.last_year)
        return self._dates

    def __contains__(self, item: object) -> bool:
        return item in self._load()

    def __iter__(self) -> Iterator[date]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __hash__(self) -> int:  # equal to the frozenset it stands for, so hash like it
        return hash(self._load())

    def __repr__(self) -> str:
        state = "loaded" if self.loaded else "not loaded yet"
        return f"LazyBankHolidays({self.region!r}, {self.first_year}, {self.last_year}; {state})"


def _holidays_for(history: History, on: date, today: date, region: str) -> LazyBankHolidays:
    years = [on.year, today.year]
    for app in history.applications:
        for d in (app.made, app.decided, app.fee_waiver_requested, app.fee_waiver_decided):
            if d is not None:
                years.append(d.year)
    # Duck-typed: the engine only asks `d in bank_holidays` (days.is_working_day).
    return LazyBankHolidays(region, min(years) - 1, max(years) + 2)


def _resolve(history: History, route: str | None, on: date | None, today: date) -> tuple[str, date]:
    q = history.question
    route = route or (q.route if q else None)
    if not route:
        raise HistoryError(
            "question.route: no route given; add a question to the file or pass --route",
            record="question",
            field="route",
        )
    if route not in ROUTES:
        raise HistoryError(
            f"--route: unknown route {quote(route)}; expected one of {', '.join(ROUTES)}",
            record=None,
            field="route",
        )
    on = on or (q.application_date if q else None) or today
    for name, value in (("application date", on), ("today", today)):
        if not date_in_range(value):
            raise HistoryError(f"{name}: the date {value.isoformat()} is {DATE_RANGE_TEXT}")
    return route, on


def assess_history(
    history: History,
    route: str | None = None,
    on: date | None = None,
    region: str = "england-and-wales",
    today: date | None = None,
):
    """Run the engine on a parsed History; returns the `Assessment` value."""
    today = today or date.today()
    route, on = _resolve(history, route, on, today)
    return assess(
        history,
        route,
        on,
        load_figures(),
        bank_holidays=_holidays_for(history, on, today, region),
        today=today,
    )


def assess_case(
    data: Mapping[str, Any],
    route: str | None = None,
    on: date | None = None,
    region: str = "england-and-wales",
    today: date | None = None,
) -> dict[str, Any]:
    """Parse a history JSON dict and return the issue-3 JSON object (a dict).

    A full export's client_record section is ignored: the engine needs only the history. The
    object's "travel" is `travel_for` on the same route, for the 12 months ending `today`."""
    history = parse_history({k: v for k, v in data.items() if k != CLIENT_RECORD_KEY})
    today = today or date.today()
    out = assess_history(history, route, on, region, today).to_dict()
    out["travel"] = travel_for(history, _resolve(history, route, on, today)[0], today).to_dict()
    return out


def travel_for(history: History, route: str, today: date | None = None):
    """Can I travel? for the Residence tab and `assess` (desktop.rules.travel): the whole
    days outside in the 12 months ending `today`, the days left before `route`'s limit and the
    day each past trip stops counting."""
    from desktop.rules.travel import can_i_travel

    return can_i_travel(history, route, today or date.today(), load_figures())


def timeline_for(
    history: History,
    route: str | None = None,
    on: date | None = None,
    region: str = "england-and-wales",
    today: date | None = None,
    until: date | None = None,
):
    """The day-by-day timeline (with its assessment) for the calendar and the printed report."""
    from desktop.rules.day_timeline import day_timeline

    today = today or date.today()
    route, on = _resolve(history, route, on, today)
    return day_timeline(
        history,
        route,
        on,
        load_figures(),
        bank_holidays=_holidays_for(history, on, today, region),
        today=today,
        until=until,
    )


def plan_trip_for(
    history: History,
    route: str,
    on: date,
    left: date,
    returned: date,
    region: str = "england-and-wales",
    today: date | None = None,
):
    """'What if I travel from L to R?' for the UI (see desktop.rules.what_if)."""
    from desktop.rules.what_if import plan_trip

    today = today or date.today()
    return plan_trip(
        history,
        route,
        on,
        load_figures(),
        left,
        returned,
        bank_holidays=_holidays_for(history, on, today, region),
        today=today,
    )


def verdict_line(
    history: History,
    route: str,
    on: date,
    region: str = "england-and-wales",
    today: date | None = None,
) -> str:
    """One plain-English line for the client page, e.g.
    'Long residence: eligible on 2024-09-01 (10 years from 2014-09-01)'."""
    return _verdict_line(assess_history(history, route, on, region, today))


def _fail(message: str) -> int:
    """One line on stderr (newlines in the message become spaces), exit status 2."""
    print(" ".join(message.splitlines()).strip(), file=sys.stderr)
    return 2


def _date_option(flag: str, value: str | None) -> date | None:
    """`--on` / `--today`: None when not given; HistoryError naming the flag when wrong."""
    if value is None:
        return None
    try:
        if not _ISO_DATE.match(value):
            raise ValueError
        parsed = date.fromisoformat(value)
    except ValueError:
        raise HistoryError(
            f"{flag}: {quote(value)} is not a date in the form YYYY-MM-DD", field=flag
        ) from None
    if not date_in_range(parsed):
        raise HistoryError(f"{flag}: the date {value} is {DATE_RANGE_TEXT}", field=flag)
    return parsed


def run_assess_command(
    case: str,
    route: str | None,
    on: str | None,
    region: str,
    today: str | None = None,
) -> int:
    """`dropin-desk assess CASE.json [--route R] [--on YYYY-MM-DD] [--today YYYY-MM-DD]`.

    Prints one JSON object on stdout. `--today` pins "today" (deadlines, projections and the
    rules in force); without it the clock is read. Bad input prints one line on stderr naming
    the record and field (never more than 80 characters of a bad value), nothing on stdout,
    and returns 2.
    """
    name = "standard input" if case == "-" else clip(case)
    try:
        data = read_case_json(case)
        on_date = _date_option("--on", on)
        today_date = _date_option("--today", today)
    except HistoryError as exc:
        return _fail(exc.message)
    if region not in REGIONS:
        return _fail(
            f"--region: unknown region {quote(region)}; expected one of {', '.join(REGIONS)}"
        )
    try:
        result = assess_case(data, route=route, on=on_date, region=region, today=today_date)
        output = json.dumps(result, indent=2, ensure_ascii=False)
    except HistoryError as exc:
        return _fail(exc.message)
    except (ValueError, ArithmeticError) as exc:
        # From the figures or the engine: the message may hold client data, so it is not shown.
        return _fail(
            f"{name}: the residence engine could not assess this history "
            f"({type(exc).__name__}); check its dates"
        )
    except Exception as exc:  # a bug: no traceback, which could show client data
        return _fail(f"{name}: internal error in the residence engine ({type(exc).__name__})")
    try:
        print(output)
    except UnicodeEncodeError:  # a terminal that cannot show every character: escape them
        print(json.dumps(result, indent=2, ensure_ascii=True))
    return 0


#: The largest history file (or standard input) read: a 40-year history with 2,000 trips is
#: about 0.3 MB and a full subject access copy with a household's bank statements a few MB.
#: Anything bigger is a mistake (or /dev/zero, which grew the process to 5.9 GB) and is
#: refused before it is read whole.
HISTORY_FILE_LIMIT = 20 * 1024 * 1024

#: How messages name a history file's kind.
HISTORY_FILE = "history file"


def _megabytes(count: int) -> str:
    return f"{count // (1024 * 1024)} MB"


def read_history_text(case: str | Path) -> str:
    """The text of a history file, or of standard input when `case` is '-': only a regular
    file (never a device, pipe or folder), at most HISTORY_FILE_LIMIT bytes (checked before it
    is read whole), UTF-8. HistoryError naming the file (never its content) otherwise."""
    from desktop.files import FileReadProblem, read_limited, shown_name

    if str(case) == "-":
        name = "standard input"
        stream = getattr(sys.stdin, "buffer", None)
        try:
            if stream is None:  # a text stream put in its place (tests, embedding)
                text = sys.stdin.read(HISTORY_FILE_LIMIT + 1)
                if len(text.encode("utf-8", "surrogatepass")) > HISTORY_FILE_LIMIT:
                    raise _too_big(name)
                return text
            data = stream.read(HISTORY_FILE_LIMIT + 1)
        except UnicodeDecodeError:
            raise HistoryError(f"{name}: cannot be read (it is not UTF-8 text)") from None
        except OSError as exc:
            raise HistoryError(
                f"{name}: cannot be read ({exc.strerror or type(exc).__name__})"
            ) from None
        if len(data) > HISTORY_FILE_LIMIT:
            raise _too_big(name)
    else:
        name = file_label(case)
        try:
            data = read_limited(case, HISTORY_FILE_LIMIT, HISTORY_FILE)
        except FileReadProblem as exc:
            # The message starts with the file's name; name it as it was given ("/dev/zero
            # is not an ordinary file", not "zero ...").
            message, short = str(exc), shown_name(case)
            if message.startswith(short):
                message = name + message[len(short) :]
            raise HistoryError(clip(message, 4 * 80)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HistoryError(
            f"{name}: byte {exc.start} is not UTF-8 text, so the {HISTORY_FILE} cannot be read"
        ) from None


def file_label(path: str | Path) -> str:
    """A file as messages name it: as given, control and bidi characters escaped, and when
    longer than 80 characters its end (where the file's own name is), after "…"."""
    text = str(path)
    if len(text) > 80:
        text = "…" + text[-79:]
    return clip(text)


def _too_big(name: str) -> HistoryError:
    return HistoryError(
        f"{name} is more than the {_megabytes(HISTORY_FILE_LIMIT)} a {HISTORY_FILE} can be; "
        "it was not read"
    )


def read_case_json(case: str) -> dict[str, Any]:
    """The JSON object of a history file ('-': standard input), read and checked as
    `dropin-desk assess` does; HistoryError with the same one-line messages (never more than
    80 characters of anything in the file)."""
    name = "standard input" if case == "-" else clip(case)
    text = read_history_text(case)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HistoryError(
            f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise HistoryError(f"{name}: the JSON is nested too deeply to read") from None
    except ValueError:
        raise HistoryError(f"{name}: not valid JSON (a number in it is too long)") from None
    if not isinstance(data, dict):
        raise HistoryError(
            f"{name}: expected a JSON object (the history), got {type(data).__name__}"
        )
    return data


def parse_date_option(flag: str, value: str | None) -> date | None:
    """`--on` / `--today` as `dropin-desk assess` reads them (HistoryError naming the flag)."""
    return _date_option(flag, value)


def history_of_case(data: Mapping[str, Any]) -> History:
    """The History in a history JSON object (a full export's client_record is ignored)."""
    return parse_history({k: v for k, v in data.items() if k != CLIENT_RECORD_KEY})


# --------------------------------------------------------------------------------------------
# Checklists and the handout's words (resources/checklists/; desktop.rules.checklists parses).
# --------------------------------------------------------------------------------------------

#: The handout's own words; files starting with "_" in checklists_dir() are not checklists.
PHRASES_FILE = "_phrases.toml"


def checklists_dir() -> Path:
    """The checklists in use: an installed content update pack's or resources/checklists."""
    from desktop.content import content_folder

    return content_folder("checklists")


def _shown_name(path: Path) -> str:
    """How messages name a file: from the resources folder on ("resources/checklists/x.toml")."""
    try:
        return path.resolve().relative_to(desktop.RESOURCES_DIR.parent).as_posix()
    except ValueError:
        return str(path)


def _read_checklist_toml(path: Path) -> tuple[dict[str, Any], str, str]:
    """(document, raw text, shown name) of a checklist-folder TOML file; ChecklistError naming
    the file (and, for TOML syntax errors, the line and column) when it cannot be read."""
    from desktop.rules.checklists import ChecklistError, toml_error_line

    name = _shown_name(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ChecklistError(f"{name}: not UTF-8 text") from None
    except OSError as exc:
        raise ChecklistError(f"{name}: cannot read the file ({exc.strerror or exc})") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column = toml_error_line(str(exc), text)
        reason = re.sub(r"\s*\(at [^)]*\)\s*\Z", "", str(exc))
        where = f"line {line}" + (f", column {column}" if column is not None else "")
        raise ChecklistError(f"{name}, {where}: not valid TOML ({reason})") from None
    return doc, text, name


@lru_cache(maxsize=4)
def _checklists(directory: str | None):
    from desktop.rules.checklists import parse_checklist

    folder = Path(directory) if directory else checklists_dir()
    found = []
    for path in sorted(folder.glob("*.toml")):
        if path.name.startswith("_"):
            continue
        doc, text, name = _read_checklist_toml(path)
        found.append(parse_checklist(doc, name=name, text=text))
    return tuple(sorted(found, key=lambda c: c.id))


def load_checklists(directory: str | None = None) -> dict[str, Any]:
    """Every checklist in resources/checklists/ (or `directory`): id -> Checklist, sorted by
    id. Cached: the files do not change at run time. The first bad file raises ChecklistError
    naming the file and line."""
    return {c.id: c for c in _checklists(directory)}


@lru_cache(maxsize=4)
def _phrases(directory: str | None):
    from desktop.rules.checklists import parse_phrases

    folder = Path(directory) if directory else checklists_dir()
    doc, text, name = _read_checklist_toml(folder / PHRASES_FILE)
    return parse_phrases(doc, name=name, text=text)


@lru_cache(maxsize=4)
def _phrase_reviews(directory: str | None):
    from desktop.rules.checklists import parse_phrase_reviews

    folder = Path(directory) if directory else checklists_dir()
    doc, text, name = _read_checklist_toml(folder / PHRASES_FILE)
    return parse_phrase_reviews(doc, name=name, text=text)


def handout_phrase_reviews(directory: str | None = None) -> dict[str, Any]:
    """lang -> desktop.rules.checklists.Review for each language of the handout's own words a
    native speaker has checked (`[review.<lang>]` in _phrases.toml; cached)."""
    return dict(_phrase_reviews(directory))


def handout_phrases(directory: str | None = None) -> dict[str, dict[str, Any]]:
    """The handout's own words: lang -> phrase key (desktop.rules.checklists.PHRASE_KEYS) ->
    text; `weekdays` and `months` are tuples of names. From resources/checklists/_phrases.toml
    (cached); ChecklistError naming the file and line when it is wrong."""
    return {lang: dict(words) for lang, words in _phrases(directory).items()}
