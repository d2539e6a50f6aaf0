"""Turn files into validated paragraph records, refusing bad input with a reason a user can act on."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ingest.front_matter import read_front_matter
from ingest.paragraphs import parse_paragraphs
from ingest.readers.docx import read_docx
from ingest.readers.html import read_html
from ingest.readers.pdf import read_pdf
from ingest.readers.sniff import sniff
from rag.errors import DocumentError, DraftError, ReadError
from rag.records import DocumentMeta, ParagraphRecord, SkippedSpan

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")


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


def manifest_entry(manifest: dict[str, dict[str, str]], path: Path) -> dict[str, str]:
    """The entry for this file, or for the same document in another format (same name, other extension)."""
    if path.name in manifest:
        return manifest[path.name]
    return next((entry for name, entry in manifest.items() if Path(name).stem == path.stem), {})


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
                errors.append(DocumentError(path, f"folder has no supported files ({', '.join(SUPPORTED_SUFFIXES)})"))
            files.extend(found)
        else:
            files.append(path)
    return files, errors


EXPECTED_KIND = {".txt": "text", ".md": "text", ".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html"}
KIND_NAMES = {"text": "plain text", "pdf": "a PDF", "docx": "a Word document", "html": "a web page",
              "binary": "binary data"}  # fmt: skip


@dataclass
class Source:
    """A document as text in the parser's convention, with metadata its format carries (a page's title)."""

    text: str
    fields: dict[str, str]
    front_matter: bool = True  # a web page's article has no cover note before its first heading


def read_source(path: Path, max_bytes: int | None = None) -> Source:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(path, f"unsupported file type '{suffix or '(none)'}'; use {', '.join(SUPPORTED_SUFFIXES)}")
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise DocumentError(
            path, f"file is {size / 1e6:.3g} MB, over the {max_bytes / 1e6:g} MB limit (setting RAG_MAX_DOCUMENT_MB)"
        )
    data = path.read_bytes()
    if not data.strip():
        raise DocumentError(path, "file is empty")
    kind, expected = sniff(path, data), EXPECTED_KIND[suffix]
    if kind != expected:
        raise DocumentError(path, f"is named {suffix} but its content is {KIND_NAMES[kind]}; rename it or re-export it")
    try:
        if kind == "pdf":
            return Source(*read_pdf(path))
        if kind == "docx":
            return Source(read_docx(path), {})
        if kind == "html":
            return Source(*read_html(data), front_matter=False)
    except ReadError as error:
        raise DocumentError(path, str(error)) from error
    try:
        return Source(data.decode("utf-8-sig"), {})
    except UnicodeDecodeError as error:
        raise DocumentError(path, f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})") from error


def read_draft(path: Path, max_bytes: int, shown: str | None = None) -> str:
    """A draft to check, from a file in any format ingest reads; a bad file is a DraftError naming it
    (as `shown`, e.g. an upload's own name rather than its temporary path)."""
    name = shown or str(path)
    try:
        return read_source(path, max_bytes).text
    except FileNotFoundError as error:
        raise DraftError(f"{name}: no such file") from error
    except DocumentError as error:
        raise DraftError(f"{name}: {error.reason}") from error


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "document"


def parse_document(
    path: Path, manifest: dict[str, dict[str, str]], count_tokens: Callable[[str], int], max_bytes: int | None = None
) -> ParsedDocument:
    source = read_source(path, max_bytes)
    parsed = parse_paragraphs(source.text, source.front_matter)
    if not parsed.paragraphs:
        raise DocumentError(path, "no recognisable paragraphs (no numbered paragraphs or text blocks found)")
    fields, cover_text = read_front_matter(parsed.front_matter)
    fields = {**source.fields, **fields}
    extra = manifest_entry(manifest, path)
    title = (
        extra.get("title")
        or fields.get("subject")
        or fields.get("title")
        or path.stem.replace("-", " ").replace("_", " ")
    )
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
