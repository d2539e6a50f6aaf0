"""Benchmark (not a test): how long checking a 30-sentence draft takes, extractive signals only.

The draft is 30 sentences of the check dev split joined into one text; the first run warms the caches (a
UI or server process keeps them), the next runs are timed.

    .venv/bin/python scripts/benchmark_check.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("RAG_LLM_BACKEND", "none")

from eval.check_eval import load_check_gold
from rag.cli import _chain
from rag.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    chain = _chain(Settings())
    draft = "\n".join(item.text for item in load_check_gold("dev")[:30])
    started = time.perf_counter()
    claims = chain.check(draft, "eu-albania-sdp").claims
    cold = time.perf_counter() - started
    timings = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        chain.check(draft, "eu-albania-sdp")
        timings.append(time.perf_counter() - started)
    print("| sentences | claims checked | first run s | warm runs s (median) |")
    print("|---|---|---|---|")
    print(f"| 30 | {len(claims)} | {cold:.2f} | {sorted(timings)[len(timings) // 2]:.2f} |")


if __name__ == "__main__":
    main()
