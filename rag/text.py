"""Word- and sentence-level helpers shared by relevance judging, reading and verification.

Sentence splitting uses NLTK's Punkt (bundled with llama-index, so no download) with the
abbreviations of EU texts added; stemming uses PyStemmer, the stemmer BM25 already uses.
"""

from __future__ import annotations

import calendar
import importlib.util
import os
import re
from dataclasses import dataclass
from functools import cache

import Stemmer

from rag.nlp import skipping_optional_imports

EU_ABBREVIATIONS = {"i.a", "e.g", "i.e", "cf", "para", "paras", "art", "no", "nos", "doc", "ref", "vol", "or"}
WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’-]*|\d[\d.,/]*\d|\d")
NUMBER = re.compile(r"\d")
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)s?\b")
# Number words of English in order, so their position gives their value ("three" → 3, "second" → 2).
CARDINALS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
             "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty")  # fmt: skip
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
# How often, in the forms English writes it, each reduced to one period so "annual" and "every year" agree.
PERIOD_ADJECTIVES = {
    "daily": "daily", "weekly": "weekly", "monthly": "monthly", "quarterly": "quarterly", "annual": "yearly",
    "annually": "yearly", "yearly": "yearly", "biannual": "twice yearly", "biennial": "every two years",
    "regular": "regularly", "regularly": "regularly", "periodic": "regularly", "periodically": "regularly",
}  # fmt: skip
PERIODS = ("day", "week", "month", "quarter", "year")
PERIOD_NOUN = rf"({'|'.join(PERIODS)})s?"
EVERY_PERIOD = re.compile(rf"\b(?:every|each|per|once an?)\s+{PERIOD_NOUN}\b", re.IGNORECASE)
TIMES_PER_PERIOD = re.compile(rf"\b(twice|thrice|\w+ times)\s+(?:an?|per|each|every)\s+{PERIOD_NOUN}\b", re.IGNORECASE)
EVERY_N_PERIODS = re.compile(rf"\bevery\s+(\w+)\s+{PERIOD_NOUN}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int


@cache
def stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@cache
def _nltk():
    # NLTK's package import pulls in scipy.stats and scikit-learn (with pandas) for modules this program
    # never uses, 1.4 s of a cold start; it handles their absence.
    with skipping_optional_imports("scipy.stats", "sklearn", "pandas"):
        import nltk
    _use_bundled_nltk_data(nltk)
    return nltk


@cache
def _stopwords() -> frozenset[str]:
    _nltk()
    from nltk.corpus import stopwords

    return frozenset(stopwords.words("english"))


def is_stop_word(word: str) -> bool:
    return word.lower() in _stopwords()


@cache
def _punkt():
    _nltk()
    from nltk.tokenize import PunktTokenizer

    tokenizer = PunktTokenizer("english")
    tokenizer._params.abbrev_types.update(EU_ABBREVIATIONS)
    return tokenizer


def _use_bundled_nltk_data(nltk) -> None:
    """llama-index ships NLTK's punkt and stop word data; found without importing llama-index (over a second)."""
    spec = importlib.util.find_spec("llama_index.core")
    if spec is None or not spec.submodule_search_locations:
        return
    folder = os.path.join(next(iter(spec.submodule_search_locations)), "_static", "nltk_cache")
    if folder not in nltk.data.path:
        nltk.data.path.append(folder)


def sentences(text: str) -> list[Sentence]:
    """Sentences with their offsets in `text`; bullet lines are sentences of their own."""
    found: list[Sentence] = []
    offset = 0
    for line in text.split("\n"):
        for start, end in _punkt().span_tokenize(line):
            found.append(Sentence(line[start:end], offset + start, offset + end))
        offset += len(line) + 1
    return found


def words(text: str) -> list[str]:
    return WORD.findall(text)


def stem(word: str) -> str:
    word = word.lower().replace("’", "'").removesuffix("'s")
    if len(word) >= 5 and word.endswith("ly"):
        word = word[:-2]  # the stemmer keeps "formally" apart from "formal"
        if len(word) <= 3 and word.endswith("l"):
            word += "l"  # "full" + "ly" is written with one "l": "fully", "dully"
    return stemmer().stemWord(word)


def content_stems(text: str, drop: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """Stems of the words that carry meaning: no stopwords, no framing words listed in `drop`."""
    stop = _stopwords()
    return {stem(w) for w in words(text) if w.lower() not in stop and w.lower() not in drop and len(w) > 1}


def proper_names(text: str) -> set[str]:
    """Capitalised words that are not sentence-initial, and acronyms: the names a claim rests on."""
    names = set()
    for sentence in sentences(text) or [Sentence(text, 0, len(text))]:
        tokens = words(sentence.text)
        for position, token in enumerate(tokens):
            if (token.isupper() and len(token) > 1) or (position > 0 and token[:1].isupper()):
                names.add(token)
    return {n for n in names if n.lower() not in _stopwords()}


def numbers(text: str) -> set[str]:
    return {token.rstrip(".,") for token in words(text) if NUMBER.search(token)}


def name_parts(name: str) -> list[str]:
    """The words of a name, split at spaces, hyphens, dashes and slashes ("EU-Albania", "CFSP/CSDP")."""
    return [part for part in re.split(r"[\s\-–/]+", name) if part]


def name_matches(name: str, text_stems: set[str]) -> bool:
    """'Albanian' matches 'Albania': names match on stem, or on a shared prefix of five or more letters;
    a hyphenated name ("EU-Albania") matches when each part does."""
    if "-" in name.strip("-"):
        return all(name_matches(part, text_stems) for part in name.split("-") if part)
    key = stem(name)
    return key in text_stems or any(
        len(other) >= 5 and len(key) >= 5 and (key.startswith(other) or other.startswith(key)) for other in text_stems
    )


DASH = re.compile(r"[–—]")
# "6 November 2024", "March 2020": a date as prose writes it (day, month, year)
WRITTEN_DATE = re.compile(
    rf"\b(?:(\d{{1,2}})\s+)?({'|'.join(m for m in calendar.month_name if m)})\s+((?:19|20)\d\d)\b"
)
NAME_JOINERS = ("and", "of", "for")  # lower-case words inside a name that its initials skip


def all_stems(text: str) -> set[str]:
    """Stems of every word, of the parts of hyphenated words ("Counter-terrorism"), and the
    initials of runs of capitalised words ("United Nations" → "un"), so names match either form. A dash
    separates names ("EU–Albania" is no "EA", which would be "EUFOR Althea")."""
    return set().union(*(_segment_stems(segment) for segment in DASH.split(text)))


def _segment_stems(text: str) -> set[str]:
    tokens = words(text)
    found = {stem(w) for w in tokens}
    found |= {stem(part) for w in tokens if "-" in w for part in w.split("-") if part}
    return found | set(spelled_out(text))


def capitalised_runs(text: str) -> list[list[str]]:
    """Runs of capitalised words, the joiners inside a name skipped ("Security and Defence Partnership" →
    Security, Defence, Partnership), never across a dash."""
    runs: list[list[str]] = []
    for segment in DASH.split(text):
        run: list[str] = []
        padded = [*words(segment), "."]
        for position, token in enumerate(padded):
            if token[:1].isupper() and token.lower() not in _stopwords():
                run.append(token)
                continue
            if run and token in NAME_JOINERS and padded[position + 1][:1].isupper():
                continue  # "Security and Defence Partnership" → "sdp", "Women, Peace and Security" → "wps"
            if run:
                runs.append(run)
            run = []
    return runs


def spelled_out(text: str) -> dict[str, str]:
    """Initials → the capitalised words they abbreviate ("rdc" → "Rapid Deployment Capacity"), for every stretch
    of two or more words of a run: "the EU Rapid Deployment Capacity" spells out "RDC" as well as "EURDC"."""
    found: dict[str, str] = {}
    for run in capitalised_runs(text):
        for start in range(len(run)):
            for end in range(start + 2, len(run) + 1):
                found.setdefault("".join(w[0].lower() for w in run[start:end]), " ".join(run[start:end]))
    return found


def frequencies(text: str) -> dict[str, str]:
    """The frequencies a text states, each reduced to one period ("yearly" for "annual", "every year", "once a
    year"), with the words as written."""
    found = {PERIOD_ADJECTIVES[w.lower()]: w for w in words(text) if w.lower() in PERIOD_ADJECTIVES}
    for match in EVERY_PERIOD.finditer(text):
        found[_per(match.group(1))] = match.group(0)
    for match in TIMES_PER_PERIOD.finditer(text):
        found[f"{match.group(1).lower()} {_per(match.group(2))}"] = match.group(0)
    for match in EVERY_N_PERIODS.finditer(text):
        found[f"every {match.group(1).lower()} {match.group(2).lower()}s"] = match.group(0)
    return {("twice yearly" if period == "every six months" else period): written for period, written in found.items()}


def _per(period: str) -> str:
    return "daily" if period.lower() == "day" else period.lower() + "ly"


ACRONYM_IN_BRACKETS = re.compile(r"\(\s*([A-Z]{2,}[A-Z0-9]*)\s*[)–-]")


def defined_acronyms(text: str) -> dict[str, str]:
    """Acronyms a text defines in brackets after the words they abbreviate ("Common Foreign and Security Policy
    (CFSP)", "foreign information manipulation and interference (FIMI)") → those words: the initials of the words
    before the bracket, stop words aside, spell the acronym."""
    found: dict[str, str] = {}
    for match in ACRONYM_IN_BRACKETS.finditer(text):
        acronym, before = match.group(1), words(text[: match.start()])
        letters, taken = acronym.lower(), []
        for word in reversed(before[-3 * len(acronym) :]):
            if not letters:
                break
            if is_stop_word(word):
                taken.append(word)
                continue
            if word[:1].lower() != letters[-1]:
                break
            taken.append(word)
            letters = letters[:-1]
        if not letters:
            found.setdefault(acronym, " ".join(reversed(taken)).strip())
    return found
