"""The paragraph index (Chroma + BM25): the one module that owns its generations — opening the live one,
searching it, and publishing a new one.

Ingest never writes into the collection that searches read: it builds a new generation and then
moves a pointer, so a failed ingest leaves the previous generation whole and queryable.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import uuid
from collections.abc import Iterator
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

from rag.errors import IndexMissingError, IndexModelMismatchError, IndexUnavailableError, RagError
from rag.nodes import node_to_record
from rag.records import ParagraphRecord
from rag.settings import Settings, embedding_model_dir

POINTER_KEY = "active_generation"


@contextlib.contextmanager
def reaching(settings: Settings) -> Iterator[None]:
    """A Chroma server that is down or goes away mid-session is one line, not a client library traceback."""
    try:
        yield
    except RagError:
        raise
    except Exception as error:
        if not settings.chroma_url:
            raise
        raise IndexUnavailableError(
            f"the Chroma server at {settings.chroma_url} (RAG_CHROMA_URL) is not answering ({error}); "
            "start it, or unset RAG_CHROMA_URL to use the local index"
        ) from error


def open_chroma(settings: Settings, create: bool = True) -> ClientAPI:
    """The local database by default; a Chroma server when RAG_CHROMA_URL is set. Without `create`
    (every read command) a missing local index is an error, and nothing is written to disk."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        with reaching(settings):
            return chromadb.HttpClient(
                host=url.hostname or "",
                port=url.port or (443 if url.scheme == "https" else 80),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
    folder = settings.index_dir / "chroma"
    if not create and not (folder / "chroma.sqlite3").exists():
        raise _missing(settings)
    return chromadb.PersistentClient(path=str(folder), settings=chroma_settings)


def _missing(settings: Settings) -> IndexMissingError:
    where = settings.chroma_url or settings.index_dir
    return IndexMissingError(f"no index at {where} (collection '{settings.collection}') yet; run `rag ingest` first")


def pointer_collection(client: ClientAPI, settings: Settings):
    """An empty collection whose metadata names the live generation; Chroma has no aliases."""
    return client.get_or_create_collection(settings.collection)


def active_generation(client: ClientAPI, settings: Settings, create: bool = True) -> str | None:
    if create:
        pointer = pointer_collection(client, settings)
    else:
        try:
            pointer = client.get_collection(settings.collection)
        except Exception:  # chromadb raises NotFoundError (or ValueError in older versions)
            return None
    return (pointer.metadata or {}).get(POINTER_KEY)


def publish_generation(
    client: ClientAPI, settings: Settings, nodes: list[TextNode], live: str | None, built: dict
) -> str:
    """Write a new generation completely, recording how it was built, then point readers at it and drop
    the old one."""
    _drop_abandoned(client, settings, keep=live)
    generation = f"{settings.collection}-g{uuid.uuid4().hex[:12]}"
    collection = client.create_collection(generation, metadata={"hnsw:space": "cosine", **built})
    try:
        ChromaVectorStore(chroma_collection=collection).add(nodes)
        persist_bm25(build_bm25(nodes), bm25_path(settings, generation))
    except BaseException:
        client.delete_collection(generation)
        shutil.rmtree(bm25_path(settings, generation), ignore_errors=True)
        raise
    pointer_collection(client, settings).modify(metadata={POINTER_KEY: generation})
    if live is not None:
        _drop_generation(client, settings, live)
    return generation


def _drop_generation(client: ClientAPI, settings: Settings, generation: str) -> None:
    with contextlib.suppress(Exception):  # already gone is fine
        client.delete_collection(generation)
    shutil.rmtree(bm25_path(settings, generation), ignore_errors=True)


def _drop_abandoned(client: ClientAPI, settings: Settings, keep: str | None) -> None:
    """Remove generations left by an ingest that was killed before it could clean up."""
    prefix = f"{settings.collection}-g"
    for collection in client.list_collections():
        name = collection if isinstance(collection, str) else collection.name
        if name.startswith(prefix) and name != keep:
            _drop_generation(client, settings, name)


def model_fingerprint(settings: Settings) -> str:
    """Which embedding model made a vector: a hash of the model folder's file names and sizes and of its
    small configuration files, so another model (or another version of it) is told apart in milliseconds."""
    folder = embedding_model_dir(settings.embed_model)
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(folder)}:{path.stat().st_size}".encode())
        if path.stat().st_size < 1_000_000:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


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
        with reaching(settings):
            self.collection = client.get_collection(generation)
        self.vector_store = ChromaVectorStore(chroma_collection=self.collection)
        self._bm25 = None

    @classmethod
    def open(cls, settings: Settings, check_model: bool = True) -> ParagraphIndex:
        """The live generation, for reading: creates nothing, and refuses an index another model embedded."""
        client = open_chroma(settings, create=False)
        with reaching(settings):
            generation = active_generation(client, settings, create=False)
        if generation is None:
            raise _missing(settings)
        index = cls(settings, client, generation)
        if check_model:
            index.check_model()
        return index

    @property
    def built_with(self) -> dict:
        """What the index records about how it was built: model, dimension, fingerprint, parser, time."""
        return dict(self.collection.metadata or {})

    def check_model(self) -> None:
        stored = self.built_with.get("embed_fingerprint")
        if stored is None:
            raise IndexModelMismatchError(
                "the index does not record which embedding model built it (an older version built it): "
                "run `rag ingest` to re-embed it"
            )
        if stored != model_fingerprint(self.settings):
            raise IndexModelMismatchError(
                f"the index was embedded with {self.built_with.get('embed_model')} but RAG_EMBED_MODEL is "
                f"{self.settings.embed_model}: run `rag ingest` to re-embed it, or set RAG_EMBED_MODEL back"
            )

    def is_current(self) -> bool:
        """False once an ingest has moved the pointer to a newer generation."""
        with reaching(self.settings):
            return active_generation(self.client, self.settings, create=False) == self.generation

    def document_ids(self) -> set[str]:
        with reaching(self.settings):
            metadatas = self.collection.get(include=["metadatas"])["metadatas"] or []
        return {str(m["doc_id"]) for m in metadatas}

    def nodes(self, doc_id: str | None = None) -> list[TextNode]:
        with reaching(self.settings):
            return self.vector_store.get_nodes(None, filters=_doc_filter(doc_id))

    def records(self, doc_id: str | None = None) -> list[ParagraphRecord]:
        records = [node_to_record(node) for node in self.nodes(doc_id)]
        return sorted(records, key=lambda r: (r.doc_id, r.char_start))

    def dense(self, query: str, embed: BaseEmbedding, k: int, doc_id: str | None = None) -> list[ScoredParagraph]:
        query_vector = embed.get_query_embedding(query)
        with reaching(self.settings):
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
