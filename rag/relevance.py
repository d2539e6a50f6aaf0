"""Judge whether a retrieved paragraph answers the question, from signals calibrated on the dev split.

A small embedding model scores an unanswerable question about the partnership's budget about as high
as an answerable one, so similarity alone cannot decide. The decision combines:
- names: every named thing the user wrote (country, organisation, mission, document) must occur in the
  paragraph or its document's metadata: a question about Moldova is not answered from Albania's text;
- coverage: the IDF-weighted share of the question's content words that the paragraph contains, each
  word matched exactly (by stem) or by meaning (its embedding close to a paragraph word's), so
  "weapons of mass destruction" finds "non-proliferation" while "budget" finds nothing;
- meaning: the best cosine similarity between the question and one of the paragraph's sentences.
score = coverage + SENTENCE_WEIGHT × similarity; relevant when the names hold and score ≥ THRESHOLD.
The constants are fitted on dev (`scripts/calibrate_relevance.py`); the test split reports the curve.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from rag.corpus import Corpus, name_in
from rag.embedding import Encoder, WordVectors
from rag.nlp import entity_label_nouns, parse
from rag.question import VERB_WEIGHT, Question, Term, doers, entity_kind, label_kind
from rag.records import ParagraphRecord
from rag.search import SearchHit
from rag.text import Sentence, all_stems, name_parts, stem, words

THRESHOLD = 1.0
SENTENCE_WEIGHT = 0.75
WORD_SIMILARITY = 0.75  # cosine above which a paragraph word stands in for a question word
# Fitted on dev (650): widening with 0.5 / 0.55 / 0.6 scored 0.694 / 0.700 / 0.694 against 0.691 without, abstention
# unchanged at 0.55 (the same matching in the answerability decision itself cost 0.05 abstention recall).
CONTEXT_SIMILARITY = 0.55  # cosine of two words in context above which a paragraph says a question word otherwise
WORD_VECTOR_CACHE = 2048  # texts whose words in context are kept (paragraphs and recent questions)
PARTIAL_SHARE = 0.75  # a paragraph scoring this share of the threshold is on topic
# Names join the coverage of these questions when they have no noun but names: the reading still needs a frequency
# word for "How often is the Dialogue held?"; a date or figure near a name may be another event's (dev: −1 on dates)
ONLY_NAMES_TYPES = ("yes_no", "general", "frequency")
# The noun that names nothing in particular, and how close a question noun must be to it to name nothing either:
# "stuff" 0.64, "things" 0.71; "budget", "troops", "navy", "drones", "funding" 0.20–0.27 (MiniLM).
PLACEHOLDER = "thing"
PLACEHOLDER_SIMILARITY = 0.6
UNSEEN_WEIGHT = 0.5  # weight of a word no paragraph uses, as a share of the rarest corpus word's IDF


@dataclass(frozen=True)
class RelevanceParameters:
    threshold: float = THRESHOLD
    sentence_weight: float = SENTENCE_WEIGHT
    word_similarity: float = WORD_SIMILARITY
    unseen_weight: float = UNSEEN_WEIGHT


def _either(question: Question, matches: dict[str, float]) -> dict[str, float]:
    """Of words offered as alternatives ("bodies or agencies"), the best match counts for each."""
    for group in question.alternatives:
        best = max(matches.get(s, 0.0) for s in group)
        matches |= {s: best for s in group if s in matches}
    return matches


class Embedder(Encoder):
    """The encoder's vectors cached per text: corpus words and sentences recur across questions."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            self._cache.update(zip(todo, self.encoder.encode(todo), strict=True))
        return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 384), dtype=np.float32)

    vectors = encode

    def query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    # Bounded: a long-running UI would otherwise keep every question's word vectors (about 30 KB each); the
    # paragraphs a question widens to stay cached across questions within the bound.
    @lru_cache(maxsize=WORD_VECTOR_CACHE)  # noqa: B019  # one Embedder per chain, kept for the chain's life
    def word_vectors(self, text: str) -> WordVectors:
        return self.encoder.word_vectors(text)


@dataclass(frozen=True)
class Judgement:
    hit: SearchHit
    missing_names: tuple[str, ...]
    coverage: float
    similarity: float
    score: float
    relevant: bool
    missing_terms: tuple[Term, ...]
    matched_by_meaning: tuple[Term, ...]  # found only through a close word, not the word itself
    best_sentence: Sentence | None

    @property
    def record(self) -> ParagraphRecord:
        return self.hit.record


class Judge:
    def __init__(self, corpus: Corpus, embedder: Embedder, parameters: RelevanceParameters | None = None) -> None:
        self.corpus = corpus
        self.embedder = embedder
        self.parameters = parameters or RelevanceParameters()
        self._kinds: dict[str, set[str]] = {}
        self._doers: dict[str, set[tuple[str, str]]] = {}

    def term_matches(
        self, terms: tuple[Term, ...], key: str, text: str | None = None, with_title: bool = True
    ) -> dict[str, float]:
        """Each term's match in a paragraph (or in `text`, one of its sentences, read with its document's title
        unless `with_title` is false): 1 for the word itself, else its best cosine to one of the text's words
        when above WORD_SIMILARITY, else 0."""
        if text is None:
            stems, paragraph_words = self.corpus.stems[key], self.corpus.words[key]
        else:
            title = self.corpus.document_stems[self.corpus.doc_of[key]] if with_title else set()
            stems = all_stems(text) | self.corpus.spelled_out_stems(text) | title  # as the paragraph's, "CFSP" too
            paragraph_words = sorted({w.lower() for w in words(text) if w.isalpha() and len(w) > 2})
        matches = {t.stem: float(name_in(t.written, stems)) for t in terms if t.is_name}
        matches |= {t.stem: 1.0 for t in terms if not t.is_name and (t.stem in stems or stem(t.written) in stems)}
        unmatched = [t for t in terms if t.stem not in matches]
        if unmatched and paragraph_words:
            similarity = (
                self.embedder.vectors([t.written.lower() for t in unmatched]) @ self.embedder.vectors(paragraph_words).T
            )
            for term, row in zip(unmatched, similarity, strict=True):
                best = float(row.max())
                matches[term.stem] = best if best >= self.parameters.word_similarity else 0.0
        return matches

    def idf(self, term: Term) -> float:
        parts = [stem(p) for p in name_parts(term.written)] if term.is_name else [term.stem]
        unseen = self.parameters.unseen_weight
        return max(self.corpus.idf(p) * (1.0 if p in self.corpus.frequency else unseen) for p in parts or [term.stem])

    def coverage(self, terms: tuple[Term, ...], matches: dict[str, float]) -> float:
        weights = {t.stem: t.weight * self.idf(t) for t in terms}
        total = sum(weights.values())
        return sum(weights[t.stem] * matches.get(t.stem, 0.0) for t in terms) / total if total else 1.0

    def missing_names(self, question: Question, record: ParagraphRecord) -> tuple[str, ...]:
        """Names of things must be in the paragraph. A name in a phrase naming a document ("the Albania
        partnership") only selects that document; another name that a document's title holds ("the EU", "the
        Western Balkans") must be in the paragraph or in its own document's title."""
        stems = self.corpus.stems[record.key]
        own_document = stems | self.corpus.document_stems[record.doc_id]
        selecting = set(question.document_words)
        missing = []
        for name in question.names:
            if all(stem(p) in selecting for p in name_parts(name)):
                continue
            if not name_in(name, own_document if self.corpus.names_a_document(name) else stems):
                missing.append(name)
        joint = [n for n in missing if self._joint_name(question, n)]
        if joint and any(s in stems for s in question.coordinated) and question.answer_type != "yes_no":
            missing = [n for n in missing if n not in joint]  # "… across cyber, defence and FIMI": one each
        return tuple(missing)

    def _joint_name(self, question: Question, name: str) -> bool:
        """A name coordinated with other things asked about ("cyber, defence and FIMI") that some paragraph holds:
        each paragraph answers for its own conjunct. A name no paragraph holds stays missing everywhere."""
        return any(stem(p) in question.joint_names for p in name_parts(name)) and self.corpus.names_anywhere(name)

    def without_placeholders(self, question: Question) -> Question:
        """ "cyber stuff", "gender things": a noun that means about as little as "thing" names no topic."""
        nouns = [t for t in question.terms if not t.is_name and t.weight >= 1.0]
        if not nouns:
            return question
        vectors = self.embedder.vectors([t.written.lower() for t in nouns] + [PLACEHOLDER])
        closeness = vectors[:-1] @ vectors[-1]
        empty = {t.stem for t, close in zip(nouns, closeness, strict=True) if close >= PLACEHOLDER_SIMILARITY}
        if not empty:
            return question
        focus = "" if stem(question.focus) in empty else question.focus
        return replace(question, terms=tuple(t for t in question.terms if t.stem not in empty), focus=focus)

    def placed(self, question: Question) -> Question:
        """A request whose only topics are names and nouns framing them ("two points on the EU-NATO angle", "a
        paragraph on our FIMI commitments") asks what the documents say about those named things: every paragraph
        naming them answers. Not when each name is in most paragraphs ("EU-Albania milestones"): that is no topic."""
        topics = [t for t in question.terms if t.weight >= 1.0]
        if not question.requested or question.lookup or not topics or not all(t.aspect for t in topics):
            return question
        common = len(self.corpus.records) / 2
        if not any(all(self.corpus.frequency.get(stem(p), 0) <= common for p in name_parts(n)) for n in question.names):
            return question
        terms = tuple(replace(t, weight=VERB_WEIGHT) if t.aspect else t for t in question.terms)
        return replace(question, terms=terms, located=True, wants_list=True)

    def entity_kinds(self, record: ParagraphRecord) -> set[str]:
        """The kinds of named thing (place, organisation …) a paragraph names, parsed once per paragraph."""
        if record.key not in self._kinds:
            self._kinds[record.key] = {entity_kind(e) for e in parse(record.text).ents}
        return self._kinds[record.key]

    def doers(self, record: ParagraphRecord) -> set[tuple[str, str]]:
        if record.key not in self._doers:
            self._doers[record.key] = doers(parse(record.text))
        return self._doers[record.key]

    def slot_filled(self, question: Question, record: ParagraphRecord) -> dict[str, float]:
        """ "In which country …?" is answered by a paragraph naming a country the question does not ("in Bosnia and
        Herzegovina"), though it never says "country": the asked noun counts as held."""
        slot = stem(question.identifies.lower()) if question.identifies else ""
        label = entity_label_nouns().get(slot)
        if label is None:
            return {}
        # not the question's names, nor the document's own parties ("Which city hosted …?" is not "Albania")
        asked = {stem(p) for name in question.names for p in name_parts(name)}
        asked |= self.corpus.document_stems[record.doc_id]
        other = any(
            label_kind(e.label_) == label_kind(label) and not all(stem(p) in asked for p in name_parts(e.text))
            for e in parse(record.text).ents
        )
        return {slot: 1.0} if other else {}

    def missing_document(self, question: Question, record: ParagraphRecord) -> tuple[str, ...]:
        if not question.documents or record.doc_id in question.documents:
            return ()
        return tuple(self.corpus.short_titles[d] for d in question.documents)

    def widen(self, question: Question, judged: list[Judgement]) -> list[Judgement]:
        """Once some paragraph answers, the others are judged again with words matched in context as well: a
        question over several paragraphs ("… across cyber, defence and FIMI") finds those that word it
        otherwise. Never used to decide that the documents answer at all: in context, "navy" is about as close
        to ¶13's "military" (0.55) as "soldiers" is (0.62), and abstention recall on dev fell from 0.97 to 0.92."""
        if not any(j.relevant for j in judged):
            return judged
        widened = [j if j.relevant else self.judge(question, j.hit, in_context=True) for j in judged]
        return self._with_siblings(question, widened) if question.wants_list else widened

    def _with_siblings(self, question: Question, judged: list[Judgement]) -> list[Judgement]:
        """A request for points on a topic ("a paragraph on the cyber commitments") is answered by the whole
        section the document gives it: an on-topic paragraph under the same heading as an answering one joins."""
        sections = {(j.record.doc_id, tuple(j.record.section)) for j in judged if j.relevant and j.record.section}
        floor = self.parameters.threshold * PARTIAL_SHARE
        return [
            replace(j, relevant=True)
            if not j.relevant and not j.missing_names and j.score >= floor
            and (j.record.doc_id, tuple(j.record.section)) in sections else j
            for j in judged
        ]  # fmt: skip

    def said_in_context(self, question: Question, terms: tuple[Term, ...], record: ParagraphRecord) -> set[str]:
        """The stems of the question's words that some word of the paragraph is close to, both read in context."""
        asked_words, asked = self.embedder.word_vectors(question.content)
        written = {w.lower(): i for i, w in enumerate(asked_words)}
        paragraph_words, paragraph = self.embedder.word_vectors(record.text)
        keep = [i for i, w in enumerate(paragraph_words) if w.isalpha() and len(w) > 2]
        rows = [(t.stem, written[t.written.lower()]) for t in terms if not t.is_name and t.written.lower() in written]
        if not rows or not keep:
            return set()
        similarity = asked[[i for _, i in rows]] @ paragraph[keep].T
        return {
            term for (term, _), best in zip(rows, similarity.max(axis=1), strict=True) if best >= CONTEXT_SIMILARITY
        }

    def judge(self, question: Question, hit: SearchHit, in_context: bool = False) -> Judgement:
        key = hit.record.key
        missing_names = self.missing_names(question, hit.record) + self.missing_document(question, hit.record)
        if question.slots:  # "Is EUFOR Althea deployed in Serbia?" is answered by where the paragraph says it is
            kinds = self.entity_kinds(hit.record)
            open_slots = {name for name, kind, _ in question.slots if kind in kinds}
            missing_names = tuple(n for n in missing_names if n not in open_slots)
        if question.agent:  # "Did the Council adopt …?" is answered by a paragraph saying who adopted it
            name, kind, verb = question.agent
            if (verb, kind) in self.doers(hit.record):
                missing_names = tuple(n for n in missing_names if n != name)
        readings = []
        # Names are checked on their own; they join the coverage of an open or yes/no question with no noun but them
        # ("Is EUFOR Althea deployed in Bosnia and Herzegovina?", "what the SDP commits to on Ukraine", "How often is
        # the Dialogue held?"), whose verb alone would otherwise decide; a question for a person, date or figure is
        # not answered by the name alone.
        only_names = question.answer_type in ONLY_NAMES_TYPES and not any(t.weight >= 1.0 for t in question.terms)
        filled = self.slot_filled(question, hit.record)
        for terms in question.readings(with_names=only_names):
            matches = _either(question, self.term_matches(terms, key) | filled)
            if in_context:
                matches |= dict.fromkeys(self.said_in_context(question, terms, hit.record), 1.0)
            missing = tuple(t for t in terms if matches.get(t.stem, 0.0) == 0.0)
            by_meaning = tuple(t for t in terms if 0.0 < matches.get(t.stem, 0.0) < 1.0)
            readings.append((self.coverage(terms, matches), missing, by_meaning))
        coverage, missing_terms, by_meaning = max(readings, key=lambda reading: reading[0])
        paragraph_sentences = self.corpus.sentences[key]
        similarity, best = 0.0, None
        if paragraph_sentences:
            scores = self.embedder.vectors([s.text for s in paragraph_sentences]) @ self.embedder.query(
                question.search_text
            )
            best_index = int(np.argmax(scores))
            similarity, best = float(scores[best_index]), paragraph_sentences[best_index]
        score = coverage + self.parameters.sentence_weight * similarity
        relevant = not missing_names and (score >= self.parameters.threshold or self.mentions(question, key))
        return Judgement(hit, missing_names, coverage, similarity, score, relevant, missing_terms, by_meaning, best)

    def mentioning(self, question: Question, seen: set[str], doc_id: str | None) -> list[SearchHit]:
        """The paragraphs search left out that mention what a located question asks about."""
        return [
            SearchHit(r, 0.0, None, None) for r in self.corpus.records
            if r.key not in seen and (doc_id is None or r.doc_id == doc_id) and self.mentions(question, r.key)
            and not self.missing_names(question, r)
        ]  # fmt: skip

    def mentions(self, question: Question, key: str, text: str | None = None) -> bool:
        """A question asking where a document mentions something is answered by every paragraph (or sentence)
        holding each of its nouns and names as written, however little else of it is about them."""
        if not question.located:
            return False
        asked = tuple(t for t in question.readings(with_names=True)[0] if t.weight >= 1.0)
        return bool(asked) and all(value == 1.0 for value in self.term_matches(asked, key, text).values())
