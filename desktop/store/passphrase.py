"""The one passphrase policy, shared by the window (create store, change passphrase) and `init`.

`assess(passphrase)` is the only judge: it gives whether the passphrase may be used, a 0-4
score for the meter and one sentence. The window shows that sentence while the passphrase is
typed, and the same sentence is the error when it is refused (on the page, in the dialog and
from `dropin-desk init`), so what is shown and what is enforced cannot drift apart.

A new passphrase is refused when

- it looks blank or short: fewer than MIN_LENGTH characters are left once spaces, invisible
  characters (zero-width spaces and joiners, direction marks, soft hyphens, control
  characters, Hangul fillers...) and lone combining marks are taken out. Eight zero-width
  spaces are eight characters to Python and nothing at all on the screen; or
- it is easy to guess: the zxcvbn estimator (Dropbox's, MIT licence, offline; it knows common
  passwords, names, English words, keyboard runs, dates, repeats and l33t spellings) scores it
  below MIN_SCORE, with its words judged both as typed and run together (zxcvbn takes a space
  for a random symbol, which made "1 2 3 4 5 6 7 8" look strong).

MIN_SCORE is 3, zxcvbn's "safely unguessable" band: at least 10^8 guesses, which it describes
as moderate protection against an offline attack on a slow hash. That is our case: the key is
stretched with Argon2id (64 MiB, 3 passes, about 0.15 s of one core per guess, and the memory
cost blunts graphics cards), so 10^8 guesses is about six months of one core's time even for
the weakest passphrase allowed, against someone who has copied the store. Score 3 refuses
every common password, keyboard run, name-and-year and date, and four random words always
pass (they score 4); requiring 4 would also refuse two uncommon words or a long word with a
number, which volunteers type many times a day: the hint still asks for four words.

zxcvbn is slow on long input (a 100-character run of one digit takes 0.2 s, and it refuses
more than 72 characters outright), so it sees only the first ESTIMATE_CHARS characters, and
only the first JUDGED_CHARS are looked at at all: typing costs about 1-2 ms a key (median),
the worst pastes found 30-45 ms (`benchmarks/bench_passphrase.py`). A passphrase that long is
past guessing anyway if its start is.

Only creating a store and changing the passphrase apply the policy: unlocking never does, so a
store made under an older, looser policy still opens with its passphrase.

Passphrases are compared and stretched in Unicode NFC form, so "é" typed as one code point
(U+00E9) and as "e" + combining acute (U+0065 U+0301) - which keyboards and input methods
produce differently on different systems - open the same store.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

#: The fewest characters you can see a new passphrase may have (after NFC, not counting
#: spaces, invisible characters or lone combining marks).
MIN_LENGTH = 8

#: The lowest zxcvbn score (0-4) a new passphrase may have; see the module's docstring.
MIN_SCORE = 3

#: How many characters (from the start) the strength estimator is given.
ESTIMATE_CHARS = 64

#: How many characters (from the start) are looked at at all: a pasted megabyte is judged by
#: its start, and each key stays quick however long the passphrase gets.
JUDGED_CHARS = 1_000

#: What a separator between words is worth, in guesses: an attacker tries the words run
#: together, then with a space, a hyphen, a dot... (see `_estimate`).
SEPARATOR_GUESSES = 10

#: Words an attacker who knows the app would try first.
APP_WORDS = ("dropin", "drop-in", "desk", "dropindesk", "drop-in desk", "drop in desk")

#: What the window shows before anything is typed.
POLICY_HINT = f"Use at least {MIN_LENGTH} characters; four or more random words is better."

TOO_SHORT = (
    f"Too short: use at least {MIN_LENGTH} characters "
    "(spaces and invisible characters do not count)."
)
ADVICE = "Four or more random words make a strong passphrase."

#: Characters that are letters or symbols to Unicode but show nothing: the Hangul fillers, the
#: braille blank and the combining grapheme joiner.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")


@dataclass(frozen=True)
class PassphraseCheck:
    """What `assess` says about a passphrase."""

    ok: bool  #: it may be used for a new store or a passphrase change
    score: int  #: 0-4, for the strength meter
    hint: str  #: the sentence shown while typing; the error when `ok` is false


def normalise(passphrase: str) -> str:
    """The form every passphrase is in before key derivation (Unicode NFC)."""
    return unicodedata.normalize("NFC", passphrase)


def _shows(ch: str) -> bool:
    """Whether `ch` puts something on the screen by itself: not a space or separator (Z*), a
    control, format, private-use or unassigned character (C*), a combining mark (M*: it only
    changes the letter before it) or one of the blank letters."""
    return unicodedata.category(ch)[0] not in "CZM" and ch not in _BLANK


def visible_text(passphrase: str) -> str:
    """The characters of `passphrase` (in NFC) that can be seen, in order."""
    return "".join(ch for ch in normalise(passphrase) if _shows(ch))


def _guesses(text: str) -> tuple[float, str]:
    """zxcvbn's estimate of the guesses `text` needs, and its warning."""
    from zxcvbn import zxcvbn  # 30 ms to import: only when a passphrase is being chosen

    result = zxcvbn(text, user_inputs=list(APP_WORDS), max_length=ESTIMATE_CHARS)
    return float(result["guesses"]), str(result["feedback"].get("warning") or "")


def _score(guesses: float) -> int:
    """zxcvbn's 0-4 bands: under 10^3, 10^6, 10^8, 10^10 guesses, or more."""
    from zxcvbn.time_estimates import guesses_to_score

    return int(guesses_to_score(guesses))


def _estimate(words: list[str]) -> tuple[int, str]:
    """The score and warning for the passphrase made of `words`, judged on its first
    ESTIMATE_CHARS characters.

    zxcvbn counts a space as a random symbol, so "1 2 3 4 5 6 7 8" looks stronger than
    "correct horse battery staple". An attacker tries words with and without the spaces, so
    the words are also judged run together, allowing SEPARATOR_GUESSES for the choice of
    separator, and the weaker of the two judgements counts."""
    spaced = " ".join(words)[:ESTIMATE_CHARS]
    try:
        guesses, warning = _guesses(spaced)
        if len(words) > 1:
            joined, joined_warning = _guesses("".join(words)[:ESTIMATE_CHARS])
            if joined * SEPARATOR_GUESSES < guesses:
                guesses, warning = joined * SEPARATOR_GUESSES, joined_warning
        return _score(guesses), warning
    except Exception:  # never crash on odd input: judge by length alone
        return (4 if len(spaced) >= 20 else 2), ""


def assess(passphrase: str) -> PassphraseCheck:
    """Whether `passphrase` may be used for a new store or a passphrase change, its 0-4 score
    and the one sentence to show (the same while typing and when it is refused)."""
    passphrase = normalise(passphrase[:JUDGED_CHARS])
    if len(visible_text(passphrase)) < MIN_LENGTH:
        return PassphraseCheck(False, 0, TOO_SHORT)
    # The estimator sees the passphrase as shown: invisible characters dropped (a zero-width
    # space between the digits of "12345678" must not make it look random), words split at
    # any run of spaces.
    words = [
        w for w in ("".join(ch for ch in word if _shows(ch)) for word in _words(passphrase)) if w
    ]
    score, warning = _estimate(words)
    if score < MIN_SCORE:
        why = warning.strip() or "Add another word or two."
        hint = f"Too easy to guess. {why} {ADVICE}"
        return PassphraseCheck(False, score, hint)
    if score == MIN_SCORE:
        return PassphraseCheck(True, score, "Good. Another random word makes it stronger.")
    return PassphraseCheck(True, score, "Strong.")


def _words(passphrase: str) -> list[str]:
    """`passphrase` split at every space or separator character (Z*), empty parts dropped."""
    words, current = [], []
    for ch in passphrase:
        if unicodedata.category(ch)[0] == "Z" or ch in "\t\r\n":
            if current:
                words.append("".join(current))
                current = []
        else:
            current.append(ch)
    if current:
        words.append("".join(current))
    return words


def policy_problem(passphrase: str) -> str | None:
    """None when `passphrase` may be used for a new store or a passphrase change; otherwise
    the sentence to show (`assess(passphrase).hint`: the same in the window and on the
    command line)."""
    check = assess(passphrase)
    return None if check.ok else check.hint
