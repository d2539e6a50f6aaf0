"""Build a new index generation from documents, reusing vectors of unchanged paragraphs.

A generation is a Chroma collection plus its BM25 folder. Ingest copies what it keeps from the live
generation, embeds only new or changed paragraphs, writes BM25, and only then moves the pointer, so
any failure before that point leaves the previous generation untouched and searchable.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from chromadb.api import ClientAPI
from llama_index.core.schema import TextNode
from llama_index.core.utils import get_tokenizer
from llama_index.core.vector_stores.utils import metadata_dict_to_node

from ingest.documents import ParsedDocument, expand_paths, load_manifest, parse_document
from ingest.nodes import record_to_node, searchable_text
from ingest.paragraphs import PARSER_VERSION
from rag.access import marking_level
from rag.embedding import Encoder, ensure_onnx, model_fingerprint
from rag.errors import DocumentError, IngestFailedError
from rag.index_store import (
    STORE_VERSION,
    active_generation,
    open_chroma,
    publish_generation,
    reaching,
)
from rag.records import SkippedSpan
from rag.settings import Settings


@dataclass
class IngestReport:
    documents: list[str] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    total: int = 0
    embedded: int = 0
    embed_seconds: float = 0.0  # wall time of the embedding stage, for benchmarks
    generation: str | None = None
    errors: list[DocumentError] = field(default_factory=list)
    skipped: dict[str, list[SkippedSpan]] = field(default_factory=dict)
    unknown_markings: dict[str, list[str]] = field(default_factory=dict)  # read as the most restricted level
    model_changed: bool = False  # the embedding model differs from the one that built the live index

    def as_dict(self) -> dict:
        return {
            "documents": self.documents, "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
            "removed": self.removed, "total": self.total, "embedded": self.embedded,
            "model_changed": self.model_changed, "generation": self.generation,
            "unknown_markings": self.unknown_markings,
            "errors": [str(error) for error in self.errors],
            "skipped": {doc_id: [span.model_dump() for span in spans] for doc_id, spans in self.skipped.items()},
        }  # fmt: skip

    def summary(self) -> str:
        counts = (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, {self.removed} removed; "
            f"{self.total} paragraphs from {len(self.documents)} document{'' if len(self.documents) == 1 else 's'} "
            "in the index"
        )
        if self.embedded == 0:
            return f"nothing to embed: {counts}"
        changed = " (the embedding model changed: every paragraph re-embedded)" if self.model_changed else ""
        return f"embedded {self.embedded} paragraphs{changed}: {counts}"


def parse_documents(paths: Iterable[Path], settings: Settings) -> tuple[list[ParsedDocument], list[DocumentError]]:
    files, errors = expand_paths(paths)
    manifest = load_manifest(settings.manifest)
    tokenizer = get_tokenizer()
    documents: list[ParsedDocument] = []
    seen: dict[str, Path] = {}
    for path in files:
        try:
            document = parse_document(
                path, manifest, lambda text: len(tokenizer(text)), int(settings.max_document_mb * 1_000_000)
            )
        except DocumentError as error:
            errors.append(error)
            continue
        except OSError as error:
            errors.append(DocumentError(path, f"cannot be read ({error.strerror or error})"))
            continue
        if (first := seen.get(document.meta.doc_id)) is not None:
            errors.append(DocumentError(path, f"doc_id '{document.meta.doc_id}' is already used by {first}"))
            continue
        seen[document.meta.doc_id] = path
        documents.append(document)
    return documents, errors


def _stored_nodes(client: ClientAPI, generation: str | None) -> dict[str, TextNode]:
    """The live generation's nodes with their vectors, so unchanged paragraphs are not re-embedded."""
    if generation is None:
        return {}
    stored = client.get_collection(generation).get(include=["embeddings", "metadatas", "documents"])
    nodes = {}
    for node_id, metadata, text, vector in zip(
        stored["ids"], stored["metadatas"], stored["documents"], stored["embeddings"], strict=True
    ):
        node = metadata_dict_to_node(dict(metadata), text=text)
        node.embedding = [float(x) for x in vector]
        nodes[node_id] = node
    return nodes


def _is_replaced(node: TextNode, parsed_ids: set[str], scanned: list[Path]) -> bool:
    """A stored document is replaced when re-read now, or when its file is gone from a scanned folder."""
    if node.metadata["doc_id"] in parsed_ids:
        return True
    source = Path(node.metadata["source_path"])
    return not source.exists() and any(source.is_relative_to(p.resolve()) for p in scanned if p.is_dir())


def ingest(
    paths: list[Path],
    settings: Settings,
    load_encoder: Callable[[], Encoder],
) -> IngestReport:
    """Index `paths` (files or folders). Raises IngestFailedError when no document could be read."""
    documents, errors = parse_documents(paths, settings)
    if not documents:
        raise IngestFailedError(errors or [DocumentError(Path(*paths[:1]), "no documents found")])
    client = open_chroma(settings)
    with reaching(settings):
        live = active_generation(client, settings)
        built_with = dict(client.get_collection(live).metadata or {}) if live else {}
        stored = _stored_nodes(client, live)
    fingerprint = model_fingerprint(settings)
    same_model = built_with.get("embed_fingerprint") == fingerprint
    parsed_ids = {d.meta.doc_id for d in documents}
    report = IngestReport(errors=errors, skipped={d.meta.doc_id: d.skipped for d in documents})
    report.unknown_markings = {d.meta.doc_id: unknown for d in documents if (unknown := marking_level(d.meta)[1])}

    kept = {key: node for key, node in stored.items() if not _is_replaced(node, parsed_ids, paths)}
    fresh = {node.node_id: node for d in documents for node in map(record_to_node, d.records)}
    to_embed: list[TextNode] = []
    for key, node in fresh.items():
        old = stored.get(key)
        if same_model and old is not None and old.metadata.get("content_hash") == node.metadata["content_hash"]:
            node.embedding = old.embedding
            report.unchanged += 1
        else:
            to_embed.append(node)
            report.updated += old is not None
            report.added += old is None
    report.removed = sum(1 for key in stored if key not in kept and key not in fresh)
    final = {**kept, **fresh}
    report.total = len(final)
    report.documents = sorted({node.metadata["doc_id"] for node in final.values()})
    report.generation = live
    unchanged = final.keys() == stored.keys() and all(final[k].metadata == stored[k].metadata for k in final)
    current_layout = (
        built_with.get("parser_version") == PARSER_VERSION and built_with.get("store_version") == STORE_VERSION
    )
    if same_model and unchanged and current_layout:
        ensure_onnx(settings)  # questions embed through the ONNX export (rag/embedding.py)
        return report  # nothing changed: keep the live generation
    if not same_model and stored:
        report.model_changed = True

    encoder: Encoder | None = None
    if to_embed:
        texts = [searchable_text(node) for node in to_embed]
        encoder = load_encoder()
        started = time.perf_counter()
        for node, vector in zip(to_embed, encoder.encode(texts), strict=True):
            node.embedding = vector.tolist()
        report.embed_seconds = time.perf_counter() - started
        report.embedded = len(to_embed)
    ensure_onnx(settings, encoder)
    built = {
        "embed_model": settings.embed_model, "embed_fingerprint": fingerprint,
        "embed_dimension": len(next(iter(final.values())).embedding or []), "parser_version": PARSER_VERSION,
        "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }  # fmt: skip
    with reaching(settings):
        report.generation = publish_generation(client, settings, list(final.values()), live, built)
    return report
