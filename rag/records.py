"""Plain data objects that flow from the parser to the index and the CLI."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, Field

ParagraphKind = Literal["numbered", "unnumbered", "cover_note"]


class DocumentMeta(BaseModel):
    """What a reader needs to cite a document: its references, date and handling marking."""

    doc_id: str
    title: str
    short_title: str
    source_path: str
    marker_prefix: str = ""
    partner: str | None = None
    source_kind: str | None = None
    source_url: str | None = None
    council_reference: str | None = None
    eeas_reference: str | None = None
    previous_reference: str | None = None
    date: str | None = None
    distribution_marking: str | None = None
    eeas_distribution_marking: str | None = None
    public_access_note: str | None = None
    subject: str | None = None
    sender: str | None = None
    recipients: str | None = None
    file_codes: list[str] = Field(default_factory=list)


class ParagraphRecord(BaseModel):
    """Exactly one paragraph of a document, as it would be cited (e.g. ¶18)."""

    doc_id: str
    title: str
    para_id: str
    label: str
    marker: str
    kind: ParagraphKind
    section: list[str]
    text: str
    char_start: int
    char_end: int
    token_count: int
    document: DocumentMeta

    @property
    def key(self) -> str:
        """Stable identity across re-ingests; content changes are tracked by `content_hash`."""
        return f"{self.doc_id}#{self.para_id}"

    @property
    def section_label(self) -> str:
        return " > ".join(self.section)


class SkippedSpan(BaseModel):
    """Source text deliberately left out of the records, kept so a reviewer can see why."""

    char_start: int
    char_end: int
    text: str
    reason: str


def searchable_text(record: ParagraphRecord) -> str:
    """What is embedded and what BM25 indexes: the paragraph with its document title and section, in
    llama-index's metadata layout (ingest's nodes produce the same text; a test holds them equal)."""
    metadata = f"title: {record.title}\nsection: {record.section_label}".strip()
    return f"{metadata}\n\n{record.text}".strip()


def record_from_metadata(metadata: Mapping[str, object], text: str) -> ParagraphRecord:
    """A record from the flat metadata an index stores beside each paragraph's text."""
    return ParagraphRecord(
        doc_id=str(metadata["doc_id"]),
        title=str(metadata["title"]),
        para_id=str(metadata["para_id"]),
        label=str(metadata["label"]),
        marker=str(metadata["marker"]),
        kind=metadata["kind"],  # type: ignore[arg-type]  # validated by pydantic
        section=json.loads(str(metadata["section_json"])),
        text=text,
        char_start=int(metadata["char_start"]),  # type: ignore[arg-type]
        char_end=int(metadata["char_end"]),  # type: ignore[arg-type]
        token_count=int(metadata["token_count"]),  # type: ignore[arg-type]
        document=DocumentMeta.model_validate_json(str(metadata["document_json"])),
    )
