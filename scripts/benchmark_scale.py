"""Benchmark (not a test): ingest and query a corpus of N partner documents in the style of the Albania one.

    .venv/bin/python scripts/benchmark_scale.py [--sizes 10 100 1000] [--questions 40]

Each synthetic document is the Albania partnership with another partner's name (made-up country names),
its own Council number and date, paragraphs shuffled within their sections, sentences reordered in about
half of them, and its own numbering 1..33. For each N the script ingests the corpus into a fresh index and
reports ingest time, index size on disk, search and extractive answer latency (p50/p95, warm process),
and the right-partner rate: the share of questions naming a partner ("What does Veloria commit to on
cyber?") whose answer (full, or partial where the documents lack the detail) cites only that partner's
document.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import tempfile
import time
from pathlib import Path

from eval.metrics import percentile
from ingest.indexer import ingest
from rag.chain import AnswerChain
from rag.embedding import SentenceTransformerEncoder, load_query_encoder
from rag.index_store import ParagraphIndex
from rag.settings import PROJECT_ROOT, Settings

SOURCE = PROJECT_ROOT / "data" / "docs" / "eu-albania-security-defence-partnership-2024.txt"
SYLLABLES = ["ve", "lo", "ri", "mar", "da", "vi", "ka", "sto", "nia", "bel", "tur", "go", "sa", "lan", "dor", "mi"]
QUESTIONS = [
    "What does {partner} commit to on cyber?",
    "When was {partner}'s Hybrid Risk Survey completed?",
    "Will {partner} take part in PESCO projects?",
    "How will the partnership with {partner} be reviewed?",
    "What will the EU do to help {partner} counter FIMI?",
]


def partner_names(count: int, seed: int = 7) -> list[str]:
    """Made-up country names (e.g. "Velomaria"): no real partner is misrepresented, and each is one word."""
    rng = random.Random(seed)
    names: set[str] = set()
    while len(names) < count:
        names.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4))).capitalize() + "ia")
    return sorted(names)


def partner_document(text: str, partner: str, number: int, rng: random.Random) -> str:
    text = text.replace("15047/24", f"{15100 + number}/24").replace("EEAS(2024) 1367", f"EEAS(2024) {2000 + number}")
    text = re.sub(r"\bAlbanian\b", f"{partner}n", text)
    text = re.sub(r"\bAlbania\b", partner, text)
    lines = text.split("\n")
    numbered = [i for i, line in enumerate(lines) if re.match(r"\d{1,2}\. ", line)]
    single = {i for i in numbered if i + 1 >= len(lines) or i + 1 in numbered or not lines[i + 1].strip()}
    sections: list[list[int]] = []  # runs of one-line paragraphs with nothing between them
    for i in numbered:
        if i in single and sections and sections[-1][-1] == i - 1 and i - 1 in single:
            sections[-1].append(i)
        else:
            sections.append([i])
    bodies = {i: lines[i].split(". ", 1)[1] for i in numbered}
    for group in sections:
        texts = [bodies[i] for i in group]
        rng.shuffle(texts)
        for i, body in zip(group, texts, strict=True):
            parts = re.split(r"(?<=\.) (?=[A-Z])", body)
            if len(parts) > 1 and rng.random() < 0.5:
                rng.shuffle(parts)
            bodies[i] = " ".join(parts)
    for position, i in enumerate(numbered, start=1):
        lines[i] = f"{position}. {bodies[i]}"
    return "\n".join(lines)


def build_corpus(folder: Path, count: int) -> tuple[Path, dict[str, str]]:
    """The documents and a manifest; returns the manifest path and each partner's doc_id."""
    folder.mkdir(parents=True)
    text = SOURCE.read_text(encoding="utf-8")
    rng = random.Random(count)
    manifest, doc_ids = [], {}
    for number, partner in enumerate(partner_names(count)):
        name = f"eu-{partner.lower()}-sdp.txt"
        (folder / name).write_text(partner_document(text, partner, number, rng), encoding="utf-8")
        doc_ids[partner] = f"eu-{partner.lower()}-sdp"
        manifest.append(
            f'["{name}"]\ndoc_id = "{doc_ids[partner]}"\n'
            f'title = "European Union – Republic of {partner} Security and Defence Partnership"\n'
            f'short_title = "EU–{partner} SDP"\npartner = "{partner}"\n'
            'source_kind = "Council document (cover note with EEAS working document)"\n'
        )
    manifest_path = folder.parent / "manifest.toml"
    manifest_path.write_text("\n".join(manifest), encoding="utf-8")
    return manifest_path, doc_ids


def folder_megabytes(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def run(count: int, workdir: Path, encoder: SentenceTransformerEncoder, questions: int) -> str:
    manifest, doc_ids = build_corpus(workdir / "docs", count)
    settings = Settings(index_dir=workdir / "index", corpus_dir=workdir / "docs", manifest=manifest)
    started = time.perf_counter()
    report = ingest([settings.corpus_dir], settings, lambda: encoder)
    ingest_seconds = time.perf_counter() - started
    size = folder_megabytes(settings.index_dir)

    chain = AnswerChain(settings, ParagraphIndex.open(settings), load_query_encoder(settings), None)
    chain.ask("What does the EU commit to on cyber?")  # loads BM25, statistics, spaCy and the speller once
    rng = random.Random(1)
    partners = rng.sample(sorted(doc_ids), min(len(doc_ids), questions))
    search_ms, answer_ms, right = [], [], 0
    for n, partner in enumerate(partners):
        question = QUESTIONS[n % len(QUESTIONS)].format(partner=partner)
        started = time.perf_counter()
        chain.search(question, settings.top_k)
        search_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        answer = chain.ask(question, mode="extractive")
        answer_ms.append((time.perf_counter() - started) * 1000)
        cited = {c.doc_id for c in answer.citations}
        right += answer.status != "not_found" and cited == {doc_ids[partner]}
    return (
        f"| {count} | {report.total} | {ingest_seconds:.0f} | {size:.0f} | {percentile(search_ms, 0.5):.0f} | "
        f"{percentile(search_ms, 0.95):.0f} | {percentile(answer_ms, 0.5):.0f} | {percentile(answer_ms, 0.95):.0f} | "
        f"{right / len(partners):.2f} ({right}/{len(partners)}) |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--questions", type=int, default=40, help="questions per corpus, each naming a partner")
    args = parser.parse_args()
    encoder = SentenceTransformerEncoder(Settings())
    print("| documents | paragraphs | ingest s | index MB | search p50 ms | search p95 ms | answer p50 ms | "
          "answer p95 ms | right partner |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for count in args.sizes:
        workdir = Path(tempfile.mkdtemp(prefix=f"scale-{count}-"))
        try:
            print(run(count, workdir, encoder, args.questions), flush=True)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
