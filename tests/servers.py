"""Start a real local server for a test and stop it afterwards; loopback only."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(
    command: list[str], ready_url: str, log_path: Path, timeout: float = 90, env: dict[str, str] | None = None
) -> Iterator[None]:
    with log_path.open("w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    if httpx.get(ready_url, timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert process.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, f"server not ready after {timeout} s: {log_path.read_text()}"
                time.sleep(0.3)
            yield
        finally:
            process.terminate()
            process.wait(timeout=30)
