"""Check a draft: does each sentence cite the paragraph that supports it?

Each factual sentence of the draft gets one verdict: supported, wrong_paragraph, unsupported, uncited or
unreadable_reference. Support is decided from measured signals, fitted on the dev split of the check gold
(`eval/gold/check_dev.jsonl`) and reported on its test split:
- meaning: the claim's IDF-weighted word coverage of the paragraph (words matched exactly or by
  embedding) plus the cosine between the claim and the paragraph's closest sentence;
- alteration, which no similarity can be trusted with: every figure, number word, month, frequency word
  and name of the claim must be in the paragraph, its negation must match, its actor must act there, and a
  claim stated as done is not supported by a paragraph that only "will explore" or "may" do it.
Hand-written because no installable entailment model exists here; the checks are the ones staff apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from rag.corpus import name_in
from rag.nlp import parse
from rag.question import Question, mood, understand
from rag.reader import FREQUENCY_WORDS, MONTHS, NUMBER_WORDS
from rag.records import ParagraphRecord
from rag.references import DOCUMENT, Reference, find_references, without_references
from rag.relevance import Judge
from rag.text import all_stems, numbers, proper_names, sentences, stem, words
from rag.verify import actors_of

Verdict = Literal["supported", "wrong_paragraph", "unsupported", "uncited", "unreadable_reference"]
SUPPORT_THRESHOLD = 1.0  # coverage + SIMILARITY_WEIGHT × similarity; fitted on check_dev
SIMILARITY_WEIGHT = 0.75
CANDIDATES = 6
# Verbs that make a commitment tentative (a closed class of hedging verbs, not words from the gold set).
HEDGES = frozenset({"explore", "consider", "examine", "assess", "study", "seek", "aim", "intend", "envisage"})
HEDGE_STEMS = frozenset(stem(h) for h in HEDGES)
NEGATIONS = frozenset({"not", "no", "never", "neither", "nor", "without"})


class ParagraphKey(BaseModel):
    doc_id: str
    para_id: str


class SupportingSentence(ParagraphKey):
    sentence: str
    marker: str


class CheckedClaim(BaseModel):
    text: str
    cited: list[ParagraphKey]
    verdict: Verdict
    supported_by: list[SupportingSentence]
    note: str


class CheckReport(BaseModel):
    claims: list[CheckedClaim]

    def shown_paragraphs(self) -> list[str]:
        """The paragraphs the verdicts show the reader, as doc_id#para_id (for the audit log)."""
        return list(dict.fromkeys(f"{s.doc_id}#{s.para_id}" for c in self.claims for s in c.supported_by))


@dataclass(frozen=True)
class Fit:
    """How well one paragraph supports a claim, and what differs when it does not."""

    record: ParagraphRecord
    score: float
    sentence: str
    differences: tuple[str, ...]

    @property
    def supports(self) -> bool:
        return self.score >= SUPPORT_THRESHOLD and not self.differences


def draft_sentences(draft: str) -> list[tuple[str, list[Reference]]]:
    """The draft's sentences with their references; a reference after a full stop belongs to the sentence
    before it ("… exercises. (¶16)"). Lines are split first, so a heading never joins the next sentence."""
    found: list[tuple[str, list[Reference]]] = []
    for line in draft.splitlines(keepends=True):
        references = find_references(line)
        masked = line
        for reference in references:  # "(para. 29)" must not end a sentence
            masked = masked[: reference.start] + " " * (reference.end - reference.start) + masked[reference.end :]
        spans = sentences(masked)
        for index, span in enumerate(spans):
            end = spans[index + 1].start if index + 1 < len(spans) else len(line)
            own = [r for r in references if span.start <= r.start < end]
            text = line[span.start : max(span.end, *(r.end for r in own))] if own else line[span.start : span.end]
            text = re.sub(r"^\s*(?:[-*•◇–]|\d+[.)])\s+", "", text).strip()
            if text:
                found.append((text, find_references(text)))  # offsets within the sentence itself
    return found


def is_claim(text: str) -> bool:
    """Headings and labels ("Background:", "Cyber") claim nothing."""
    if text.rstrip().endswith(":") or len(words(text)) < 4:
        return False
    return text.rstrip().endswith((".", "!", ";", ")", "]")) or any(t.pos_ in ("VERB", "AUX") for t in parse(text))


class DraftChecker:
    def __init__(self, judge: Judge, speller, search) -> None:
        self.judge = judge
        self.speller = speller
        self.search = search  # (text, k, doc_id) -> list[SearchHit]
        records = judge.corpus.records
        self.by_key = {r.key: r for r in records}
        self.documents = {r.doc_id: r.document for r in records}
        self.numbered = {r.doc_id for r in records if r.kind == "numbered"}  # documents with printed numbers

    def check(self, draft: str, doc_id: str | None = None) -> CheckReport:
        claims = []
        last_document = doc_id
        for text, references in draft_sentences(draft):
            named = self._documents_named(text, references)
            if named and doc_id is None:
                last_document = named
            if not is_claim(without_references(text, references)):
                continue
            claims.append(self._check_claim(text, references, doc_id or named or last_document))
        return CheckReport(claims=claims)

    def _documents_named(self, text: str, references: list[Reference]) -> str | None:
        for written in [r.document for r in references if r.document] + DOCUMENT.findall(text):
            if match := self._document_of(written):
                return match
        return self._single_document_named(without_references(text, references) or text)

    def _single_document_named(self, text: str) -> str | None:
        documents, _ = self.judge.corpus.documents_named(understand(text, [], self.speller))
        return next(iter(documents)) if len(documents) == 1 else None

    def _document_of(self, written: str) -> str | None:
        squeeze = written.replace(" ", "")
        for doc_id, meta in self.documents.items():
            if squeeze in {
                (meta.council_reference or "").replace(" ", ""),
                (meta.eeas_reference or "").replace(" ", ""),
            }:
                return doc_id
        return None

    def _named_by(self, context: str) -> str | None:
        """ "WB" (a citation marker's prefix) or "EEAS page" inside a reference names that document."""
        prefixes = {meta.marker_prefix: doc_id for doc_id, meta in self.documents.items() if meta.marker_prefix}
        for word in context.split():
            if word in prefixes:
                return prefixes[word]
        return self._single_document_named(context) if context else None

    def _resolve(self, reference: Reference, document: str | None) -> tuple[list[ParagraphRecord], str]:
        """The paragraphs a reference names, or why it names none. A document without printed numbers
        ("WB p4", "EEAS page, para 4") is cited by position."""
        doc_id = self._document_of(reference.document) if reference.document else None
        if reference.document and doc_id is None:
            return [], f"{reference.written}: no ingested document is {reference.document}"
        doc_id = doc_id or self._named_by(reference.context) or document
        found = []
        for number in reference.numbers:
            para_id = str(number) if doc_id is None or doc_id in self.numbered else f"p{number}"
            holders = [r for r in self.by_key.values() if r.para_id == para_id and r.kind != "cover_note"]
            if doc_id is None:
                holders = [r for r in holders if r.kind == "numbered"]
            else:
                holders = [r for r in holders if r.doc_id == doc_id]
            if not holders:
                where = f" in {self.documents[doc_id].short_title}" if doc_id in self.documents else ""
                return [], f"{reference.written}: there is no paragraph {number}{where}"
            if len(holders) > 1:
                titles = ", ".join(sorted(self.documents[r.doc_id].short_title for r in holders))
                return [], f"{reference.written}: ambiguous, paragraph {number} exists in {titles}; name the document"
            found.append(holders[0])
        return found, ""

    def _check_claim(self, text: str, references: list[Reference], document: str | None) -> CheckedClaim:
        claim = without_references(text, references)
        cited: list[ParagraphRecord] = []
        for reference in references:
            records, problem = self._resolve(reference, document)
            if problem:
                return CheckedClaim(text=text, cited=[], verdict="unreadable_reference", supported_by=[], note=problem)
            cited += [r for r in records if r not in cited]
        asked = understand(claim, [], self.speller)
        fits = {r.key: self.fit(asked, claim, r) for r in cited}
        keys = [ParagraphKey(doc_id=r.doc_id, para_id=r.para_id) for r in cited]
        good = [f for f in fits.values() if f.supports]
        if good:
            return CheckedClaim(text=text, cited=keys, verdict="supported", supported_by=_supporting(good), note="")
        for hit in self.search(asked.search_text, CANDIDATES, None):
            if hit.record.key not in fits:
                fits[hit.record.key] = self.fit(asked, claim, hit.record)
        # A cited paragraph that matches the claim best but contradicts it (a changed figure, actor or
        # modality) makes the claim an alteration; another paragraph is suggested only if it matches better.
        contradicting = max((f.score for f in fits.values() if f.record in cited and f.differences), default=0.0)
        good = sorted((f for f in fits.values() if f.supports and f.score > contradicting), key=lambda f: f.score,
                      reverse=True)  # fmt: skip
        if good:
            verdict: Verdict = "wrong_paragraph" if cited else "uncited"
            best = good[0]
            note = f"{best.record.marker} says this" + (
                f", not {', '.join(r.marker for r in cited)}" if cited else "; add the reference"
            )
            return CheckedClaim(text=text, cited=keys, verdict=verdict, supported_by=_supporting(good[:1]), note=note)
        closest = max(fits.values(), key=lambda f: f.score, default=None)
        note = "no paragraph says this"
        if closest is not None:
            differences = closest.differences or tuple(self.differences(claim, closest.record, closest.sentence))
            what = "; ".join(differences) if differences else "it does not say this"
            note = f"closest is {closest.record.marker}: {what}"
        return CheckedClaim(text=text, cited=keys, verdict="unsupported", supported_by=[], note=note)

    def fit(self, asked: Question, claim: str, record: ParagraphRecord) -> Fit:
        judge = self.judge
        terms = asked.readings(with_names=True)[0]  # its words and its names (a claim has no history)
        coverage = judge.coverage(terms, judge.term_matches(terms, record.key)) if terms else 0.0
        paragraph_sentences = judge.corpus.sentences[record.key]
        best_text, similarity = record.text, 0.0
        if paragraph_sentences:
            scores = judge.embedder.vectors([s.text for s in paragraph_sentences]) @ judge.embedder.query(claim)
            best = int(scores.argmax())
            best_text, similarity = paragraph_sentences[best].text, float(scores[best])
        score = coverage + SIMILARITY_WEIGHT * similarity
        if score < SUPPORT_THRESHOLD:  # cannot support whatever differs; the note asks for differences later
            return Fit(record, score, best_text, ())
        return Fit(record, score, best_text, tuple(self.differences(claim, record, best_text)))

    def differences(self, claim: str, record: ParagraphRecord, sentence: str) -> list[str]:
        """What the draft says that the paragraph does not: figures, number words, months, frequencies, names,
        negation, actor and modality."""
        marker = record.marker
        said = record.text
        found: list[str] = []
        claim_words = {w.lower() for w in words(claim)}
        said_words = {w.lower() for w in words(said)}
        claimed = numbers(DOCUMENT.sub(" ", claim))  # "15047/24" names the document; it is no figure
        figures = sorted(f for f in claimed if f not in numbers(sentence))  # the supporting sentence's own
        if figures:
            theirs = sorted(numbers(sentence) - {record.para_id}) or sorted(numbers(said) - {record.para_id})
            found.append(
                f"the draft says {', '.join(figures)}"
                + (f"; {marker} says {', '.join(theirs)}" if theirs else f"; {marker} has no such figure")
            )
        for vocabulary in (NUMBER_WORDS, {m.lower() for m in MONTHS}, FREQUENCY_WORDS):
            extra = sorted((claim_words & vocabulary) - said_words)
            theirs = sorted((said_words & vocabulary) - claim_words)
            if vocabulary is NUMBER_WORDS and not theirs and not numbers(sentence) - {record.para_id}:
                continue  # "the two sides" against a paragraph that counts nothing: not a changed number
            if extra:
                found.append(
                    f"the draft says '{', '.join(extra)}'"
                    + (f"; {marker} says '{', '.join(theirs)}'" if theirs else f"; {marker} does not")
                )
        metadata = " ".join(filter(None, [record.document.title, record.document.partner, record.title]))
        known = self.judge.corpus.stems[record.key] | all_stems(metadata)  # the paragraph and its document
        for name in sorted(_names(claim)):
            if not name_in(name, known) and not _spelled_out(name, said):
                found.append(f"{marker} does not mention {name}")
        if bool(claim_words & NEGATIONS) != bool({w.lower() for w in words(sentence)} & NEGATIONS):
            found.append(f"the draft {'negates' if claim_words & NEGATIONS else 'does not negate'} what {marker} says")
        if swapped := _swapped_roles(claim, sentence):
            found.append(f"in {marker}, {swapped}")
        if _overstated(claim, sentence):
            found.append(f'{marker} only says: "{_shorten(sentence)}"; the draft states it more firmly')
        return found


def _supporting(fits: list[Fit]) -> list[SupportingSentence]:
    return [
        SupportingSentence(
            doc_id=f.record.doc_id, para_id=f.record.para_id, sentence=f.sentence, marker=f.record.marker
        )
        for f in fits
    ]


def _names(text: str) -> set[str]:
    """Proper names and acronyms, including a sentence-initial one the parser tags as a proper noun."""
    names = {re.sub(r"['’]s$", "", n) for n in proper_names(text) if len(n) > 1}  # "the EU's efforts"
    first = next(iter(parse(text)), None)
    if first is not None and first.pos_ == "PROPN" and len(first.text) > 1:
        names.add(first.text)
    return names


def _spelled_out(acronym: str, text: str) -> bool:
    """ "CVE" in "countering violent extremism": the acronym's letters open consecutive words."""
    if not acronym.isupper():
        return False
    initials = "".join(w[0].lower() for w in words(text))
    return acronym.lower() in initials


def _actors(text: str) -> set[str]:
    return {name for name in actors_of(text) if name in _names(text)}


def _swapped_roles(claim: str, sentence: str) -> str:
    """ "Albania will support the EU" against "the EU will support Albania": the paragraph's actor is the
    draft's object and the draft's actor is not the paragraph's."""
    root = next((t for t in parse(claim) if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ != "VERB":  # "EUFOR Althea is the EU's operation": a copula has no actor
        return ""
    claim_actors, said_actors = _actors(claim), _actors(sentence)
    claim_others = _names(claim) - claim_actors
    if claim_actors and said_actors and not claim_actors & said_actors and said_actors & claim_others:
        return f"{', '.join(sorted(said_actors & claim_others))} acts, not {', '.join(sorted(claim_actors))}"
    return ""


Modality = Literal["fact", "future", "hedged"]
MODALITIES: tuple[Modality, ...] = ("fact", "future", "hedged")


def _overstated(claim: str, sentence: str) -> bool:
    """The draft claims more than the paragraph commits to: done where the paragraph says "will" ("have
    increased" for "will increase"), or anything firmer than a hedge where it only "will explore", "may" or
    "will consider" it."""
    said = _paragraph_modality(claim, sentence)
    if said == "hedged":
        return _claim_modality(claim) != "hedged"
    return said == "future" and _claim_modality(claim) == "done"


def _claim_modality(claim: str) -> str:
    doc = parse(claim)
    if any(t.lower_ in ("may", "might", "could") or stem(t.lower_) in HEDGE_STEMS for t in doc):
        return "hedged"
    if any(t.lower_ in ("will", "shall", "'ll") for t in doc):
        return "future"
    perfect = any(t.lower_ in ("has", "have", "had") and t.dep_ in ("aux", "auxpass") for t in doc)
    return "done" if perfect or any(t.tag_ == "VBD" for t in doc) or mood(doc) == "past" else "now"


def _paragraph_modality(claim: str, sentence: str) -> Modality:
    """How firmly the paragraph says what the claim says: what governs, in the paragraph's sentence, the
    claim's verbs ("will increase"), or else the claim's nouns ("… participation in PESCO projects" under
    "will explore"); the strongest hedge found decides."""
    said = parse(sentence)
    claim_doc = parse(claim)
    verbs = {stem(t.lower_) for t in claim_doc if t.pos_ == "VERB"}
    anchors = [t for t in said if t.pos_ == "VERB" and stem(t.lower_) in verbs]
    if not anchors:
        nouns = {stem(t.lower_) for t in claim_doc if t.pos_ in ("NOUN", "PROPN") and not t.is_stop}
        anchors = [t for t in said if t.pos_ in ("NOUN", "PROPN") and stem(t.lower_) in nouns]
    if not anchors:
        return "fact"
    return max((_governing(token) for token in anchors), key=MODALITIES.index)


def _governing(token) -> Modality:
    """Up the parse from a word to its clause's verb: a hedge verb on the way, or that verb's auxiliary."""
    while True:
        if stem(token.lower_) in HEDGE_STEMS:
            return "hedged"
        auxiliaries = {c.lower_ for c in token.children if c.dep_ in ("aux", "auxpass")}
        if auxiliaries & {"may", "might", "could"}:
            return "hedged"
        if auxiliaries & {"will", "shall", "'ll", "would"}:
            return "future"
        if token.head.i == token.i:
            return "fact"
        token = token.head


def _shorten(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def corrected_draft(draft: str, report: CheckReport) -> str:
    """The draft with each wrong reference replaced by the paragraph that says it, and the reference added to
    an uncited sentence that a paragraph supports; everything else as written."""
    corrected = draft
    for claim in report.claims:
        if claim.verdict not in ("wrong_paragraph", "uncited") or not claim.supported_by:
            continue
        markers = ", ".join(s.marker for s in claim.supported_by)
        references = find_references(claim.text)
        if references:
            fixed = claim.text[: references[0].start] + f"({markers})" + claim.text[references[-1].end :]
        else:
            body = claim.text.rstrip()
            end = len(body) - len(body.rstrip(".!;"))
            fixed = f"{body[: len(body) - end]} ({markers}){body[len(body) - end :]}"
        corrected = corrected.replace(claim.text, fixed, 1)
    return corrected
