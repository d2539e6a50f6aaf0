"""Render the corpus `.txt` documents as the formats staff receive: a Council-style PDF, an auto-numbered
DOCX and a saved EEAS web page. Tests and `scripts/benchmark_index.py` build these in the run, so the
repository holds no binary fixtures.

The renderings carry what real files carry and the `.txt` does not: running headers and footers on every
page, page numbers, paragraphs split across pages, hyphenated line ends, a footnote, Word's automatic
paragraph numbering (the numbers are not in the text), and a web page's navigation, cookie banner,
related links and footer around the article.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ingest.paragraphs import parse_paragraphs, strip_emphasis

RUNNING_HEADER = "EEAS(2024) 1367"
FOOTER_LEFT = "15047/24"
FOOTER_MIDDLE = "RELEX.5  LIMITE"
FOOTER_INITIALS = "AB/cd"
FOOTNOTE = "Council conclusions on the Western Balkans, doc. 16707/23."


def _body_blocks(txt: Path) -> tuple[list[str], list[tuple[str, object]]]:
    """The cover lines and the body as (kind, value) blocks: heading (level, title), bold, numbered, text."""
    source = txt.read_text(encoding="utf-8")
    parsed = parse_paragraphs(source)
    cover = [line.text.rstrip() for line in parsed.front_matter]
    body_start = parsed.front_matter[-1].end if parsed.front_matter else 0
    blocks: list[tuple[str, object]] = []
    for raw in source[body_start:].split("\n"):
        line = raw.strip()
        if not line:
            continue
        if match := re.match(r"^(#{1,6})\s+(.*)$", line):
            blocks.append(("heading", (len(match.group(1)), strip_emphasis(match.group(2)))))
        elif re.fullmatch(r"\*\*[^*]+\*\*", line):
            blocks.append(("bold", strip_emphasis(line)))
        elif match := re.match(r"^(\d{1,3})\.\s+(.*)$", line):
            blocks.append(("numbered", (int(match.group(1)), match.group(2))))
        else:
            blocks.append(("text", line))
    return cover, blocks


def render_pdf(txt: Path, out: Path, *, page_height_mm: float = 297) -> Path:
    """A Council-style PDF: cover page, then the body with running header and footer on every page."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

    cover, blocks = _body_blocks(txt)
    width = A4[0]
    body = ParagraphStyle(
        "body", fontName="Times-Roman", fontSize=11, leading=14, alignment=TA_JUSTIFY, spaceAfter=8,
        hyphenationLang="en_GB", embeddedHyphenation=1, uriWasteReduce=0.3,
    )  # fmt: skip
    numbered = ParagraphStyle("numbered", parent=body, leftIndent=10 * mm, bulletIndent=0)
    bold = ParagraphStyle("bold", parent=body, fontName="Times-Bold", alignment=0)
    headings = {
        2: ParagraphStyle("h2", parent=bold, fontSize=15, leading=19, spaceBefore=10),
        3: ParagraphStyle("h3", parent=bold, fontSize=13, leading=17, spaceBefore=8),
        4: ParagraphStyle("h4", parent=bold, fontSize=12, leading=15, fontName="Times-BoldItalic", spaceBefore=6),
    }
    footnote_page = {"done": False}

    def furniture(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont("Times-Roman", 9)
        canvas.drawString(20 * mm, A4[1] - 12 * mm, RUNNING_HEADER)
        canvas.drawRightString(width - 20 * mm, A4[1] - 12 * mm, "EN")
        canvas.drawString(20 * mm, 14 * mm, FOOTER_LEFT)
        canvas.drawString(60 * mm, 14 * mm, FOOTER_INITIALS)
        canvas.drawRightString(width - 20 * mm, 14 * mm, str(document.page))
        canvas.drawString(60 * mm, 10 * mm, FOOTER_MIDDLE)
        canvas.drawRightString(width - 20 * mm, 10 * mm, "EN")
        if document.page == 3 and not footnote_page["done"]:
            canvas.setFont("Times-Roman", 8)
            canvas.line(20 * mm, 26 * mm, 70 * mm, 26 * mm)
            canvas.drawString(20 * mm, 22 * mm, f"1 {FOOTNOTE}")
            footnote_page["done"] = True
        canvas.restoreState()

    story: list = []
    for line in cover:
        if not line.strip():
            story.append(Spacer(1, 4))
            continue
        cells = [html.escape(strip_emphasis(c)) for c in line.split("\t") if strip_emphasis(c)]
        if len(cells) > 1:
            story.append(Table([cells], colWidths=[70 * mm] + [60 * mm] * (len(cells) - 1), hAlign="LEFT"))
        else:
            style = bold if line.strip().startswith(("**", "<b>")) else body
            story.append(Paragraph(html.escape(strip_emphasis(line)), style))
    story.append(PageBreak())
    for kind, value in blocks:
        if kind == "heading":
            level, title = value  # type: ignore[misc]
            story.append(Paragraph(html.escape(title), headings.get(level, headings[4])))
        elif kind == "bold":
            story.append(Paragraph(html.escape(str(value)), bold))
        elif kind == "numbered":
            number, text = value  # type: ignore[misc]
            story.append(Paragraph(html.escape(text), numbered, bulletText=f"{number}."))
        else:
            text = str(value)
            bullet = re.match(r"^[-*]\s+(?:◇\s*)?", text)
            if bullet:
                story.append(Paragraph(html.escape(text[bullet.end() :]), numbered, bulletText="–"))
            else:
                story.append(Paragraph(html.escape(text), numbered))
    margins = {"leftMargin": 20 * mm, "rightMargin": 20 * mm, "topMargin": 22 * mm, "bottomMargin": 32 * mm}
    document = SimpleDocTemplate(str(out), pagesize=(A4[0], page_height_mm * mm), **margins)
    document.build(story, onFirstPage=furniture, onLaterPages=furniture)
    return out


def render_docx(txt: Path, out: Path) -> Path:
    """A Word document whose paragraph numbers come from Word's automatic numbering ("List Number"),
    with Heading styles, the cover's tables, and a header and footer on every page."""
    import docx

    cover, blocks = _body_blocks(txt)
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = f"{RUNNING_HEADER}\tEN"
    section.footer.paragraphs[0].text = f"{FOOTER_LEFT}\t{FOOTER_INITIALS}\t{FOOTER_MIDDLE}\tEN"
    rows: list[list[str]] = []

    def flush_table() -> None:
        if rows:
            table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for row, cells in zip(table.rows, rows, strict=True):
                for cell, text in zip(row.cells, cells, strict=False):
                    cell.text = text
            rows.clear()

    for line in cover:
        cells = [strip_emphasis(c) for c in line.split("\t") if strip_emphasis(c)]
        if len(cells) > 1:
            rows.append(cells)
            continue
        flush_table()
        if cells:
            run = document.add_paragraph().add_run(cells[0])
            run.bold = line.strip().startswith(("**", "<b>"))
    flush_table()
    for kind, value in blocks:
        if kind == "heading":
            level, title = value  # type: ignore[misc]
            document.add_heading(title, level=min(level, 9))
        elif kind == "bold":
            document.add_paragraph().add_run(str(value)).bold = True
        elif kind == "numbered":
            document.add_paragraph(value[1], style="List Number")  # type: ignore[index]
        else:
            text = str(value)
            bullet = re.match(r"^[-*]\s+(?:◇\s*)?", text)
            if bullet:
                document.add_paragraph(text[bullet.end() :], style="List Bullet")
            else:
                document.add_paragraph(text)
    document.save(str(out))
    return out


def render_html(txt: Path, out: Path) -> Path:
    """The EEAS page as a browser saves it: navigation, cookie banner, the article, related links, footer."""
    source = txt.read_text(encoding="utf-8")
    parsed = parse_paragraphs(source)
    article: list[str] = []
    headings_done: set[str] = set()
    for paragraph in parsed.paragraphs:
        for title in paragraph.section:
            if title not in headings_done:
                headings_done.add(title)
                article.append(f"<h2>{html.escape(title)}</h2>")
        article.append(f"<p>{html.escape(paragraph.text)}</p>")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Western Balkans: cooperation in CFSP/CSDP | EEAS</title>
<meta property="og:title" content="Western Balkans: cooperation in CFSP/CSDP">
<meta property="article:published_time" content="2021-07-28T10:00:00+02:00">
</head><body>
<div id="cookie-consent" class="cookie-banner"><p>This site uses cookies to offer you a better browsing
experience. Find out more on how we use cookies.</p><button>Accept all cookies</button><button>Refuse</button></div>
<header><nav class="main-menu"><ul><li><a href="/eeas/">Home</a></li><li><a href="/eeas/regions">Regions</a></li>
<li><a href="/eeas/press">Press material</a></li><li><a href="/eeas/search">Search</a></li></ul></nav></header>
<main><article>
<h1>Western Balkans: cooperation in CFSP/CSDP</h1>
<div class="date"><time datetime="2021-07-28">28.07.2021</time></div>
{chr(10).join(article)}
<figure><img src="uniform.jpg" alt="military uniform"><figcaption>military uniform</figcaption></figure>
</article></main>
<aside class="related"><h3>Related links</h3><ul><li><a href="/a">EU-Western Balkans summit declaration</a></li>
<li><a href="/b">Enlargement policy</a></li></ul></aside>
<footer><p>European External Action Service. Legal notice. Privacy policy. Contact.</p></footer>
</body></html>"""
    out.write_text(page, encoding="utf-8")
    return out
