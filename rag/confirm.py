"""Ask the LLM whether a paragraph the retrieval signals nearly accepted answers the question.

MiniLM cannot tell a paraphrase ("weapons of mass destruction" for non-proliferation) from a question the
documents do not answer, so the signals refuse both. In generative mode with RAG_LLM_CONFIRMS the LLM
reads the best candidates of a refused question and may confirm one. Its reply is validated as one of
two words; anything else is a refusal. A confirmed paragraph still goes through the reader's checks (a
date asked needs a date), so a yes from the model never adds a figure or a citation by itself.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ValidationError

from rag.llm import LLMBackend, Message
from rag.records import ParagraphRecord

CONFIRM_PROMPT = (
    "You check whether a paragraph answers a question. Reply with one word: YES if the paragraph states the "
    "answer (possibly in other words), NO if it does not contain the specific information asked for."
)


class Verdict(BaseModel):
    word: Literal["YES", "NO"]


def confirmation_messages(question: str, record: ParagraphRecord) -> list[Message]:
    user = f"Paragraph: {record.text}\n\nQuestion: {question}\n\nDoes the paragraph answer the question? YES or NO."
    return [{"role": "system", "content": CONFIRM_PROMPT}, {"role": "user", "content": user}]


def confirms(llm: LLMBackend, question: str, record: ParagraphRecord) -> bool:
    reply = llm.complete(confirmation_messages(question, record), max_tokens=2).strip().rstrip(".").upper()
    try:
        return Verdict(word=reply).word == "YES"  # type: ignore[arg-type]
    except ValidationError:
        return False
