"""Decide, paragraph by paragraph, whether the evidence is about what the question asks.

Similarity scores alone cannot do this with a small embedding model (a question about a budget the
documents never state still scores 0.7 against the partnership's paragraphs), so a paragraph only
counts as evidence when it contains what the question names:
- every proper name and acronym in the question (a question about Serbia is not answered from a
  paragraph about Albania);
- more than half of the question's other content words, weighted by how rare each word is in the
  corpus (IDF), so "space cooperation with Albania" needs "space", not just "cooperation";
- a figure, when the question asks for one (how many, how much, budget, euros, per cent).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from ingest.records import ParagraphRecord
from rag.query import Query, _names
from rag.text import QUESTION_FRAMING, all_stems, content_stems, name_matches, numbers, stem, words

ASKS_FOR_A_FIGURE = re.compile(
    r"\b(how many|how much|number|budget|cost|costs|amount|euros?|eur|€|funding level|per ?cent|percentage|"
    r"figure|troops)\b",
    re.IGNORECASE,
)
# "how many"/"what number" ask for a figure, which ASKS_FOR_A_FIGURE checks instead.
NOT_TOPICAL = QUESTION_FRAMING | {"name", "named", "names", "own", "exactly", "specific", "specifically"} | {
    "many", "much", "number",
}  # fmt: skip


@dataclass(frozen=True)
class QuestionNeeds:
    names: tuple[str, ...]
    terms: tuple[str, ...]
    needs_figure: bool

    @classmethod
    def of(cls, query: Query) -> QuestionNeeds:
        names = tuple(_names(query.text))
        name_stems = {stem(n) for n in names}
        terms = tuple(sorted(content_stems(query.text, NOT_TOPICAL) - name_stems))
        return cls(names, terms, bool(ASKS_FOR_A_FIGURE.search(query.text)))


class TermWeights:
    """Inverse document frequency of stems over the indexed paragraphs; unseen words weigh most."""

    def __init__(self, records: list[ParagraphRecord]) -> None:
        self.total = len(records)
        self.frequency = Counter(stem_ for record in records for stem_ in evidence_stems(record))
        self.vocabulary = frozenset(w.lower() for record in records for w in words(record.text) if w.isalpha())

    def idf(self, term: str) -> float:
        return math.log((self.total + 1) / (self.frequency.get(term, 0) + 1)) + 1.0

    def share(self, wanted: tuple[str, ...], stems: set[str]) -> float:
        """IDF-weighted share of the wanted terms that `stems` contains (1.0 when none are wanted)."""
        total = sum(self.idf(term) for term in wanted)
        return sum(self.idf(term) for term in wanted if term in stems) / total if total else 1.0

    def covers_most(self, wanted: tuple[str, ...], stems: set[str]) -> bool:
        return self.share(wanted, stems) > 0.5


@dataclass(frozen=True)
class Assessment:
    answers_question: bool
    missing: tuple[str, ...]


def evidence_stems(record: ParagraphRecord) -> set[str]:
    document = record.document
    context = " ".join(filter(None, [record.text, *record.section, record.title, document.partner or ""]))
    return all_stems(context)


def assess(needs: QuestionNeeds, record: ParagraphRecord, weights: TermWeights) -> Assessment:
    stems = evidence_stems(record)
    missing_names = [name for name in needs.names if not name_matches(name, stems)]
    missing_terms = [term for term in needs.terms if term not in stems]
    enough_terms = weights.covers_most(needs.terms, stems)
    has_figure = not needs.needs_figure or bool(numbers(record.text) - {record.para_id})
    missing = (*missing_names, *missing_terms, *(() if has_figure else ("a figure",)))
    return Assessment(not missing_names and enough_terms and has_figure, missing)
