"""Benchmark (not a test): reading speed per format, ingest throughput and search latency, on the
corpus and on a 100x corpus.

Formats: each corpus document is rendered as the tests render it (a Council-style PDF, an auto-numbered
DOCX, a saved web page) and read back; the table gives pages per second for PDF reading beside the
paragraphs found and their text similarity to the `.txt` parse.

The 100x corpus is generated from the real documents: each copy gets its own file name (so its own
doc_id) and has its numbered paragraphs in a rotated order, so copies are not byte-identical.

    .venv/bin/python scripts/benchmark_index.py [--scale 100] [--rounds 5] [--formats-only]
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.metrics import percentile
from ingest.documents import load_manifest, parse_document
from ingest.indexer import ingest
from rag.embedding import SentenceTransformerEncoder, load_query_encoder
from rag.index_store import ParagraphIndex
from rag.records import searchable_text
from rag.search import search
from rag.settings import Settings

QUERIES = [
    "cyber",
    "What does Albania commit to on cyber?",
    "hybrid threats",
    "support to Ukraine",
    "European Peace Facility",
    "women peace and security",
    "PESCO projects",
    "small arms and light weapons",
    "EUFOR Althea",
    "counterterrorism",
    "training with the European Security and Defence College",
    "cultural heritage trafficking",
    "economic security",
    "space cooperation",
    "foreign information manipulation",
    "which countries align with CFSP",
]


def make_scaled_corpus(source: Path, target: Path, scale: int) -> int:
    target.mkdir(parents=True)
    files = sorted(source.glob("*.txt"))
    for copy in range(scale):
        for path in files:
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            numbered = [i for i, line in enumerate(lines) if re.match(r"\d{1,3}\. ", line)]
            if numbered:  # rotate paragraph texts so copies differ but keep 1..N numbering
                texts = [lines[i].split(". ", 1)[1] for i in numbered]
                shift = copy % len(texts)
                texts = texts[shift:] + texts[:shift]
                for position, (index, text) in enumerate(zip(numbered, texts, strict=True), start=1):
                    lines[index] = f"{position}. {text}"
            (target / f"copy{copy:03d}-{path.name}").write_text("".join(lines), encoding="utf-8")
    return scale * len(files)


def run(name: str, corpus: Path, workdir: Path, embed, rounds: int) -> None:
    settings = Settings(index_dir=workdir / "index", corpus_dir=corpus, manifest=workdir / "none.toml")
    started = time.perf_counter()
    report = ingest([corpus], settings, lambda: embed)
    ingest_seconds = time.perf_counter() - started
    started = time.perf_counter()
    ingest([corpus], settings, lambda: embed)
    reingest_seconds = time.perf_counter() - started

    index = ParagraphIndex.open(settings)
    texts = [searchable_text(record) for record in index.records()]
    ours = report.embedded / report.embed_seconds
    started = time.perf_counter()
    embed.model.encode(texts, batch_size=settings.embed_batch_size, normalize_embeddings=True)
    direct = len(texts) / (time.perf_counter() - started)
    queries = load_query_encoder(settings)
    search(index, queries, "warm-up", 5)  # loads BM25 and the collection once, as a server would
    latencies = []
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            search(index, queries, query, 5)
            latencies.append((time.perf_counter() - started) * 1000)
    print(
        f"| {name} | {report.total} | {ingest_seconds:.1f} | {report.total / ingest_seconds:.1f} | "
        f"{reingest_seconds:.1f} | {ours:.1f} | {direct:.1f} | {percentile(latencies, 0.5):.1f} | "
        f"{percentile(latencies, 0.95):.1f} |"
    )


def formats(corpus: Path, workdir: Path, manifest: Path) -> None:
    import pdfplumber

    from tests.rendered import render_docx, render_html, render_pdf

    entries = load_manifest(manifest)
    print("| document | format | paragraphs (.txt) | paragraphs found | min text similarity | pages | pages/s |")
    print("|---|---|---|---|---|---|---|")
    for txt in sorted(corpus.glob("*.txt")):
        expected = {r.para_id: r.text for r in parse_document(txt, entries, len).records}
        renderings = [render_pdf(txt, workdir / f"{txt.stem}.pdf"), render_docx(txt, workdir / f"{txt.stem}.docx")]
        if not any(r.isdigit() for r in expected):  # a web page: unnumbered paragraphs
            renderings.append(render_html(txt, workdir / f"{txt.stem}.html"))
        for path in renderings:
            started = time.perf_counter()
            found = {r.para_id: r.text for r in parse_document(path, entries, len).records}
            seconds = time.perf_counter() - started
            similarity = min(
                difflib.SequenceMatcher(None, " ".join(text.split()), " ".join(found.get(key, "").split())).ratio()
                for key, text in expected.items()
            )
            pages = ""
            if path.suffix == ".pdf":
                with pdfplumber.open(path) as pdf:
                    pages = len(pdf.pages)
            rate = f"{pages / seconds:.1f}" if pages else "—"
            print(f"| {txt.stem} | {path.suffix} | {len(expected)} | {len(found)} | {similarity:.3f} | "
                  f"{pages or '—'} | {rate} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=100, help="copies of the corpus for the large run")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the query set per corpus")
    parser.add_argument("--formats-only", action="store_true", help="only the per-format reading table")
    args = parser.parse_args()
    settings = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        formats(settings.corpus_dir, Path(tmp), settings.manifest)
    if args.formats_only:
        return
    print()
    embed = SentenceTransformerEncoder(settings)
    embed.encode(["warm-up"] * 8)  # thread pools and first-call set-up, so both columns time steady encoding
    print(
        "| corpus | paragraphs | ingest s | paragraphs/s | unchanged re-ingest s | embedding paragraphs/s "
        "(ingest path) | SentenceTransformer.encode paragraphs/s | search p50 ms | search p95 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        run("corpus", settings.corpus_dir, workdir / "small", embed, args.rounds)
        make_scaled_corpus(settings.corpus_dir, workdir / "large-docs", args.scale)
        run(f"corpus x{args.scale}", workdir / "large-docs", workdir / "large", embed, args.rounds)


if __name__ == "__main__":
    main()
