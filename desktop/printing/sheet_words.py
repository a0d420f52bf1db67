"""The words of the annotation sheet's client copy ("What is still missing") in the client's
language: English, Arabic or Farsi, from resources/checklists/_sheet_phrases.toml, with dates
written with the month names of the handouts' own phrases (_phrases.toml).

Pure reading and formatting: no Qt. The sheet asks `SheetWords(lang)` for each sentence."""

from __future__ import annotations

import functools
import tomllib
from datetime import date

from desktop.datetext import long_date, short_date
from desktop.rules.checklists import LANGUAGES

SHEET_PHRASES_FILE = "_sheet_phrases.toml"


class SheetPhrasesError(ValueError):
    """The phrases file cannot be used; the message names the file and what is wrong."""


@functools.cache
def sheet_phrases() -> dict[str, dict[str, str]]:
    """lang -> key -> words, every language with every key the English has."""
    from desktop.assess import checklists_dir  # an installed content pack's, when one is active

    path = checklists_dir() / SHEET_PHRASES_FILE
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SheetPhrasesError(f"{path.name}: cannot be read ({type(exc).__name__})") from exc
    english = doc.get("en")
    if not isinstance(english, dict) or not english:
        raise SheetPhrasesError(f"{path.name}: no [en] table")
    out: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        table = doc.get(lang)
        if not isinstance(table, dict):
            raise SheetPhrasesError(f"{path.name}: no [{lang}] table")
        missing = sorted(set(english) - set(table))
        extra = sorted(set(table) - set(english))
        if missing or extra:
            raise SheetPhrasesError(
                f"{path.name}: [{lang}] "
                + "; ".join(
                    p
                    for p in (
                        f"has no {', '.join(missing)}" if missing else "",
                        f"has unknown {', '.join(extra)}" if extra else "",
                    )
                    if p
                )
            )
        if not all(isinstance(v, str) and v.strip() for v in table.values()):
            raise SheetPhrasesError(f"{path.name}: [{lang}] every phrase must be words")
        out[lang] = dict(table)
    return out


def _month_names(lang: str) -> tuple[str, ...] | None:
    from desktop.assess import handout_phrases

    months = handout_phrases().get(lang, {}).get("months")
    return tuple(months) if months else None


class SheetWords:
    """The client copy's words in `lang` (a key of LANGUAGES; anything else is English)."""

    def __init__(self, lang: str = "en"):
        self.lang = lang if lang in LANGUAGES else "en"
        self.rtl = LANGUAGES[self.lang][1] == "rtl"
        self._words = sheet_phrases()[self.lang]
        self._months = None if self.lang == "en" else _month_names(self.lang)

    def __call__(self, key: str, **fields: object) -> str:
        return self._words[key].format(**fields)

    def long_date(self, value: date) -> str:
        if self._months is None:
            return long_date(value)
        return f"{value.day} {self._months[value.month - 1]} {value.year}"

    def short_date(self, value: date) -> str:
        return short_date(value) if self._months is None else self.long_date(value)


#: How a client's recorded languages (free text, "Arabic, English") name the handouts' own
#: languages. Dari is not taken as Farsi: the words were written for Farsi and no one has
#: checked them for Dari readers, so a Dari speaker gets English until someone does.
_LANGUAGE_NAMES: dict[str, str] = {
    "english": "en",
    "en": "en",
    "arabic": "ar",
    "ar": "ar",
    "العربية": "ar",
    "farsi": "fa",
    "persian": "fa",
    "fa": "fa",
    "فارسی": "fa",
}


def client_copy_language(languages: str | None) -> str:
    """The client copy's language for a client whose recorded languages are `languages`: the
    first one listed that the sheet has words for, else English. "Tigrinya, Arabic" → "ar";
    "Arabic (some English)" → "ar"; "Dari" → "en"."""
    for part in (languages or "").replace(";", ",").replace("/", ",").split(","):
        words = part.strip().casefold().replace("(", " ").split()
        if words and words[0] in _LANGUAGE_NAMES:
            return _LANGUAGE_NAMES[words[0]]
    return "en"
