"""Benchmark (not a test): ingest throughput and search latency, on the corpus and on a 100x corpus.

The 100x corpus is generated from the real documents: each copy gets its own file name (so its own
doc_id) and has its numbered paragraphs in a rotated order, so copies are not byte-identical.

    .venv/bin/python scripts/benchmark_index.py [--scale 100] [--queries 40]
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from eval.metrics import percentile
from ingest.indexer import ingest
from rag.embedding import load_embedding
from rag.index_store import ParagraphIndex
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
    search(index, embed, "warm-up", 5)  # loads BM25 and the collection once, as a server would
    latencies = []
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            search(index, embed, query, 5)
            latencies.append((time.perf_counter() - started) * 1000)
    print(
        f"| {name} | {report.total} | {ingest_seconds:.1f} | {report.total / ingest_seconds:.1f} | "
        f"{reingest_seconds:.1f} | {percentile(latencies, 0.5):.1f} | {percentile(latencies, 0.95):.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=100, help="copies of the corpus for the large run")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the query set per corpus")
    args = parser.parse_args()
    settings = Settings()
    embed = load_embedding(settings)
    print("| corpus | paragraphs | ingest s | paragraphs/s | unchanged re-ingest s | search p50 ms | search p95 ms |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        run("corpus", settings.corpus_dir, workdir / "small", embed, args.rounds)
        make_scaled_corpus(settings.corpus_dir, workdir / "large-docs", args.scale)
        run(f"corpus x{args.scale}", workdir / "large-docs", workdir / "large", embed, args.rounds)


if __name__ == "__main__":
    main()
