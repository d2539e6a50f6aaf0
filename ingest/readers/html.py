"""Read a saved web page: only the article's paragraphs, with the page title and date as metadata.

trafilatura finds the main content and drops navigation, cookie banners, related links, figures and
footers; its Markdown output keeps headings, which the paragraph parser reads as sections. The article's
leading title heading is the document's title, not a section, so it moves to the metadata.
"""

from __future__ import annotations

import re

from rag.errors import ReadError


def read_html(data: bytes) -> tuple[str, dict[str, str]]:
    import trafilatura

    page = data.decode("utf-8", errors="replace")
    text = trafilatura.extract(
        page, output_format="markdown", include_formatting=True, include_images=False, include_tables=True,
        include_comments=False, include_links=False, favor_precision=True,
    )  # fmt: skip
    if not text or not text.strip():
        raise ReadError("is a web page without article text (only navigation or scripts were found)")
    metadata = trafilatura.extract_metadata(page)
    fields = {}
    if metadata is not None and metadata.title:
        fields["title"] = metadata.title.strip()
    if metadata is not None and metadata.date:
        fields["date"] = metadata.date
    lines = text.strip().splitlines()
    if lines and (heading := re.match(r"^#\s+(.*)$", lines[0])):
        fields.setdefault("title", heading.group(1).strip())
        lines = lines[1:]
    return "\n".join(lines).strip() + "\n", fields
