"""The paragraph index (Chroma + BM25): the one module that owns its generations — opening the live one,
searching it, and publishing a new one.

Ingest never writes into the collection that searches read: it builds a new generation and then
moves a pointer, so a failed ingest leaves the previous generation whole and queryable.

A generation is a Chroma collection (vectors, with each paragraph's metadata) and a local folder with
the BM25 index and the corpus statistics (`rag/corpus.py`), both computed at ingest so that a process
that answers questions loads them rather than rebuilding them. Writing goes through llama-index's
Chroma store; reading calls chromadb and bm25s directly, because importing llama-index costs a cold
`rag ask` over a second.
"""

from __future__ import annotations

import contextlib
import copy
import pickle
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import bm25s
import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings

from rag.access import Clearance, marking_level
from rag.corpus import Corpus
from rag.embedding import Encoder, model_fingerprint
from rag.errors import IndexMissingError, IndexModelMismatchError, IndexUnavailableError, RagError
from rag.records import ParagraphRecord, record_from_metadata, searchable_text
from rag.settings import Settings
from rag.text import stemmer

if TYPE_CHECKING:
    from llama_index.core.schema import TextNode

POINTER_KEY = "active_generation"
ACCESS_LEVEL_KEY = "access_level"  # the paragraph's clearance level (rag/access.py), for `where` filters
STORE_VERSION = 3  # the layout of a generation; an index written in another layout is re-ingested
TOKEN_PATTERN = r"(?u)\b\w\w+\b"  # llama-index's BM25 default, kept so rankings did not move


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
    from llama_index.vector_stores.chroma import ChromaVectorStore

    _drop_abandoned(client, settings, keep=live)
    generation = f"{settings.collection}-g{uuid.uuid4().hex[:12]}"
    collection = client.create_collection(
        generation, metadata={"hnsw:space": "cosine", "store_version": STORE_VERSION, **built}
    )
    try:
        store = ChromaVectorStore(chroma_collection=collection)
        batch = client.get_max_batch_size()  # Chroma refuses larger writes (5,461 records here)
        for start in range(0, len(nodes), batch):
            store.add(nodes[start : start + batch])
        records = [record_from_metadata(node.metadata, node.text) for node in nodes]
        write_generation_files(GenerationFiles.build(records), generation_dir(settings, generation))
    except BaseException:
        client.delete_collection(generation)
        shutil.rmtree(generation_dir(settings, generation), ignore_errors=True)
        raise
    pointer_collection(client, settings).modify(metadata={POINTER_KEY: generation})
    if live is not None:
        _drop_generation(client, settings, live)
    return generation


def _drop_generation(client: ClientAPI, settings: Settings, generation: str) -> None:
    with contextlib.suppress(Exception):  # already gone is fine
        client.delete_collection(generation)
    shutil.rmtree(generation_dir(settings, generation), ignore_errors=True)


def _drop_abandoned(client: ClientAPI, settings: Settings, keep: str | None) -> None:
    """Remove generations left by an ingest that was killed before it could clean up."""
    prefix = f"{settings.collection}-g"
    for collection in client.list_collections():
        name = collection if isinstance(collection, str) else collection.name
        if name.startswith(prefix) and name != keep:
            _drop_generation(client, settings, name)


def generation_dir(settings: Settings, generation: str) -> Path:
    return settings.generations_dir / generation


@dataclass
class GenerationFiles:
    """A generation's local part: paragraph i of the corpus is document i of BM25."""

    corpus: Corpus
    bm25: bm25s.BM25

    @classmethod
    def build(cls, records: list[ParagraphRecord]) -> GenerationFiles:
        records = sorted(records, key=lambda r: (r.doc_id, r.char_start))
        tokens = bm25s.tokenize(
            [searchable_text(r) for r in records], stopwords="en", stemmer=stemmer(), token_pattern=TOKEN_PATTERN,
            show_progress=False,
        )  # fmt: skip
        bm25 = bm25s.BM25()
        bm25.index(tokens, show_progress=False)
        return cls(Corpus(records), bm25)

    @classmethod
    def load(cls, folder: Path) -> GenerationFiles:
        # pickle: these are this program's own files, written by ingest into the index folder, which
        # anyone able to alter could as well alter the vectors; loading them takes milliseconds.
        # The derived stems and sentences are rebuilt from the records, so a newer version of this program reads
        # an index an older one wrote as it would read its own.
        with (folder / "corpus.pickle").open("rb") as file:
            records = pickle.load(file).records
        return cls(Corpus(records), bm25s.BM25.load(str(folder / "bm25")))


def write_generation_files(files: GenerationFiles, folder: Path) -> None:
    staging = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    files.bm25.save(str(staging / "bm25"))
    with (staging / "corpus.pickle").open("wb") as file:
        pickle.dump(files.corpus, file, protocol=pickle.HIGHEST_PROTOCOL)
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)


@dataclass
class ScoredParagraph:
    record: ParagraphRecord
    score: float


class ParagraphIndex:
    """Read access to one generation, as seen with one clearance (None: the operator, who reads all).

    Cheap to open; loads its local files on first use. With a clearance, every read (vector search,
    BM25, records, corpus statistics) covers only the paragraphs of that level or below."""

    def __init__(
        self, settings: Settings, client: ClientAPI, generation: str, clearance: Clearance | None = None
    ) -> None:
        self.settings = settings
        self.generation = generation
        self.client = client
        self.clearance = clearance
        with reaching(settings):
            self.collection = client.get_collection(generation)
        self._files: GenerationFiles | None = None
        self._corpus: Corpus | None = None
        self._masks: dict[tuple[Clearance | None, str | None], np.ndarray | None] = {}

    @classmethod
    def open(cls, settings: Settings, check_model: bool = True, clearance: Clearance | None = None) -> ParagraphIndex:
        """The live generation, for reading: creates nothing, and refuses an index another model embedded."""
        client = open_chroma(settings, create=False)
        with reaching(settings):
            generation = active_generation(client, settings, create=False)
        if generation is None:
            raise _missing(settings)
        index = cls(settings, client, generation, clearance)
        if check_model:
            index.check_model()
        return index

    def seen_with(self, clearance: Clearance | None) -> ParagraphIndex:
        """The same generation for another reader, sharing the loaded files."""
        view = copy.copy(self)  # shares the loaded files and the masks (keyed by clearance)
        view.clearance, view._corpus = clearance, None
        return view

    def readable(self, record: ParagraphRecord) -> bool:
        return self.clearance is None or marking_level(record.document)[0] <= self.clearance

    @property
    def built_with(self) -> dict:
        """What the index records about how it was built: model, dimension, fingerprint, parser, time."""
        return dict(self.collection.metadata or {})

    def check_model(self) -> None:
        stored = self.built_with.get("embed_fingerprint")
        if stored is None or self.built_with.get("store_version") != STORE_VERSION:
            raise IndexModelMismatchError(
                "the index was built by an older version of this program: run `rag ingest` to rebuild it"
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

    @property
    def files(self) -> GenerationFiles:
        """The local BM25 and statistics; a client of a shared server that has no copy computes them in
        memory (read commands write nothing)."""
        if self._files is None:
            folder = generation_dir(self.settings, self.generation)
            if (folder / "corpus.pickle").exists():
                self._files = GenerationFiles.load(folder)
            else:
                with reaching(self.settings):
                    stored = self.collection.get(include=["metadatas", "documents"])
                records = [
                    record_from_metadata(m, text)
                    for m, text in zip(stored["metadatas"] or [], stored["documents"] or [], strict=True)
                ]
                self._files = GenerationFiles.build(records)
        return self._files

    @property
    def corpus(self) -> Corpus:
        """The statistics over the paragraphs this reader may see: word frequencies, spelling vocabulary
        and document names of restricted text would otherwise shape, and so reveal, what they are shown."""
        if self._corpus is None:
            everything = self.files.corpus
            readable = [r for r in everything.records if self.readable(r)]
            self._corpus = everything if len(readable) == len(everything.records) else Corpus(readable)
        return self._corpus

    def document_ids(self) -> set[str]:
        return {r.doc_id for r in self.corpus.records}

    def records(self, doc_id: str | None = None) -> list[ParagraphRecord]:
        return [r for r in self.corpus.records if doc_id is None or r.doc_id == doc_id]

    def _bm25_mask(self, doc_id: str | None) -> np.ndarray | None:
        """1 for each BM25 document this reader may see (in this document, if one is named), else 0."""
        key = (self.clearance, doc_id)
        if key not in self._masks:
            shown = [self.readable(r) and (doc_id is None or r.doc_id == doc_id) for r in self.files.corpus.records]
            self._masks[key] = None if all(shown) else np.array(shown, dtype=np.float32)
        return self._masks[key]

    def _where(self, doc_id: str | None) -> dict | None:
        conditions: list[dict] = []
        if doc_id:
            conditions.append({"doc_id": doc_id})
        if self.clearance is not None:
            conditions.append({ACCESS_LEVEL_KEY: {"$lte": int(self.clearance)}})
        return {"$and": conditions} if len(conditions) > 1 else (conditions[0] if conditions else None)

    def dense(self, query: str, encoder: Encoder, k: int, doc_id: str | None = None) -> list[ScoredParagraph]:
        vector = encoder.encode([query])[0]
        with reaching(self.settings):
            result = self.collection.query(
                query_embeddings=[vector.tolist()], n_results=k, where=self._where(doc_id),
                include=["metadatas", "documents", "distances"],
            )  # fmt: skip
        rows = zip(result["metadatas"][0], result["documents"][0], result["distances"][0], strict=True)  # type: ignore[index]
        return [ScoredParagraph(record_from_metadata(m, text), 1.0 - float(d)) for m, text, d in rows]

    def keyword(self, query: str, k: int, doc_id: str | None = None) -> list[ScoredParagraph]:
        records = self.files.corpus.records  # BM25's own order; the mask hides what this reader may not see
        if not records:
            return []
        tokens = bm25s.tokenize(query, stemmer=stemmer(), token_pattern=TOKEN_PATTERN, show_progress=False)
        indexes, scores = self.files.bm25.retrieve(
            tokens, k=min(k, len(records)), weight_mask=self._bm25_mask(doc_id), show_progress=False, n_threads=1
        )
        return [
            ScoredParagraph(records[int(i)], float(score))
            for i, score in zip(indexes[0], scores[0], strict=True)
            if score > 0
        ]
