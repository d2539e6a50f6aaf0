"""The answer contract shared by the CLI, the UI, the API and the evaluation."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from rag.records import DocumentMeta

# The one "cannot answer" sentence: the prompt asks the LLM for NOT_IN_DOCUMENTS_TOKEN, the code
# turns any not-found outcome into NOT_FOUND_ANSWER, and the tests check both.
NOT_IN_DOCUMENTS_TOKEN = "NOT_IN_DOCUMENTS"
NOT_FOUND_ANSWER = "The documents do not say."
# A partial answer opens with the same words, names what is missing, then quotes what the documents do say.
PARTIAL_OPENING = "The documents do not say"
# With a users file, every reader sees this wording instead, whether or not a document they may not
# read would answer: the answer reveals nothing about what is withheld.
ACCESS_OPENING = "The documents you can access do not say"

AnswerMode = Literal["extractive", "generative"]


class Span(BaseModel):
    """Characters [start, end) of a paragraph's text that support an answer sentence."""

    start: int
    end: int
    text: str


class ParagraphRef(BaseModel):
    """A paragraph as an answer refers to it: its marker, where it sits, and its full text."""

    marker: str
    doc_id: str
    para_id: str
    label: str
    section: list[str]
    text: str


class Citation(ParagraphRef):
    supporting_spans: list[Span]
    document: DocumentMeta


class AnswerSentence(BaseModel):
    text: str
    markers: list[str]

    @property
    def written(self) -> str:
        """How the sentence stands in the answer text: "… [¶18]"."""
        return f"{self.text} [{', '.join(self.markers)}]"


class Candidate(ParagraphRef):
    score: float
    dense_score: float | None
    keyword_score: float | None
    answers_question: bool = Field(description="judged relevant to the question")
    missing_terms: list[str] = Field(default_factory=list)


class Answer(BaseModel):
    question: str
    search_query: str
    status: Literal["answered", "partial", "not_found"] = Field(
        description="answered; partial: the topic is covered but not the detail asked; not_found"
    )
    yes_no: Literal["yes", "no"] | None = Field(None, description="the verdict of a yes/no question")
    mode: AnswerMode
    answer: str
    sentences: list[AnswerSentence]
    citations: list[Citation]
    candidates: list[Candidate]
    closest_passages: list[Candidate]
    notes: list[str] = Field(default_factory=list)
    timings: dict[str, float]

    def shown_paragraphs(self) -> list[str]:
        """Every paragraph the answer shows the reader, cited or listed, as doc_id#para_id (for the audit log)."""
        shown = (*self.citations, *self.candidates, *self.closest_passages)
        return list(dict.fromkeys(f"{p.doc_id}#{p.para_id}" for p in shown))
