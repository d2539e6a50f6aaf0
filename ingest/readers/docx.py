"""Read a Word document into the text convention the paragraph parser reads.

python-docx gives the body's paragraphs, tables and styles; it does not compute list numbers, which
Word draws from the numbering definitions and never stores in the text. The numbering is recovered
here: each paragraph's list (its own or its style's `numPr`) and level advance a counter per list,
deeper levels restart, and the level's format (`%1.`, decimal, letters, roman, bullet) writes the
label. A decimal top-level label "12." opens numbered paragraph 12, as in a `.txt`. "Heading N"
styles become `#` headings, a wholly bold paragraph `**bold**`, table rows tab-separated cells.
Headers and footers live outside the body and are never read.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from rag.errors import ReadError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: Path) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ReadError(f"is not a readable Word document (corrupt or truncated: {error})") from error
    numbering = _Numbering(document)
    blocks: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag == f"{W}p":
            text = _paragraph_text(docx.text.paragraph.Paragraph(element, document), numbering)
        elif element.tag == f"{W}tbl":
            table = docx.table.Table(element, document)
            text = "\n".join(
                "\t".join(c.text.strip() for c in _unique(row.cells) if c.text.strip()) for row in table.rows
            )
        else:
            continue
        if text.strip():
            blocks.append(text)
    if not blocks:
        raise ReadError("has no text in its body")
    return "\n\n".join(blocks) + "\n"


def _unique(cells):
    """Merged cells repeat in python-docx's row.cells; keep each once."""
    seen = []
    for cell in cells:
        if all(cell._tc is not other._tc for other in seen):
            seen.append(cell)
    return seen


def _paragraph_text(paragraph, numbering: _Numbering) -> str:
    text = paragraph.text.strip()
    if not text:
        return ""
    style = paragraph.style.name if paragraph.style is not None else ""
    if match := re.fullmatch(r"Heading (\d)", style):
        return "#" * int(match.group(1)) + " " + text
    label = numbering.label(paragraph)
    if label is not None:
        return f"- {text}" if label == "" else f"{label} {text}"
    runs = [run for run in paragraph.runs if run.text.strip()]
    if style == "Title" or (runs and all(run.bold for run in runs)):
        return f"**{text}**"
    return text


class _Numbering:
    """Word's list counters, advanced in document order."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # numId → ilvl → (start, format, text)
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):  # a document without lists
            return
        abstract = {a.get(f"{W}abstractNumId"): a for a in root.iter(f"{W}abstractNum")}
        for num in root.iter(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            definition = abstract.get(ref.get(f"{W}val")) if ref is not None else None
            if definition is None:
                continue
            levels = {}
            for level in definition.iter(f"{W}lvl"):
                ilvl = int(level.get(f"{W}ilvl", "0"))
                start = _val(level, "start", "1")
                levels[ilvl] = (int(start), _val(level, "numFmt", "decimal"), _val(level, "lvlText", f"%{ilvl + 1}."))
            for override in num.iter(f"{W}lvlOverride"):
                ilvl = int(override.get(f"{W}ilvl", "0"))
                start = override.find(f"{W}startOverride")
                if start is not None and ilvl in levels:
                    levels[ilvl] = (int(start.get(f"{W}val")), *levels[ilvl][1:])
            self.levels[num.get(f"{W}numId")] = levels

    def label(self, paragraph) -> str | None:
        """The label Word would draw ("12.", "(a)"), "" for a bullet, None when not in a list."""
        num_id, ilvl = _list_of(paragraph)
        if num_id is None or num_id not in self.levels or num_id == "0":
            return None
        levels = self.levels[num_id]
        start, fmt, pattern = levels.get(ilvl, (1, "decimal", f"%{ilvl + 1}."))
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return ""

        def value(match: re.Match[str]) -> str:
            level = int(match.group(1)) - 1
            count = counters.get(level, levels.get(level, (1,))[0])
            return _format(count, levels.get(level, (1, "decimal", ""))[1])

        return re.sub(r"%(\d)", value, pattern)


def _val(element, name: str, default: str) -> str:
    child = element.find(f"{W}{name}")
    return child.get(f"{W}val", default) if child is not None else default


def _list_of(paragraph) -> tuple[str | None, int]:
    """The paragraph's list and level: its own `numPr`, else its style's (or a base style's)."""
    holders = [paragraph._p.pPr]
    style = paragraph.style
    while style is not None:
        holders.append(style.element.pPr)
        style = style.base_style
    for properties in holders:
        num_pr = properties.find(f"{W}numPr") if properties is not None else None
        if num_pr is not None:
            num_id = num_pr.find(f"{W}numId")
            ilvl = num_pr.find(f"{W}ilvl")
            return (
                num_id.get(f"{W}val") if num_id is not None else None,
                int(ilvl.get(f"{W}val")) if ilvl is not None else 0,
            )
    return None, 0


def _format(count: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = ""
        while count > 0:
            count, remainder = divmod(count - 1, 26)
            letters = chr(97 + remainder) + letters
        return letters if fmt == "lowerLetter" else letters.upper()
    if fmt in ("lowerRoman", "upperRoman"):
        numerals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                    (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]  # fmt: skip
        roman = ""
        for amount, numeral in numerals:
            while count >= amount:
                roman, count = roman + numeral, count - amount
        return roman if fmt == "lowerRoman" else roman.upper()
    return str(count)
