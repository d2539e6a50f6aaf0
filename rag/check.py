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

import calendar
import re
from dataclasses import dataclass, replace
from typing import Literal

from pydantic import BaseModel

from rag.corpus import name_in
from rag.nlp import parse
from rag.question import Question, mood, understand
from rag.reader import MONTHS, NUMBER_WORDS, said_of_another
from rag.records import ParagraphRecord
from rag.references import DOCUMENT, Reference, find_references, without_references
from rag.relevance import Judge
from rag.text import (
    NUMBER,
    PERIODS,
    WRITTEN_DATE,
    all_stems,
    frequencies,
    numbers,
    proper_names,
    sentences,
    stem,
    words,
)
from rag.verify import actors_of

Verdict = Literal["supported", "wrong_paragraph", "unsupported", "uncited", "unreadable_reference"]
SUPPORT_THRESHOLD = 1.0  # coverage + SIMILARITY_WEIGHT × similarity; fitted on check_dev
SIMILARITY_WEIGHT = 0.75
ADDED_SHARE = 0.5  # a claim half of whose nouns the paragraph lacks adds to it; fitted on check_dev
CANDIDATES = 6
# Verbs that make a commitment tentative (a closed class of hedging verbs, not words from the gold set).
HEDGES = frozenset({"explore", "consider", "examine", "assess", "study", "seek", "aim", "intend", "envisage"})
HEDGE_STEMS = frozenset(stem(h) for h in HEDGES)
NEGATIONS = frozenset({"not", "no", "never", "neither", "nor", "without"})
MODIFIER_DEPENDENCIES = frozenset({"amod", "compound", "poss", "nmod"})
CLAIM_MODIFIERS = frozenset({"amod", "compound", "nmod"})  # "the EU's" for "the Union's" is a name, checked apart
CLAUSE_BREAK = re.compile(r";|,\s+(?:and|but|while|whereas)\s+")
FIGURE_CONTEXT = 6  # words either side of a figure that say which fact it belongs to
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./]((?:19|20)\d\d)\b")
MONTH_NUMBER = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}


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
    """How well a paragraph (or the paragraphs one reference cites, read together) supports a claim, and what
    differs when it does not. `record` holds the closest sentence; `sentences` are all the paragraphs' own."""

    records: tuple[ParagraphRecord, ...]
    score: float
    sentence: str
    sentences: tuple[tuple[ParagraphRecord, str], ...]
    differences: tuple[str, ...]
    unmatched_share: float = 0.0  # of the claim's nouns, those the paragraphs hold neither as such nor by meaning
    unmatched: tuple[str, ...] = ()

    @property
    def record(self) -> ParagraphRecord:
        return next(r for r, s in self.sentences if s == self.sentence) if self.sentences else self.records[0]

    @property
    def marker(self) -> str:
        return ", ".join(r.marker for r in self.records)

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
        self._questions: dict[str, Question] = {}

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
        documents, _ = self.judge.corpus.documents_named(self._understood(text))
        return next(iter(documents)) if len(documents) == 1 else None

    def _understood(self, text: str) -> Question:
        """A claim read as a question once, though naming its document and checking it both need it."""
        if text not in self._questions:
            self._questions[text] = understand(text, [], self.speller)
        return self._questions[text]

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
        asked = self._understood(claim)
        fits = {r.key: self.fit(asked, claim, [r]) for r in cited}
        if len(cited) > 1:  # "(¶¶10–11)": a claim may join what two paragraphs say
            fits["+".join(r.key for r in cited)] = self.fit(asked, claim, cited)
        keys = [ParagraphKey(doc_id=r.doc_id, para_id=r.para_id) for r in cited]
        good = [f for f in fits.values() if f.supports]
        if good:
            return CheckedClaim(text=text, cited=keys, verdict="supported", supported_by=_supporting(good), note="")
        for hit in self.search(asked.search_text, CANDIDATES, None):
            if hit.record.key not in fits:
                fits[hit.record.key] = self.fit(asked, claim, [hit.record])
        # A cited paragraph that matches the claim best but contradicts it (a changed figure, actor or
        # modality) makes the claim an alteration; another paragraph is suggested only if it matches better.
        contradicting = max((f.score for f in fits.values() if all(r in cited for r in f.records) and f.differences),
                            default=0.0)  # fmt: skip
        good = sorted((f for f in fits.values() if f.supports and f.score > contradicting), key=lambda f: f.score,
                      reverse=True)  # fmt: skip
        if good:
            verdict: Verdict = "wrong_paragraph" if cited else "uncited"
            best = good[0]
            note = f"{best.marker} says this" + (
                f", not {', '.join(r.marker for r in cited)}" if cited else "; add the reference"
            )
            return CheckedClaim(text=text, cited=keys, verdict=verdict, supported_by=_supporting(good[:1]), note=note)
        closest = max(fits.values(), key=lambda f: f.score, default=None)
        note = "no paragraph says this"
        if closest is not None:
            differences = closest.differences or tuple(self.differences(asked, claim, closest))
            what = "; ".join(differences) if differences else "it does not say this"
            note = f"closest is {closest.marker}: {what}"
        return CheckedClaim(text=text, cited=keys, verdict="unsupported", supported_by=[], note=note)

    def fit(self, asked: Question, claim: str, records: list[ParagraphRecord]) -> Fit:
        judge = self.judge
        terms = asked.readings(with_names=True)[0]  # its words and its names (a claim has no history)
        if len(records) == 1:
            matches = judge.term_matches(terms, records[0].key) if terms else {}
        else:
            matches = judge.term_matches(terms, records[0].key, "\n".join(r.text for r in records)) if terms else {}
        coverage = judge.coverage(terms, matches) if terms else 0.0
        periods = {stem(p) for p in PERIODS} if frequencies(claim) else set()  # "every year": a frequency
        nouns = [t for t in terms if t.weight >= 1.0 and not t.is_name and t.stem not in periods]
        unmatched = tuple(t.written for t in nouns if matches.get(t.stem, 0.0) == 0.0)
        owned = tuple((r, s.text) for r in records for s in judge.corpus.sentences[r.key])
        best_text, similarity = records[0].text, 0.0
        if owned:
            scores = judge.embedder.vectors([s for _, s in owned]) @ judge.embedder.query(claim)
            best = int(scores.argmax())
            best_text, similarity = owned[best][1], float(scores[best])
        score = coverage + SIMILARITY_WEIGHT * similarity
        share = len(unmatched) / len(nouns) if nouns else 0.0
        fit = Fit(tuple(records), score, best_text, owned, (), share, unmatched)
        if score < SUPPORT_THRESHOLD:  # cannot support whatever differs; the note asks for differences later
            return fit
        return replace(fit, differences=tuple(self.differences(asked, claim, fit)))

    def differences(self, asked: Question, claim: str, fit: Fit) -> list[str]:
        """What the draft says that the paragraph does not: dates, figures, number words, months, frequencies,
        names, nouns, negation, actor and modality."""
        marker = fit.marker
        sentence = fit.sentence
        said = "\n".join(r.text for r in fit.records)
        found: list[str] = []
        claim_words = {w.lower() for w in words(claim)}
        said_words = {w.lower() for w in words(said)}
        said_dates = _dates(said)
        said_words |= {calendar.month_name[int(iso[5:7])].lower() for iso in said_dates}
        own_numbers = {r.para_id for r in fit.records}
        dates, dated_figures = _unsaid_dates(claim, said_dates)
        if dates:
            theirs = sorted(set(said_dates.values()))
            found.append(
                f"the draft says {', '.join(dates)}"
                + (f"; {marker} says {', '.join(theirs)}" if theirs else f"; {marker} gives no date")
            )
        figures = sorted(self._unsaid_figures(claim, fit) - dated_figures)
        if figures:
            theirs = sorted(numbers(sentence) - own_numbers) or sorted(numbers(said) - own_numbers)
            found.append(
                f"the draft says {', '.join(figures)}"
                + (f"; {marker} says {', '.join(theirs)}" if theirs else f"; {marker} has no such figure")
            )
        for vocabulary in (NUMBER_WORDS, {m.lower() for m in MONTHS}):
            extra = sorted((claim_words & vocabulary) - said_words)
            theirs = sorted((said_words & vocabulary) - claim_words)
            if vocabulary is NUMBER_WORDS and not theirs and not numbers(sentence) - own_numbers:
                continue  # "the two sides" against a paragraph that counts nothing: not a changed number
            if extra:
                found.append(
                    f"the draft says '{', '.join(extra)}'"
                    + (f"; {marker} says '{', '.join(theirs)}'" if theirs else f"; {marker} does not")
                )
        claimed_periods, said_periods = frequencies(claim), frequencies(said)
        if extra := [written for period, written in claimed_periods.items() if period not in said_periods]:
            theirs = ", ".join(f"'{w}'" for w in said_periods.values())
            found.append(f"the draft says '{', '.join(extra)}'" + (f"; {marker} says {theirs}" if theirs else
                         f"; {marker} gives no frequency"))  # fmt: skip
        record = fit.records[0]
        metadata = " ".join(filter(None, [record.document.title, record.document.partner, record.title]))
        known = set().union(*(self.judge.corpus.stems[r.key] for r in fit.records)) | all_stems(metadata)
        known |= {stem(m) for m in said_words & MONTH_NUMBER.keys()}  # "December" for "11.12.2024"
        for name in sorted(_names(claim)):
            if not name_in(name, known) and not _spelled_out(name, said):
                found.append(f"{marker} does not mention {name}")
        if fit.unmatched_share >= ADDED_SHARE and len(fit.unmatched) > 1:
            found.append(f"{marker} says nothing of {', '.join(fit.unmatched)}")
        found += [f"the draft says '{ours}'; {marker} says '{theirs}'"
                  for ours, theirs in _changed_modifiers(claim, said)]  # fmt: skip
        if said_of_another(asked, said):  # "EUFOR Althea is a civilian mission", of EULEX's description
            found.append(f"{marker} does not say this of {asked.subject}")
        if bool(claim_words & NEGATIONS) != bool({w.lower() for w in words(sentence)} & NEGATIONS):
            found.append(f"the draft {'negates' if claim_words & NEGATIONS else 'does not negate'} what {marker} says")
        if swapped := _swapped_roles(claim, sentence):
            found.append(f"in {marker}, {swapped}")
        if _overstated(claim, sentence):
            found.append(f'{marker} only says: "{_shorten(sentence)}"; the draft states it more firmly')
        return found

    def _unsaid_figures(self, claim: str, fit: Fit) -> set[str]:
        """Figures the paragraph does not state for the fact they go with. A figure outside the closest
        sentence must be in the sentence closest to the words around it, so a claim joining two of a
        paragraph's facts ("… in 2012, and … since 2016") passes while a year moved between them does not."""
        unsaid: set[str] = set()
        best = numbers(fit.sentence)
        others = [s for _, s in fit.sentences]
        for clause in CLAUSE_BREAK.split(DOCUMENT.sub(" ", claim)):
            clause_words = words(clause)
            for index, word in enumerate(clause_words):
                figure = word.rstrip(".,")
                if not NUMBER.search(figure) or figure in best:
                    continue
                if len(others) > 1:
                    around = " ".join(clause_words[max(0, index - FIGURE_CONTEXT) : index + FIGURE_CONTEXT + 1])
                    scores = self.judge.embedder.vectors(others) @ self.judge.embedder.query(around)
                    closest = others[int(scores.argmax())]
                    if figure in numbers(closest):
                        continue
                unsaid.add(figure)
        return unsaid


def _changed_modifiers(claim: str, said_text: str) -> list[tuple[str, str]]:
    """ "at ministerial level" against "at Directors' level", "the largest military mission" against "the
    largest civilian mission": the draft qualifies a noun in a way the paragraph never does, where the
    paragraph qualifies that noun otherwise, so the draft changed who or what, not just the wording."""
    said = parse(said_text)
    claim_doc = parse(claim)
    claim_stems = {stem(t.lower_) for t in claim_doc}
    changed = []
    for token in claim_doc:
        if token.dep_ not in CLAIM_MODIFIERS or token.head.pos_ != "NOUN" or token.is_stop or token.text[:1].isupper():
            continue  # a name ("Council document") is checked as a name
        heads = [t for t in said if t.pos_ == "NOUN" and stem(t.lower_) == stem(token.head.lower_)]
        qualifiers = [[c for c in h.children if c.dep_ in MODIFIER_DEPENDENCIES] for h in heads]
        if not heads or any(stem(token.lower_) in {stem(t.lower_) for t in h.subtree} for h in heads):
            continue  # the paragraph's phrase has the word somewhere ("senior official levels")
        theirs = [(c, h) for q, h in zip(qualifiers, heads, strict=True) for c in q
                  if not c.is_stop and c.pos_ in ("ADJ", "NOUN", "PROPN")
                  and stem(c.lower_) not in claim_stems]  # fmt: skip
        theirs.sort(key=lambda pair: pair[0].dep_ != token.dep_)  # "civilian mission" before "the Union's mission"
        if theirs:
            changed.append((f"{token.text} {token.head.text}", f"{theirs[0][0].text} {theirs[0][1].text}"))
    return changed


def _dates(text: str) -> dict[str, str]:
    """Dates as written ("11 December 2024", "11.12.2024", "March 2020"), keyed by ISO form (2024-12-11, 2020-03)."""
    found = {}
    for match in WRITTEN_DATE.finditer(text):
        day, month, year = match.group(1), MONTH_NUMBER[match.group(2).lower()], match.group(3)
        found[f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")] = match.group(0).strip()
    for match in NUMERIC_DATE.finditer(text):
        day, month, year = (int(g) for g in match.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            found[f"{year}-{month:02d}-{day:02d}"] = match.group(0)
    return found


def _unsaid_dates(claim: str, theirs: dict[str, str]) -> tuple[list[str], set[str]]:
    """The claim's dates that the paragraph does not give (a month and year must open one of its dates), and
    the figures of those it does give, which the figure check then leaves alone."""
    unsaid, figures = [], set()
    for iso, written in _dates(claim).items():
        if any(date == iso or date.startswith(iso + "-") for date in theirs):
            figures |= numbers(written)
        else:
            unsaid.append(written)
    return unsaid, figures


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
    """How firmly the claim states itself: a hedge anywhere makes it tentative; otherwise its main verbs (the
    root and the verbs coordinated with it) decide, so "the survey completed in 2020" inside a claim about
    what "includes" follow-up does not make the claim a report of something done."""
    doc = parse(claim)
    if any(t.lower_ in ("may", "might", "could") or stem(t.lower_) in HEDGE_STEMS for t in doc):
        return "hedged"
    if any(t.lower_ in ("will", "shall", "'ll") for t in doc):
        return "future"
    roots = [t for t in doc if t.dep_ == "ROOT"]
    main = [*roots, *(c for r in roots for c in r.conjuncts if c.pos_ in ("VERB", "AUX"))]
    perfect = any(c.lower_ in ("has", "have", "had") and c.dep_ in ("aux", "auxpass") for t in main for c in t.children)
    return "done" if perfect or any(t.tag_ == "VBD" for t in main) or mood(doc) == "past" else "now"


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


UNSUPPORTED_FLAG = "[NOT SUPPORTED by the documents]"


def corrected_draft(draft: str, report: CheckReport) -> str:
    """The draft with each wrong reference replaced by the paragraph that says it, the reference added to an
    uncited sentence that a paragraph supports, and a sentence no paragraph supports flagged, so a copy of the
    corrected draft never passes it on silently; everything else as written."""
    corrected = draft
    for claim in report.claims:
        if claim.verdict == "unsupported":
            body = claim.text.rstrip()
            corrected = corrected.replace(body, f"{body} {UNSUPPORTED_FLAG}", 1)
            continue
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
