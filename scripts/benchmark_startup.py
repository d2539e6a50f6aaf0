"""Benchmark (not a test): wall time of `rag search` and `rag ask` as fresh processes, nothing kept warm.

    .venv/bin/rag ingest && .venv/bin/python scripts/benchmark_startup.py [--runs 5]

Each command runs --runs times as a new process on the index in RAG_INDEX_DIR (extractive answers), after
one untimed run that brings the files into the page cache; the table gives the median, min and max.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

RAG = str(Path(sys.executable).with_name("rag"))
COMMANDS = {
    "rag search": [RAG, "search", "What does Albania commit to on cyber?"],
    "rag ask (extractive)": [RAG, "ask", "What does Albania commit to on cyber?", "--mode", "extractive"],
    "rag ask, not in the documents": [RAG, "ask", "What is the partnership's budget in euros?", "--mode", "extractive"],
}


def seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print("| command | median s | min s | max s | runs |")
    print("|---|---|---|---|---|")
    for name, command in COMMANDS.items():
        seconds(command)  # page cache
        times = [seconds(command) for _ in range(args.runs)]
        print(f"| {name} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} | {args.runs} |")


if __name__ == "__main__":
    main()
