"""Read the paragraph references a briefing draft writes: "(¶16)", "[¶2]", "¶¶10–11", "(para. 29)",
"(paras 28 and 29)", "(paragraph 8)", "(15047/24, ¶12)", "(EEAS(2024) 1367, para 23)".

Hand-written: no citation parser knows the Council's paragraph conventions. A reference is a bracketed
group holding a paragraph word or sign, or a bare "¶…" run; the numbers after the sign (ranges
expanded) are the paragraphs, and a Council number or EEAS reference inside names the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PARAGRAPH_WORD = r"(?:¶{1,2}|§|\bparagraphs?\b\.?|\bparas?\b\.?|\bpp?\b\.|\bp(?=\d))"  # "p4": an unnumbered page's
NUMBERS = r"\d{1,3}(?:\s*(?:[–—-]|,|and|&|to)\s*\d{1,3})*"
BRACKETED = re.compile(
    rf"[\(\[]([^\(\)\[\]]*(?:\([^\)]*\)[^\(\)\[\]]*)*{PARAGRAPH_WORD}\s*{NUMBERS}[^\)\]]*)[\)\]]", re.I
)
BARE = re.compile(rf"¶{{1,2}}\s*{NUMBERS}")
DOCUMENT = re.compile(r"\bEEAS\(\d{4}\)\s?\d+|\b\d{3,5}/\d{2}\b")
PARAGRAPH_NUMBERS = re.compile(rf"{PARAGRAPH_WORD}\s*({NUMBERS})", re.I)


@dataclass(frozen=True)
class Reference:
    written: str  # as in the draft, brackets included
    start: int
    end: int
    document: str | None  # "15047/24" or "EEAS(2024) 1367" when the reference names its document
    numbers: tuple[int, ...]
    context: str = ""  # the reference's other words ("WB", "EEAS page"), which may name its document


def find_references(text: str) -> list[Reference]:
    found: list[Reference] = []
    taken: list[tuple[int, int]] = []
    for match in [*BRACKETED.finditer(text), *BARE.finditer(text)]:
        if any(start <= match.start() < end for start, end in taken):
            continue
        inner = match.group(0)
        document = DOCUMENT.search(inner)
        without_document = DOCUMENT.sub(" ", inner)
        numbers: list[int] = []
        for group in PARAGRAPH_NUMBERS.finditer(without_document):
            numbers += _expand(group.group(1))
        if numbers:
            context = re.sub(r"[\(\)\[\],;]", " ", PARAGRAPH_NUMBERS.sub(" ", without_document)).strip()
            found.append(Reference(inner, match.start(), match.end(), document.group(0) if document else None,
                                   tuple(dict.fromkeys(numbers)), " ".join(context.split())))  # fmt: skip
            taken.append((match.start(), match.end()))
    return sorted(found, key=lambda r: r.start)


def _expand(written: str) -> list[int]:
    """ "10–11" → 10, 11; "28 and 29" → 28, 29; "10-13" → 10…13."""
    numbers: list[int] = []
    for part in re.split(r"\s*(?:,|and|&)\s*", written):
        bounds = [int(n) for n in re.findall(r"\d{1,3}", part)]
        if len(bounds) == 2 and re.search(r"[–—-]|to", part) and bounds[0] < bounds[1] <= bounds[0] + 20:
            numbers += range(bounds[0], bounds[1] + 1)
        else:
            numbers += bounds
    return numbers


def without_references(text: str, references: list[Reference]) -> str:
    for reference in sorted(references, key=lambda r: r.start, reverse=True):
        text = text[: reference.start] + text[reference.end :]
    return re.sub(r"\s+([.,;:])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()
