# The two entry points a new user needs; see README.md.
.PHONY: run test install lint

install:
	@bash scripts/install.sh

# Install everything, ingest the corpus, then open the chat UI on http://127.0.0.1:7860
run: install
	.venv/bin/rag ingest
	.venv/bin/rag ui

# Install everything, lint, and run the whole test suite.
test: install
	.venv/bin/ruff check .
	.venv/bin/pytest

lint: install
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
