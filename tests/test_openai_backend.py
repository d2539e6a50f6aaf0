"""Generative answers through a real OpenAI-compatible server (llama-cpp-python's, bundled model)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.chain import AnswerChain
from rag.llm import OpenAICompatibleBackend, bundled_gguf, create_llm
from rag.settings import Settings
from tests.servers import free_port, running_server


@pytest.fixture(scope="module")
def llm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    small = bundled_gguf(Settings(llm_bundle="smollm2-135m"))  # the server test needs a model, not a good one
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(small), "--host", "127.0.0.1",
        "--port", str(port), "--n_ctx", "2048", "--n_threads", "2",
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}/v1"
    with running_server(command, f"{url}/models", Path(tmp_path_factory.mktemp("llm")) / "server.log"):
        yield url


def test_generative_answer_through_an_openai_compatible_server(
    llm_server: str, corpus_settings: Settings, chain: AnswerChain
) -> None:
    settings = corpus_settings.model_copy(update={"llm_backend": "openai", "llm_url": llm_server})
    backend = create_llm(settings)
    assert isinstance(backend, OpenAICompatibleBackend)
    draft = backend.complete([{"role": "user", "content": "Say hello."}])
    assert draft.strip()

    remote = AnswerChain(settings, chain.index, chain.embedding_model(), backend)
    tokens: list[str] = []
    answer = remote.ask("Which countries have a record of full alignment with the CFSP?", mode="generative",
                        on_token=tokens.append)  # fmt: skip
    assert tokens and "generate" in answer.timings
    assert answer.status == "answered"
    cited = {(c.doc_id, c.para_id) for c in answer.citations}
    assert ("eeas-wb-cfsp-csdp", "p7") in cited and cited <= {("eeas-wb-cfsp-csdp", "p6"), ("eeas-wb-cfsp-csdp", "p7")}
