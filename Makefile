# The two entry points a new user needs; see README.md.
.PHONY: run test install lint

install:
	@bash scripts/install.sh

# Install everything, ingest the corpus, then answer a sample question from the command line.
run: install
	.venv/bin/rag ingest
	.venv/bin/rag search "What does Albania commit to on cyber?" -k 3

# Install everything, lint, and run the whole test suite.
test: install
	.venv/bin/ruff check .
	.venv/bin/pytest

lint: install
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
