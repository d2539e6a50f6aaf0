"""The systems compared: this project's chain (per mode) and a LlamaIndex default pipeline."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

from llama_index.core.llms import CompletionResponse, CompletionResponseGen, CustomLLM, LLMMetadata
from llama_index.core.llms.callbacks import llm_completion_callback

from eval.gold import GoldQuestion
from eval.metrics import CitedSentence, SystemOutput
from rag.chain import AnswerChain
from rag.llm import LLMBackend
from rag.records import ParagraphRecord
from rag.settings import Settings, embedding_model_dir
from rag.text import sentences

BASELINE_NAME = "llamaindex-default"
REFUSAL = re.compile(
    r"\b(not (mentioned|provided|specified|stated|available)|no information|cannot|can't|unknown)\b", re.I
)


def run_chain(chain: AnswerChain, question: GoldQuestion, mode: str) -> SystemOutput:
    answer = chain.ask(question.question, history=[(q, "") for q in question.history], mode=mode)  # type: ignore[arg-type]
    by_marker = {c.marker: f"{c.doc_id}#{c.para_id}" for c in answer.citations}
    return SystemOutput(
        status=answer.status,
        answer=answer.answer,
        sentences=[CitedSentence(text=s.text, cited_keys=[by_marker[m] for m in s.markers]) for s in answer.sentences],
        retrieved=[[f"{c.doc_id}#{c.para_id}"] for c in answer.candidates],
        timings=answer.timings,
    )


class BackendLLM(CustomLLM):
    """Lets llama-index's engines use the same LLM backend as the chain, so the comparison is fair."""

    backend: Any
    context_window: int
    num_output: int

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(context_window=self.context_window, num_output=self.num_output, model_name="backend")

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text=self.backend.complete([{"role": "user", "content": prompt}]))

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        def tokens() -> Iterator[CompletionResponse]:
            text = ""
            for token in self.backend.stream([{"role": "user", "content": prompt}]):
                text += token
                yield CompletionResponse(text=text, delta=token)

        return tokens()


class LlamaIndexBaseline:
    """SentenceSplitter chunks, dense top-k, CitationQueryEngine: the documented defaults."""

    def __init__(self, settings: Settings, llm: LLMBackend, records: list[ParagraphRecord]) -> None:
        from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.core.query_engine import CitationQueryEngine
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding

        documents = SimpleDirectoryReader(str(settings.corpus_dir)).load_data()
        embed = HuggingFaceEmbedding(model_name=str(embedding_model_dir(settings.embed_model)), device="cpu")
        index = VectorStoreIndex.from_documents(documents, embed_model=embed, transformations=[SentenceSplitter()])
        wrapped = BackendLLM(backend=llm, context_window=settings.llm_context, num_output=settings.llm_max_tokens)
        self.engine = CitationQueryEngine.from_args(index, llm=wrapped, similarity_top_k=3)
        self.records = records

    def paragraphs_in(self, chunk: str) -> list[str]:
        """A chunk citation cites every paragraph it contains (matched by the paragraph's ends)."""
        flat = " ".join(chunk.split())
        return [
            r.key
            for r in self.records
            if " ".join(r.text[:50].split()) in flat or " ".join(r.text[-50:].split()) in flat
        ]

    def run(self, question: GoldQuestion) -> SystemOutput:
        query = " ".join([*question.history, question.question])  # the engine has no chat memory
        started = time.perf_counter()
        response = self.engine.query(query)
        elapsed = (time.perf_counter() - started) * 1000
        chunks = [self.paragraphs_in(node.node.get_content()) for node in response.source_nodes]
        text = str(response).strip()
        cited_sentences = []
        for sentence in sentences(text):
            numbers = [int(n) for n in re.findall(r"\[(\d+)\]", sentence.text)]
            keys = [key for n in numbers if 1 <= n <= len(chunks) for key in chunks[n - 1]]
            cited_sentences.append(CitedSentence(text=re.sub(r"\s*\[\d+\]", "", sentence.text), cited_keys=keys))
        status = "not_found" if not text or REFUSAL.search(text) else "answered"
        return SystemOutput(
            status=status,
            answer=text,
            sentences=cited_sentences if status == "answered" else [],
            retrieved=chunks,
            timings={"total": round(elapsed, 1)},
        )
