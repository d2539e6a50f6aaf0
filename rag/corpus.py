"""What the relevance judge and the draft checker need about the indexed paragraphs, computed once.

Ingest builds it with each index generation and stores it beside BM25 (see rag/index_store.py), so a
process that answers questions loads it instead of re-reading and re-stemming every paragraph.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import cached_property
from typing import TYPE_CHECKING

from rag.nlp import parse
from rag.records import ParagraphRecord
from rag.text import (
    CARDINALS,
    all_stems,
    capitalised_runs,
    defined_acronyms,
    is_stop_word,
    name_matches,
    name_parts,
    sentences,
    spelled_out,
    stem,
    words,
)

if TYPE_CHECKING:
    from rag.question import Question


def _begins(asked: str, written: str) -> bool:
    """A word as written, or cut short to three letters or more and no stop word ("in" is not "Inviting")."""
    whole = asked.lower() == written.lower()
    return whole or (len(asked) > 2 and not is_stop_word(asked) and written.lower().startswith(asked.lower()))


class Corpus:
    """What the judge needs about the indexed paragraphs: stems, words, IDF and sentence splits."""

    def __init__(self, records: list[ParagraphRecord]) -> None:
        self.records = records
        self.stems = {r.key: evidence_stems(r) for r in records}
        self._with_defined_acronyms()
        self.words = {r.key: sorted({w.lower() for w in words(r.text) if w.isalpha() and len(w) > 2}) for r in records}
        self.sentences = {r.key: sentences(r.text) for r in records}
        self.frequency = Counter(s for stems in self.stems.values() for s in stems)
        self.word_counts = Counter(w.lower() for r in records for w in words(r.text) if w.isalpha())
        self.vocabulary = frozenset(w for ws in self.words.values() for w in ws)
        self.document_stems = {r.doc_id: document_stems(r) for r in records}
        self.doc_of = {r.key: r.doc_id for r in records}
        self.document_nouns = frozenset(n for r in records for n in document_nouns(r))
        self.document_words = self.document_nouns.union(*self.document_stems.values())
        self.short_titles = {r.doc_id: r.document.short_title for r in records}
        self._named_anywhere: dict[str, bool] = {}
        self.title_stems = {r.doc_id: all_stems(f"{r.document.title} {r.document.short_title}") for r in records}

    @cached_property
    def unwritten_acronyms(self) -> dict[str, str]:
        """Initials the documents never write → the capitalised words they abbreviate ("rdc" → "Rapid Deployment
        Capacity"); not those naming a document ("sdp"), which the question's words select."""
        titled = set().union(*self.title_stems.values())
        found: dict[str, str] = {}
        for record in self.records:
            for initials, phrase in spelled_out(record.text).items():
                if initials not in self.vocabulary and initials not in titled:
                    found.setdefault(initials, phrase)
        return found

    def with_spelled_out(self, text: str) -> str:
        """An acronym the documents never write ("rdc", "RDC") is searched with the words it abbreviates, which the
        relevance judge already matches (their initials are among a paragraph's stems)."""
        extra = [
            self.unwritten_acronyms[w.lower()] for w in words(text)
            if w.isalpha() and 3 <= len(w) <= 6 and w.lower() in self.unwritten_acronyms
        ]  # fmt: skip
        return " ".join([text, *dict.fromkeys(extra)])

    @cached_property
    def name_runs(self) -> list[list[str]]:
        """The documents' runs of capitalised words ("National Security Strategy"), longest first."""
        runs = {tuple(run) for record in self.records for run in capitalised_runs(record.text) if len(run) > 1}
        return [list(run) for run in sorted(runs, key=len, reverse=True)]

    @cached_property
    def name_run_words(self) -> frozenset[str]:
        return frozenset(w.lower() for run in self.name_runs for w in run)

    def _with_defined_acronyms(self) -> None:
        """A paragraph writing an acronym the documents define ("CFSP") holds the words it stands for ("foreign
        policy"): "aligning with EU foreign policy" is said by "full alignment with the CFSP"."""
        texts = {record.key: " ".join([record.text, *record.section]) for record in self.records}
        defined: dict[str, str] = {}
        for text in texts.values():
            for acronym, spelled in defined_acronyms(text).items():
                defined.setdefault(acronym, spelled)
        self.acronym_stems = {acronym: all_stems(spelled) for acronym, spelled in defined.items()}
        for key, text in texts.items():
            self.stems[key] |= self.spelled_out_stems(text)

    def spelled_out_stems(self, text: str) -> set[str]:
        """The stems of the words that the defined acronyms a text writes stand for."""
        return set().union(*(self.acronym_stems[w] for w in set(words(text)) if w in self.acronym_stems))

    def unabbreviated(self, text: str) -> str:
        return self.with_numbered_words(self.with_names_unabbreviated(text))

    @cached_property
    def numbered_words(self) -> dict[str, set[str]]:
        """Number → the words the documents write right before it ("31" → {"Chapter"}, "1325" → {"Resolution"})."""
        found: dict[str, set[str]] = {}
        for record in self.records:
            for match in NUMBERED_WORD.finditer(record.text):
                found.setdefault(match.group(2), set()).add(match.group(1))
        return found

    def with_numbered_words(self, text: str) -> str:
        """ "ch 31", "res 1325": a word cut short before a number is the word the documents write before that number
        ("Chapter 31", "Resolution 1325")."""

        def spelled(match: re.Match[str]) -> str:
            short, number = match.group(1), match.group(2)
            full = [
                w for w in self.numbered_words.get(number, ()) if w.lower().startswith(short.lower()) and w != short
            ]
            return f"{full[0]} {number}" if len(full) == 1 and len(short) < len(full[0]) else match.group(0)

        return NUMBERED_WORD.sub(spelled, text)

    def with_names_unabbreviated(self, text: str) -> str:
        """ "nat sec strategy" is the documents' "National Security Strategy": consecutive words that each begin a
        word of a run of capitalised words, one at least cut short and no word of the documents, are that run."""
        tokens = list(re.finditer(r"[A-Za-z]+", text))
        cut_short = (
            t.group(0).lower() for t in tokens if t.group(0).lower() not in self.vocabulary
        )  # a question without such a word is left as it is, without matching it against every run
        if not any(_begins(c, w) and c != w for c in cut_short for w in self.name_run_words):
            return text
        replaced: list[tuple[int, int, str]] = []
        position = 0
        while position < len(tokens):
            match = self._abbreviated_run(tokens[position:])
            if match is None:
                position += 1
                continue
            length, phrase = match
            replaced.append((tokens[position].start(), tokens[position + length - 1].end(), phrase))
            position += length
        for start, end, phrase in reversed(replaced):
            text = text[:start] + phrase + text[end:]
        return text

    def _abbreviated_run(self, tokens: list[re.Match[str]]) -> tuple[int, str] | None:
        asked = [t.group(0) for t in tokens]
        best: tuple[int, str] | None = None
        for run in self.name_runs:
            for start in range(len(run) - 1):
                written = run[start : start + len(asked)]
                pairs = list(zip(asked, written, strict=False))
                length = next((n for n, (a, w) in enumerate(pairs) if not _begins(a, w)), len(pairs))
                cut = [a for a, w in pairs[:length] if len(a) < len(w)]
                longest = best is None or length > best[0]  # the longest run the words spell out
                if length > 1 and cut and longest and not any(a.lower() in self.vocabulary for a in cut):
                    best = (length, " ".join(written[:length]))
        return best

    def described_by(self, words: set[str]) -> set[str]:
        """The documents whose naming holds these word stems; when every document's does, those whose title does
        ("the EEAS text" is the EEAS page, though the Council document's kind mentions an EEAS working document)."""
        described = {d for d, stems in self.document_stems.items() if words <= stems}
        if len(described) > 1:
            titled = {d for d in described if words <= self.title_stems[d]}
            described = titled or described
        return described

    def idf(self, term: str) -> float:
        return math.log((len(self.records) + 1) / (self.frequency.get(term, 0) + 1)) + 1.0

    @cached_property
    def lowered_text(self) -> str:
        """Every paragraph in lower case, joined once (not stored with the generation: few questions need it)."""
        return "\n".join(r.text.lower() for r in self.records)

    def uses_phrase(self, phrase: str) -> bool:
        """Whether a paragraph uses this phrase as written ("Women, Peace and Security"), in any case."""
        return phrase.lower() in self.lowered_text

    def names_anywhere(self, name: str) -> bool:
        """Whether some paragraph holds this name; asked once per name, not once per paragraph judged."""
        if name not in self._named_anywhere:
            self._named_anywhere[name] = any(name_in(name, stems) for stems in self.stems.values())
        return self._named_anywhere[name]

    def names_a_document(self, name: str) -> bool:
        return any(name_in(name, stems) for stems in self.document_stems.values())

    def documents_named(self, question: Question) -> tuple[set[str], set[str]]:
        """The documents a question names by a noun phrase ("the partnership", "the EEAS Western Balkans page"),
        and the phrase's words: a phrase headed by a kind of document here, all of whose words describe one
        document. "EU strategy documents" is a topic, not a reference: no document here is called that.
        Every document when several are named, or by a phrase naming a set ("both documents", "each document"):
        the question compares them."""
        found = self._documents_named(question.phrases, question.set_heads)
        if not found[0] and question.carried_phrases:  # "What's its classification?" after "Who sent the SDP?"
            return self._documents_named(question.carried_phrases, ())[0], set()
        return found

    def _documents_named(
        self, phrases: tuple[tuple[str, ...], ...], set_heads: tuple[str, ...]
    ) -> tuple[set[str], set[str]]:
        documents: set[str] = set()
        naming: set[str] = set()
        every: set[str] = set()
        for head, *parts in phrases:
            content = {p for p in parts if not is_stop_word(p) and p not in CARDINALS}
            if head not in self.document_nouns:
                continue
            if head in set_heads and all(content - {head} <= s for s in self.document_stems.values()):
                every = set(self.document_stems)  # "the two documents", "both documents"
                naming |= content
                continue
            if content <= GENERIC_DOCUMENT_STEMS:  # "in the text", "the doc": the documents at hand, no topic
                naming |= content
                continue
            described = self.described_by(content - GENERIC_DOCUMENT_STEMS)
            if described and described != set(self.document_stems):
                documents |= described
                naming |= content
        return documents | every if len(documents) > 1 or every else documents, naming


NUMBERED_WORD = re.compile(r"\b([A-Za-z]{2,})\.?\s+(\d{1,4})\b")  # "Chapter 31", "ch. 31"
# What any written document may be called ("the partnership text", "the Albania doc"): a closed class of English
GENERIC_DOCUMENT_STEMS = frozenset(stem(w) for w in ("document", "text", "paper", "doc"))


def document_stems(record: ParagraphRecord) -> set[str]:
    """How a document can be named: its titles, partner and kind of source ("the EEAS page", "the SDP")."""
    document = record.document
    return all_stems(" ".join(filter(None, [document.title, document.short_title, document.partner,
                                            document.source_kind])))  # fmt: skip


def document_nouns(record: ParagraphRecord) -> set[str]:
    """What a document is called as a thing: its kind ("web page", "Council document", "cover note") and the
    head of its title ("… Security and Defence Partnership"), acronyms aside."""
    document = record.document
    title_head = (document.title or "").split()[-1:]
    # the heads of the kind's noun phrases: "Council document" is a document; "the Council" is no document
    kind_heads = [chunk.root.text for chunk in parse(document.source_kind or "").noun_chunks]
    common = [w for w in words(" ".join([*kind_heads, *title_head])) if w.isalpha() and not w.isupper()]
    return {stem(w) for w in common if not is_stop_word(w)} | GENERIC_DOCUMENT_STEMS


def evidence_stems(record: ParagraphRecord) -> set[str]:
    document = record.document
    context = [record.text, *record.section, record.title, document.short_title, document.partner or ""]
    return all_stems(" ".join(filter(None, context)))


def name_in(name: str, stems: set[str]) -> bool:
    parts = [p for p in name_parts(name) if p[:1].isalnum()]  # "EU-Western Balkans CFSP/CSDP": each part
    significant = [p for p in parts if p[:1].isupper() or p.isupper()] or parts
    # initials stand for spelled-out words ("United Nations" → "UN"), never for a name holding an acronym
    written_out = len(significant) > 1 and not any(p.isupper() and len(p) > 1 for p in significant)
    initials = "".join(p[0] for p in significant).lower() if written_out else ""
    return all(name_matches(p, stems) for p in significant) or initials in stems  # "United Nations" in "the UN"
