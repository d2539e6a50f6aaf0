"""The gold question sets: schema and loading.

Two splits: `dev` may be tuned on; `test` was written before the reader changed (by a helper that
saw neither the code nor the dev questions) and is never tuned on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from rag.settings import PROJECT_ROOT

GOLD_DIR = PROJECT_ROOT / "eval" / "gold"
SPLITS = ("dev", "test")
Kind = Literal[
    "fact", "general", "yes_no", "paraphrase", "briefing", "synthesis", "follow_up", "informal", "lookup",
    "unanswerable", "eeas",
]  # fmt: skip


class GoldParagraph(BaseModel):
    doc_id: str
    para_id: str

    @property
    def key(self) -> str:
        return f"{self.doc_id}#{self.para_id}"


class GoldQuestion(BaseModel):
    id: str
    question: str = Field(min_length=2)
    gold_paragraphs: list[GoldParagraph]
    expected_facts: list[list[str]] = Field(description="every group must appear; any string of a group will do")
    answerable: bool
    kind: Kind
    history: list[str] = Field(default_factory=list, description="earlier questions of the same chat")
    expected_yes_no: Literal["yes", "no"] | None = Field(None, description="the answer must open with Yes/No")

    @model_validator(mode="after")
    def _consistent(self) -> GoldQuestion:
        if self.answerable != bool(self.gold_paragraphs):
            raise ValueError("answerable questions need gold paragraphs; unanswerable ones have none")
        if self.answerable and not self.expected_facts:
            raise ValueError("answerable questions need expected facts")
        if self.kind == "unanswerable" and self.answerable:
            raise ValueError("a question of kind 'unanswerable' cannot be answerable")
        if (self.kind == "follow_up") != bool(self.history):
            raise ValueError("follow-up questions, and only they, carry a history")
        if self.expected_yes_no and not self.answerable:
            raise ValueError("only answerable questions expect a yes or a no")
        return self

    @property
    def gold_keys(self) -> list[str]:
        return [p.key for p in self.gold_paragraphs]


def split_path(split: str) -> Path:
    return GOLD_DIR / f"{split}.jsonl"


def load_gold(path: Path) -> list[GoldQuestion]:
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
