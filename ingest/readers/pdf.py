"""Read a PDF as Council and EEAS publish them into the text convention the paragraph parser reads.

pdfplumber (on pdfminer.six) gives each word with its position, font and size; what to keep and how
to join it is written here, because no library knows a Council document's layout:
- running headers and footers (document number, initials, directorate code, marking, "EN", page
  numbers) are the lines in the top and bottom margins that repeat, digits aside, on several pages;
- footnotes are the smaller-type lines at the foot of a page's text;
- a line that reaches the right edge of the text column continues on the next line, also across a
  page break; a hyphen at a line end is removed when the joined word is an English word;
- a line in a larger type is a heading (`#` per size rank), a bold line of body type is `**bold**`;
- a line opening with "12." at the left margin opens numbered paragraph 12; words separated by a
  wide gap are table cells (tab-separated), as the cover's From/To/Subject rows are.
The cover page's lines come out one per line, so the front-matter reader takes its metadata as from
the `.txt` cover note.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rag.errors import ReadError

MARGIN_BAND = 0.12  # share of the page height at the top and bottom where running lines live
RUNNING_SHARE = 0.5  # a margin line on at least this share of the pages (and two) is running
CELL_GAP = 1.2  # a gap wider than this many font sizes separates table cells
FULL_LINE = 0.9  # a line reaching this share of the column width continues on the next line
PARAGRAPH_GAP = 0.6  # a vertical gap above this many font sizes ends a block
HEADING_STEP = 0.8  # points above body size that make a heading
NUMBER = re.compile(r"^\d{1,3}\.$")
BULLET = re.compile(r"^[–\-•◇▪●○]$")


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    page: int


def read_pdf(path: Path) -> tuple[str, dict[str, str]]:
    """The text in the parser's convention, and the title the PDF's own metadata gives, if any."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with pdfplumber.open(path) as pdf:
            if pdf.doc.encryption is not None:
                raise ReadError("is an encrypted PDF; save an unencrypted copy and ingest that")
            pages = [_lines(page, number) for number, page in enumerate(pdf.pages)]
            title = str((pdf.metadata or {}).get("Title") or "").strip()
            widths = [float(page.width) for page in pdf.pages]
            heights = [float(page.height) for page in pdf.pages]
    except ReadError:
        raise
    except Exception as error:  # pdfminer raises many types (syntax, type, key, value errors) on bad files
        cause = error.args[0] if isinstance(error, PdfminerException) and error.args else error
        if isinstance(cause, PDFPasswordIncorrect):
            raise ReadError("is a password-protected PDF; save an unencrypted copy and ingest that") from error
        detail = str(cause) or type(cause).__name__
        raise ReadError(f"is not a readable PDF (corrupt or truncated: {detail})") from error
    if not any(pages):
        raise ReadError("has no text layer (a scanned image?); run OCR on it first, then ingest the result")
    kept = _without_running_lines(pages, heights)
    body_size = _body_size(kept)
    kept = [_without_footnotes(lines, body_size) for lines in kept]
    left = min((line.x0 for lines in kept for line in lines), default=0.0)
    # the text column's right edge: where most body lines end (justified text), not the widest table row
    ends = Counter(round(line.x1) for lines in kept for line in lines if abs(line.size - body_size) < 0.5)
    right = float(ends.most_common(1)[0][0]) if ends else max(widths)
    text = _assemble([line for lines in kept for line in lines], body_size, left, right)
    return text, ({"title": title} if title and title.lower() not in ("untitled", "anonymous") else {})


def _lines(page, number: int) -> list[Line]:
    words = page.extract_words(extra_attrs=["fontname", "size"], x_tolerance=1.5, y_tolerance=2)
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["bottom"]), w["x0"])):
        if rows and abs(rows[-1][0]["bottom"] - word["bottom"]) <= 2.5:
            rows[-1].append(word)
        else:
            rows.append([word])
    lines = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        size = max(float(w["size"]) for w in row)
        pieces = [row[0]["text"]]
        for before, word in itertools.pairwise(row):
            wide = word["x0"] - before["x1"] > CELL_GAP * size and not NUMBER.match(before["text"])
            pieces.append(("\t" if wide else " ") + word["text"])
        bold = all("bold" in w["fontname"].lower() for w in row if w["text"].strip())
        lines.append(
            Line("".join(pieces), row[0]["x0"], row[-1]["x1"], min(w["top"] for w in row),
                 max(w["bottom"] for w in row), size, bold, number)
        )  # fmt: skip
    return sorted(lines, key=lambda line: line.top)


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def _without_running_lines(pages: list[list[Line]], heights: list[float]) -> list[list[Line]]:
    """Drop margin lines that repeat (digits aside) on several pages: headers, footers, page numbers."""

    def in_margin(line: Line) -> bool:
        height = heights[line.page]
        return line.top < height * MARGIN_BAND or line.bottom > height * (1 - MARGIN_BAND)

    seen = Counter(key for lines in pages for key in {_key(line.text) for line in lines if in_margin(line)})
    needed = max(2, RUNNING_SHARE * len(pages))
    return [[line for line in lines if not (in_margin(line) and seen[_key(line.text)] >= needed)] for lines in pages]


def _body_size(pages: list[list[Line]]) -> float:
    sizes = Counter()
    for line in (line for lines in pages for line in lines):
        sizes[round(line.size, 1)] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _without_footnotes(lines: list[Line], body_size: float) -> list[Line]:
    """Footnotes: after the page's last body-size line, smaller type from a line opening with its marker."""
    last_body = max((i for i, line in enumerate(lines) if line.size >= body_size - 0.5), default=-1)
    first_note = next(
        (i for i, line in enumerate(lines) if i > last_body and re.match(r"^(\d{1,3}|[*†‡])\s", line.text)), None
    )
    return lines if first_note is None else lines[:first_note]


@cache
def _english() -> object:
    from spellchecker import SpellChecker

    return SpellChecker()


SOFT = "\u00ad"  # marks a line-end hyphen until the whole document's words are known


def _join_lines(head: str, tail: str) -> str:
    if head.endswith("-") and tail.startswith("-"):  # "EU-" / "-NATO": the hyphen repeated on the new line
        return head + tail[1:]
    if re.search(r"[A-Za-z]-$", head) and tail[:1].islower():
        return head[:-1] + SOFT + tail
    return f"{head} {tail}"


def _resolve_hyphens(text: str) -> str:
    """ "in-creasingly" → "increasingly", "de-fence" → "defence" (the document writes "defence"), while
    "cross-participation" keeps its hyphen: both halves are words and the joined form is none."""
    vocabulary = {w.lower() for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", text.replace(SOFT, " "))}

    def resolve(match: re.Match[str]) -> str:
        head, tail = match.group(1), match.group(2)
        joined = (head + tail).lower()
        if joined in vocabulary or _english().known([joined]):  # type: ignore[attr-defined]
            return head + tail
        if f"{head}-{tail}".lower() in vocabulary or (_english().known([head.lower()]) and _english().known([tail])):  # type: ignore[attr-defined]
            return f"{head}-{tail}"
        return head + tail

    return re.sub(rf"([A-Za-z]+){SOFT}([a-z]+)", resolve, text)


def _assemble(lines: list[Line], body_size: float, left: float, right: float) -> str:
    heading_sizes = sorted(
        {round(line.size, 1) for line in lines if line.size >= body_size + HEADING_STEP}, reverse=True
    )
    blocks: list[str] = []
    previous: Line | None = None
    for line in lines:
        text = line.text.strip()
        first = text.split(maxsplit=1)[0] if text else ""
        heading_level = heading_sizes.index(round(line.size, 1)) + 1 if round(line.size, 1) in heading_sizes else 0
        starts_block = bool(NUMBER.match(first) and line.x0 <= left + 2) or bool(BULLET.match(first))
        continues = (
            previous is not None
            and blocks
            and not starts_block
            and _continues(previous, line, body_size, left, right)
            and (heading_level > 0) == blocks[-1].startswith("#")
            and line.bold == previous.bold
        )
        if continues:
            blocks[-1] = _join_lines(blocks[-1], text)
            if blocks[-1].startswith("**") and line.bold:
                blocks[-1] = "**" + blocks[-1].replace("**", "") + "**"
        elif heading_level:
            blocks.append("#" * heading_level + " " + text)
        elif line.bold and "\t" not in text:
            blocks.append(f"**{text}**")
        elif BULLET.match(first):
            blocks.append("- " + text[len(first) :].strip())
        else:
            blocks.append(text)
        previous = line
    return _resolve_hyphens("\n\n".join(blocks)) + "\n"


def _continues(previous: Line, line: Line, body_size: float, left: float, right: float) -> bool:
    """A full previous line continues here: on the same page after a normal line gap, or across a page break."""
    full = previous.x1 >= left + FULL_LINE * (right - left)
    if "\t" in previous.text or "\t" in line.text:
        return False
    if line.page != previous.page:
        return full
    gap = line.top - previous.bottom
    same_block = gap <= PARAGRAPH_GAP * body_size
    return same_block and (full or previous.size >= body_size + HEADING_STEP)
