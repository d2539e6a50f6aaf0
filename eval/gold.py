"""The gold question set: schema and loading."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from rag.settings import PROJECT_ROOT

GOLD_PATH = PROJECT_ROOT / "eval" / "gold" / "questions.jsonl"
Kind = Literal["factual", "commitment", "date", "list", "paraphrase", "informal", "follow-up", "unanswerable"]


class GoldParagraph(BaseModel):
    doc_id: str
    para_id: str

    @property
    def key(self) -> str:
        return f"{self.doc_id}#{self.para_id}"


class GoldQuestion(BaseModel):
    id: str
    question: str = Field(min_length=3)
    gold_paragraphs: list[GoldParagraph]
    expected_facts: list[list[str]] = Field(description="every group must appear; any string of a group will do")
    answerable: bool
    kind: Kind
    history: list[str] = Field(default_factory=list, description="earlier questions of the same chat")

    @model_validator(mode="after")
    def _consistent(self) -> GoldQuestion:
        if self.answerable != bool(self.gold_paragraphs):
            raise ValueError("answerable questions need gold paragraphs; unanswerable ones have none")
        if self.answerable and not self.expected_facts:
            raise ValueError("answerable questions need expected facts")
        if self.kind == "unanswerable" and self.answerable:
            raise ValueError("a question of kind 'unanswerable' cannot be answerable")
        if (self.kind == "follow-up") != bool(self.history):
            raise ValueError("follow-up questions, and only they, carry a history")
        return self

    @property
    def gold_keys(self) -> list[str]:
        return [p.key for p in self.gold_paragraphs]


def load_gold(path: Path = GOLD_PATH) -> list[GoldQuestion]:
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                questions.append(GoldQuestion.model_validate_json(line))
            except ValueError as error:
                raise ValueError(f"{path}:{number}: {error}") from error
    ids = [q.id for q in questions]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path}: duplicate question ids")
    return questions
