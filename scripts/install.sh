#!/usr/bin/env bash
# Create .venv and install the project with the tested versions. A second run is a no-op unless
# pyproject.toml or constraints.txt changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
stamp=".venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
[ -f "$stamp" ] && exit 0

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
pip=(.venv/bin/python -m pip --disable-pip-version-check)
"${pip[@]}" install -q --upgrade pip
# The CPU build of torch lies on this machine's disk; it must be in place before anything asks for
# torch, or pip fetches a multi-GB CUDA build.
"${pip[@]}" install -q -c constraints.txt torch==2.13.0
# llama-cpp-python compiles from source: a portable x86-64 build, since a native one may use CPU
# instructions that crash on other machines. pip caches the built wheel, so this runs once per machine.
export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
echo "installing dependencies (the first run compiles llama-cpp-python: several minutes)..."
"${pip[@]}" install -q -c constraints.txt --no-binary llama-cpp-python -e ".[dev]"
# Debian's Chromium drives the browser tests (Playwright cannot download its own browser here).
if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "installing Debian's chromium for the browser tests..."
    (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "warning: chromium not installed"
  else
    echo "warning: /usr/bin/chromium is missing; install Debian's chromium package for the browser test"
  fi
fi
rm -f .venv/.installed-*
touch "$stamp"
