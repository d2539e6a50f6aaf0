"""Turn files into validated paragraph records, refusing bad input with a reason a user can act on."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ingest.front_matter import read_front_matter
from ingest.paragraphs import parse_paragraphs
from ingest.records import DocumentMeta, ParagraphRecord, SkippedSpan

SUPPORTED_SUFFIXES = (".txt", ".md")


class DocumentError(Exception):
    """A file that cannot be ingested; the message names the file and the reason."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass
class ParsedDocument:
    meta: DocumentMeta
    records: list[ParagraphRecord]
    skipped: list[SkippedSpan]


def load_manifest(path: Path | None) -> dict[str, dict[str, str]]:
    """Per-file metadata the text lacks, keyed by file name; a missing manifest is simply empty."""
    if path is None or not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise DocumentError(path, f"manifest is not valid TOML ({error})") from error


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], list[DocumentError]]:
    """Files to ingest from files and folders; folders contribute their supported files only."""
    files: list[Path] = []
    errors: list[DocumentError] = []
    for path in paths:
        if not path.exists():
            errors.append(DocumentError(path, "no such file or folder"))
        elif path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            if not found:
                errors.append(DocumentError(path, f"folder has no {' or '.join(SUPPORTED_SUFFIXES)} files"))
            files.extend(found)
        else:
            files.append(path)
    return files, errors


def read_text(path: Path) -> str:
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            path, f"unsupported file type '{path.suffix or '(none)'}'; use {', '.join(SUPPORTED_SUFFIXES)}"
        )
    data = path.read_bytes()
    if not data.strip():
        raise DocumentError(path, "file is empty")
    if b"\x00" in data:
        raise DocumentError(path, "binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentError(path, f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})") from error


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "document"


def parse_document(
    path: Path, manifest: dict[str, dict[str, str]], count_tokens: Callable[[str], int]
) -> ParsedDocument:
    source = read_text(path)
    parsed = parse_paragraphs(source)
    if not parsed.paragraphs:
        raise DocumentError(path, "no recognisable paragraphs (no numbered paragraphs or text blocks found)")
    fields, cover_text = read_front_matter(parsed.front_matter)
    extra = manifest.get(path.name, {})
    title = extra.get("title") or fields.get("subject") or path.stem.replace("-", " ").replace("_", " ")
    doc_id = extra.get("doc_id") or _slug(path.stem)
    meta = DocumentMeta(
        **{
            **fields,
            **extra,
            "doc_id": doc_id,
            "title": title,
            "short_title": extra.get("short_title") or title,
            "marker_prefix": extra.get("marker_prefix", doc_id),
            "source_path": str(path),
        }
    )
    records = []
    if cover_text:
        start, end = parsed.front_matter[0].start, parsed.front_matter[-1].end
        records.append(
            _record(meta, "cover", "cover note", "cover_note", ["Cover note"], cover_text, start, end, count_tokens)
        )
    seen: set[str] = set()
    unnumbered = 0
    for paragraph in parsed.paragraphs:
        if paragraph.number is not None:
            para_id, shown, kind = str(paragraph.number), f"¶{paragraph.number}", "numbered"
        else:
            unnumbered += 1
            para_id, kind = f"p{unnumbered}", "unnumbered"
            shown = para_id
        if para_id in seen:
            raise DocumentError(path, f"paragraph number {para_id} occurs twice; paragraph numbers must be unique")
        seen.add(para_id)
        records.append(
            _record(
                meta,
                para_id,
                shown,
                kind,
                paragraph.section,
                paragraph.text,
                paragraph.char_start,
                paragraph.char_end,
                count_tokens,
            )
        )
    return ParsedDocument(meta=meta, records=records, skipped=parsed.skipped)


def _record(
    meta: DocumentMeta,
    para_id: str,
    shown: str,
    kind: str,
    section: list[str],
    text: str,
    start: int,
    end: int,
    count_tokens: Callable[[str], int],
) -> ParagraphRecord:
    return ParagraphRecord(
        doc_id=meta.doc_id,
        title=meta.title,
        para_id=para_id,
        label=f"{meta.short_title} {shown}",
        marker=f"{meta.marker_prefix} {shown}".strip(),
        kind=kind,
        section=section,
        text=text,
        char_start=start,
        char_end=end,
        token_count=count_tokens(text),
        document=meta,
    )
