"""Questions about a document as an object: its date, number, marking, sender and addressees.

Ingest already reads these from the cover note into each record's document metadata, so "What is the
classification of the Albania document?" is answered from that field and quoted from the cover-note line
that prints it, instead of being judged against paragraphs that never use the word "classification".
The label words are the vocabulary of the metadata schema (what a cover note's fields are called), a
closed class, not words taken from questions.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Literal

from rag.corpus import GENERIC_DOCUMENT_STEMS
from rag.nlp import entity_label_nouns, parse
from rag.question import Question
from rag.records import DocumentMeta, ParagraphRecord
from rag.text import WRITTEN_DATE, Sentence, is_stop_word, name_parts, stem, words

if TYPE_CHECKING:
    from spacy.tokens import Token

# the verbs English makes and sends a document with: "Who issued it?" asks its maker, "When was it issued?" its date
MAKING_VERBS = ("sent", "authored", "issued", "wrote", "written", "drafted")
FIELD_LABELS = {
    "date": ("date", "dated", "when"),
    "references": ("number", "reference"),
    "distribution_markings": ("marking", "classification", "classified", "distribution", "handling"),
    "sender": ("sender", "author", "issuer", "from", *MAKING_VERBS),  # "from": the cover note's own label
    "recipients": ("recipient", "recipients", "addressee", "addressed"),
}
LABEL_FIELDS = {stem(word): field for field, labels in FIELD_LABELS.items() for word in labels}
# "To whom?", "By whom was it sent?": the preposition before "whom" names the field
WHOM = re.compile(r"\b(to|from|by)\s+whom\b", re.IGNORECASE)
WHOM_FIELDS = {"to": "recipients", "from": "sender", "by": "sender"}
# "sent to", "addressed by": the preposition after a sending verb says which end of the sending is asked
SENT = re.compile(r"\b(\w+)\s+(to|from|by)\b", re.IGNORECASE)
CLAIMED_DATE = re.compile(rf"{WRITTEN_DATE.pattern}|\b((?:19|20)\d\d)\b")  # a written date, or a year alone


def _value_words(content: str) -> set[str]:
    """A wh-phrase asking for a kind of named thing describes the value asked, not a topic: "Which Council bodies
    was it addressed to?" (the addressees are bodies)."""
    kinds = entity_label_nouns()
    return {
        stem(t.text) for chunk in parse(content).noun_chunks
        if any(t.tag_ == "WDT" for t in chunk) and stem(chunk.root.lower_) in kinds for t in chunk
    }  # fmt: skip


def asked_fields(
    question: Question, document_words: frozenset[str], document_nouns: frozenset[str],
    printed: dict[str, frozenset[str]] | None = None,
) -> list[str]:  # fmt: skip
    """The metadata fields a question asks for when its only words are the fields' labels and words naming a
    document ("Who is the partnership document addressed to?", "reference numbers and date of the document"). A
    yes/no question with no label claims a field by its value (`printed`: each field's printed words): "Is the
    partnership document LIMITE?"."""
    parts = [p for w in words(question.content) for p in name_parts(w) if p.isalpha()]  # "EU-Kosovo": both
    stems = [stem(p) for p in parts if not is_stop_word(p) or stem(p) in LABEL_FIELDS]
    whom = [WHOM_FIELDS[m.group(1).lower()] for m in WHOM.finditer(question.content)]
    sent = {stem(m.group(1)): WHOM_FIELDS[m.group(2).lower()] for m in SENT.finditer(question.content)}
    sent = {s: field for s, field in sent.items() if LABEL_FIELDS.get(s) in ("sender", "recipients")}
    fields = list(dict.fromkeys([*whom, *(sent.get(s) or LABEL_FIELDS[s] for s in stems if s in LABEL_FIELDS)]))
    if not fields and question.answer_type == "yes_no":
        claimed = [{stem(p) for p in name_parts(n)} for n in question.names]
        fields = [f for f, words in (printed or {}).items() if any(c and c <= words for c in claimed)]
    asked = {p.lower() for p in parts}
    if "when" in asked and not asked & {"who", "whom"}:  # "When was it issued?": the verb says which date, not who
        making = {stem(v) for v in MAKING_VERBS}
        if not any(LABEL_FIELDS.get(s) == "sender" and s not in making for s in stems):
            fields = [f for f in fields if f != "sender"]
    if question.mood in ("future", "possible"):  # "When will the partnership be reviewed?": not the date it bears
        fields = [f for f in fields if f != "date"]
    if any(_event(t) for t in parse(question.content)):  # the note's date is not when the partnership was signed
        fields = [f for f in fields if f != "date"]
    topic = {t.stem for t in question.terms if t.weight >= 1.0}  # not "actually", "lol"
    topic |= {stem(part) for name in question.names for part in name_parts(name)}
    topic -= _value_words(question.content)
    if question.answer_type == "yes_no":  # "Is it marked LIMITE?": the value claimed is no topic
        topic -= {stem(p) for n in question.names for p in name_parts(n)} | _date_stems(question.content)
    if not fields or any(s not in LABEL_FIELDS and s not in document_words for s in stems if s in topic):
        return []
    asked_which = stem(question.identifies) if question.identifies else ""  # "which … document": none named
    named_here = (
        question.document_words or question.lookup is not None
        or any(s in document_nouns and s != asked_which for s in stems)
    )  # fmt: skip
    # A follow-up's "it" is the document the chat is about ("What's its classification?", "And who is it addressed
    # to?") when a label says so itself; "When was it completed?" asks about the previous topic.
    labelled = bool(whom) or any(not is_stop_word(p) and stem(p) in LABEL_FIELDS for p in parts)
    carried = (question.carried_lookup is not None and question.carried_lookup.cover) or question.documents
    return fields if named_here or (carried and labelled) else []


def _event(verb: Token) -> bool:
    """ "When was the partnership signed?" asks when something happened to what the document is about; "When was the
    document issued?" asks the document's own date (its subject is a document, as a document)."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    return (
        verb.pos_ == "VERB" and verb.tag_ in ("VBN", "VBD") and verb.dep_ in ("ROOT", "conj")
        and verb.lemma_ != "have" and stem(verb.lower_) not in LABEL_FIELDS
        and not any(stem(s.lower_) in GENERIC_DOCUMENT_STEMS for s in subjects)
    )  # fmt: skip


def printed_words(documents: list[DocumentMeta]) -> dict[str, frozenset[str]]:
    """Each field's printed words over the documents, as stems."""
    return {
        field: frozenset(stem(w) for d in documents for value in printed_values(d, field) for w in words(value))
        for field in FIELD_LABELS
    }


def printed_values(document: DocumentMeta, field: str) -> list[str]:
    """As the cover note prints them: "6 November 2024"; both markings and both references, the Council's and
    the EEAS's."""
    if field == "date":
        day = date.fromisoformat(document.date) if document.date else None
        return [f"{day.day} {day:%B %Y}"] if day else []
    if field == "distribution_markings":
        return [m for m in (document.distribution_marking, document.eeas_distribution_marking) if m]
    if field == "references":
        return [r for r in (document.council_reference, document.eeas_reference) if r]
    value = getattr(document, field)
    return [value] if value else []


def field_lines(fields: list[str], cover: ParagraphRecord, lines: list[Sentence]) -> list[Sentence]:
    """The cover-note lines that print the fields' values, one per value, a labelled one ("EEAS Reference: …")
    where the value is printed twice."""
    found = []
    if "recipients" in fields:  # the Council's note and the working document it carries each have a "To:" line
        found += [line for line in lines if line.text.startswith("To:")]
    for value in (v for field in fields for v in printed_values(cover.document, field)):
        printing = [line for line in lines if value in line.text]
        if printing:
            found.append(max(printing, key=lambda line: ":" in line.text.split(value)[0]))
    return list({line.start: line for line in found}.values())


def _date_stems(text: str) -> set[str]:
    return {stem(w) for match in CLAIMED_DATE.finditer(text) for w in words(match.group(0))}


def settled(
    fields: list[str], document: DocumentMeta, question: Question, lines: list[Sentence]
) -> Literal["yes", "no"] | None:
    """A yes/no question claiming a field's value ("Is it marked LIMITE?", "Was it sent by the Council?", "Was it
    dated 11 December 2024?") is settled by the value printed, in the field or on the lines quoted for it (the
    second "To:" line): yes when it holds every word of the names or the date claimed, no otherwise; None when
    nothing is claimed ("Is it classified?")."""
    if question.answer_type != "yes_no":
        return None
    if "date" in fields and (claimed := CLAIMED_DATE.search(question.content)) and document.date:
        day = date.fromisoformat(document.date)
        asked_day, month, year, year_only = claimed.groups()
        printed = (str(day.day), day.strftime("%B"), str(day.year))
        asked = (asked_day or printed[0], month or printed[1], year or year_only)
        return "yes" if asked == printed else "no"
    selecting = set(question.document_words)
    claimed = [n for n in question.names if not all(stem(p) in selecting for p in name_parts(n))]
    if not claimed:
        return None
    printed = [value for field in fields for value in printed_values(document, field)] + [line.text for line in lines]
    printed_stems = {stem(w) for value in printed for w in words(value)}
    return "yes" if all(stem(p) in printed_stems for n in claimed for p in name_parts(n)) else "no"
