"""A scripted LLM backend for unit tests of prompting and verification (never the only test)."""

from __future__ import annotations

from collections.abc import Iterator

from rag.llm import LLMBackend, Message
from rag.settings import Settings


class ScriptedLLM(LLMBackend):
    """Replies with the given drafts in turn and records the messages it was sent."""

    def __init__(self, *drafts: str) -> None:
        super().__init__(Settings())
        self.drafts = list(drafts)
        self.received: list[list[Message]] = []

    def stream(self, messages: list[Message], max_tokens: int | None = None) -> Iterator[str]:
        self.received.append(messages)
        yield from _words_with_spaces(self.drafts.pop(0))


def _words_with_spaces(text: str) -> Iterator[str]:
    first = True
    for word in text.split(" "):
        yield word if first else " " + word
        first = False
