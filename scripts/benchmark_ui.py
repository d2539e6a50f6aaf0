"""Benchmark (not a test): throughput and latency of the UI's /ask API under 8 concurrent clients.

Starts `rag ui` on a free loopback port with the current index, fires rounds of 8 simultaneous
questions through gradio_client, and prints answers/s and p50/p95 latency per mode.

    .venv/bin/python scripts/benchmark_ui.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from gradio_client import Client

from eval.metrics import percentile

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' server helper lives in tests/
from tests.servers import free_port, running_server

QUESTIONS = [
    "What does Albania commit to on cyber?",
    "Which countries have a record of full alignment with the CFSP?",
    "When was the Hybrid Risk Survey completed?",
    "Will Albania participate in PESCO projects?",
    "What is the partnership's budget in euros?",
    "What will the EU and Albania exchange on Women, Peace and Security?",
    "When did the EU launch its first CSDP mission?",
    "Which college is central to cooperation on training and education?",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "rag", "ui", "--port", str(port)]
        with running_server(command, url, Path(tmp) / "ui.log", timeout=180):
            client = Client(url, verbose=False)
            print("| mode | concurrent | answers | answers/s | p50 s | p95 s |")
            print("|---|---|---|---|---|---|")
            for mode in ("extractive", "generative"):
                latencies: list[float] = []

                def one(question: str, mode: str = mode) -> float:
                    started = time.perf_counter()
                    client.predict(question, mode, "", [], api_name="/ask")
                    return time.perf_counter() - started

                started = time.perf_counter()
                for _ in range(args.rounds):
                    with ThreadPoolExecutor(len(QUESTIONS)) as pool:
                        latencies += list(pool.map(one, QUESTIONS))
                elapsed = time.perf_counter() - started
                print(
                    f"| {mode} | {len(QUESTIONS)} | {len(latencies)} | {len(latencies) / elapsed:.2f} | "
                    f"{percentile(latencies, 0.5):.2f} | {percentile(latencies, 0.95):.2f} |"
                )


if __name__ == "__main__":
    main()
