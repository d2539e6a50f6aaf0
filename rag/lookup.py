"""Look a paragraph up by the number or position the user gives ("paragraph 12", "¶26", "para 3 of the EEAS page")."""

from __future__ import annotations

from rag.question import ParagraphReference
from rag.records import ParagraphRecord
from rag.text import all_stems, content_stems


def find_paragraph(
    reference: ParagraphReference, records: list[ParagraphRecord], doc_id: str | None = None
) -> ParagraphRecord | None:
    """The document is the one the rest of the question names (by title, short title or kind of source);
    otherwise the one whose printed numbers include the number, since "paragraph 12" means a printed number."""
    documents: dict[str, list[ParagraphRecord]] = {}
    for record in records:
        if (record.kind == "cover_note") == reference.cover and (doc_id is None or record.doc_id == doc_id):
            documents.setdefault(record.doc_id, []).append(record)
    wanted = content_stems(reference.context)

    def named(doc: str) -> tuple[int, int]:
        """Words of the question in the document's title first ("eeas para 2"), then in what else names it."""
        meta = documents[doc][0].document
        described = " ".join(filter(None, [meta.title, meta.short_title, meta.source_kind, meta.partner]))
        return len(wanted & all_stems(f"{meta.title} {meta.short_title}")), len(wanted & all_stems(described))

    def numbered(doc: str) -> bool:
        return any(r.kind == "numbered" for r in documents[doc])

    for doc in sorted(documents, key=lambda d: (tuple(-n for n in named(d)), not numbered(d))):
        paragraphs = sorted(documents[doc], key=lambda r: r.char_start)
        if reference.last or reference.cover:
            return paragraphs[-1]
        number = reference.number
        found = next((r for r in paragraphs if r.para_id in (str(number), f"p{number}")), None)
        if found is not None:
            return found
    return None
