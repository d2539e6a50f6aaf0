"""Paragraph records as llama-index nodes, so Chroma, BM25 and retrievers all speak one format."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from llama_index.core.schema import MetadataMode, NodeRelationship, RelatedNodeInfo, TextNode

from rag.access import marking_level
from rag.index_store import ACCESS_LEVEL_KEY
from rag.records import ParagraphRecord

# Only these metadata keys reach the embedding and BM25 text ("title: …\nsection: …\n\n<text>").
SEARCHABLE_KEYS = ("title", "section")


def record_to_node(record: ParagraphRecord) -> TextNode:
    meta = record.document
    metadata: dict[str, str | int | float] = {
        "doc_id": record.doc_id,
        "title": record.title,
        "para_id": record.para_id,
        "label": record.label,
        "marker": record.marker,
        "kind": record.kind,
        "section": record.section_label,
        "section_json": json.dumps(record.section, ensure_ascii=False),
        "char_start": record.char_start,
        "char_end": record.char_end,
        "token_count": record.token_count,
        "source_path": str(Path(meta.source_path).resolve()),
        "document_json": meta.model_dump_json(),
        ACCESS_LEVEL_KEY: int(marking_level(meta)[0]),  # what retrieval filters on (rag/access.py)
        # Flat copies of document fields for metadata filters (Chroma metadata must be flat).
        **{
            key: value
            for key, value in meta.model_dump(
                include={"distribution_marking", "council_reference", "eeas_reference", "date", "partner"}
            ).items()
            if value is not None
        },
    }
    excluded = [key for key in metadata if key not in SEARCHABLE_KEYS]
    node = TextNode(
        id_=record.key,
        text=record.text,
        metadata=metadata,
        excluded_embed_metadata_keys=excluded,
        excluded_llm_metadata_keys=excluded,
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=record.doc_id)},
    )
    node.metadata["content_hash"] = content_hash(node)
    node.excluded_embed_metadata_keys.append("content_hash")
    node.excluded_llm_metadata_keys.append("content_hash")
    return node


def searchable_text(node: TextNode) -> str:
    return node.get_content(metadata_mode=MetadataMode.EMBED)


def content_hash(node: TextNode) -> str:
    """Hash of exactly what is embedded: equal hashes mean the stored vector can be reused."""
    return hashlib.sha256(searchable_text(node).encode("utf-8")).hexdigest()
