"""Open the active generation of the paragraph index (Chroma + BM25) and search it.

Ingest never writes into the collection that searches read: it builds a new generation and then
moves a pointer, so a failed ingest leaves the previous generation whole and queryable.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import QueryBundle, TextNode
from llama_index.core.vector_stores import ExactMatchFilter, MetadataFilters, VectorStoreQuery
from llama_index.vector_stores.chroma import ChromaVectorStore

from ingest.records import ParagraphRecord
from rag.nodes import node_to_record
from rag.settings import Settings

POINTER_KEY = "active_generation"


class IndexMissingError(RuntimeError):
    """No index has been built yet for these settings."""


def open_chroma(settings: Settings) -> ClientAPI:
    """The local database by default; a Chroma server when RAG_CHROMA_URL is set."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(f"RAG_CHROMA_URL must look like http://127.0.0.1:8000, got '{settings.chroma_url}'")
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 80),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    return chromadb.PersistentClient(path=str(settings.index_dir / "chroma"), settings=chroma_settings)


def pointer_collection(client: ClientAPI, settings: Settings):
    """An empty collection whose metadata names the live generation; Chroma has no aliases."""
    return client.get_or_create_collection(settings.collection)


def active_generation(client: ClientAPI, settings: Settings) -> str | None:
    metadata = pointer_collection(client, settings).metadata or {}
    return metadata.get(POINTER_KEY)


def bm25_path(settings: Settings, generation: str) -> Path:
    return settings.bm25_dir / generation


@dataclass
class ScoredParagraph:
    record: ParagraphRecord
    score: float


class ParagraphIndex:
    """Read access to one generation; cheap to open, embeds nothing until a dense query."""

    def __init__(self, settings: Settings, client: ClientAPI, generation: str) -> None:
        self.settings = settings
        self.generation = generation
        self.client = client
        self.collection = client.get_collection(generation)
        self.vector_store = ChromaVectorStore(chroma_collection=self.collection)
        self._bm25 = None

    @classmethod
    def open(cls, settings: Settings) -> ParagraphIndex:
        client = open_chroma(settings)
        generation = active_generation(client, settings)
        if generation is None:
            where = settings.chroma_url or settings.index_dir
            raise IndexMissingError(f"no index at {where} (collection '{settings.collection}'); run `rag ingest` first")
        return cls(settings, client, generation)

    def is_current(self) -> bool:
        """False once an ingest has moved the pointer to a newer generation."""
        return active_generation(self.client, self.settings) == self.generation

    def nodes(self, doc_id: str | None = None) -> list[TextNode]:
        return self.vector_store.get_nodes(None, filters=_doc_filter(doc_id))

    def records(self, doc_id: str | None = None) -> list[ParagraphRecord]:
        records = [node_to_record(node) for node in self.nodes(doc_id)]
        return sorted(records, key=lambda r: (r.doc_id, r.char_start))

    def dense(self, query: str, embed: BaseEmbedding, k: int, doc_id: str | None = None) -> list[ScoredParagraph]:
        query_vector = embed.get_query_embedding(query)
        result = self.vector_store.query(
            VectorStoreQuery(query_embedding=query_vector, similarity_top_k=k, filters=_doc_filter(doc_id))
        )
        return [
            ScoredParagraph(node_to_record(node), float(score))
            for node, score in zip(result.nodes or [], result.similarities or [], strict=True)
        ]

    def keyword(self, query: str, k: int, doc_id: str | None = None) -> list[ScoredParagraph]:
        from llama_index.retrievers.bm25 import BM25Retriever

        if self._bm25 is None:
            self._bm25 = self._load_bm25()
        size = len(self._bm25.corpus)
        retriever = BM25Retriever(
            existing_bm25=self._bm25.bm25,
            similarity_top_k=min(k if doc_id is None else size, size),
            filters=_doc_filter(doc_id),
        )
        hits = retriever.retrieve(QueryBundle(query))
        return [ScoredParagraph(node_to_record(hit.node), float(hit.score)) for hit in hits if hit.score > 0][:k]

    def _load_bm25(self):
        """BM25 lives beside the local index; a client of a shared server rebuilds it once locally."""
        from llama_index.retrievers.bm25 import BM25Retriever

        path = bm25_path(self.settings, self.generation)
        if path.exists():
            return BM25Retriever.from_persist_dir(str(path))
        retriever = build_bm25(self.nodes())
        persist_bm25(retriever, path)
        return retriever


def build_bm25(nodes: list[TextNode]):
    from llama_index.retrievers.bm25 import BM25Retriever

    return BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=min(10, len(nodes)), language="en")


def persist_bm25(retriever, path: Path) -> None:
    staging = path.with_name(path.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    retriever.persist(str(staging), show_progress=False)
    shutil.rmtree(path, ignore_errors=True)
    staging.rename(path)


def _doc_filter(doc_id: str | None) -> MetadataFilters | None:
    return MetadataFilters(filters=[ExactMatchFilter(key="doc_id", value=doc_id)]) if doc_id else None
