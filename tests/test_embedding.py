"""The fast query path: the ONNX export gives sentence-transformers' vectors, and questions never load torch."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from ingest.nodes import record_to_node, searchable_text
from rag.embedding import OnnxEncoder, load_query_encoder, onnx_file
from rag.records import searchable_text as record_searchable_text
from rag.settings import Settings

QUESTIONS = ["What does Albania commit to on cyber?", "cyber", "wmd", "When is the partnership reviewed?"]


@pytest.mark.slow
def test_onnx_query_vectors_equal_sentence_transformers(corpus_settings: Settings, embed_model) -> None:
    from rag.index_store import ParagraphIndex

    assert onnx_file(corpus_settings).exists()  # ingest exported it
    onnx = load_query_encoder(corpus_settings)
    assert isinstance(onnx, OnnxEncoder)
    texts = QUESTIONS + [record_searchable_text(r) for r in ParagraphIndex.open(corpus_settings).records()]
    ours, reference = onnx.encode(texts), embed_model.encode(texts)
    assert ours.shape == reference.shape == (len(texts), 384)
    np.testing.assert_allclose(ours, reference, atol=1e-5)


@pytest.mark.slow
def test_words_in_context_are_the_same_in_both_runtimes_and_read_their_sentence(
    corpus_settings: Settings, embed_model
) -> None:
    onnx = load_query_encoder(corpus_settings)
    question = "How will they stop antiquities smuggling and counter-FIMI work?"
    words, ours = onnx.word_vectors(question)
    reference_words, reference = embed_model.word_vectors(question)
    assert words == reference_words and words[:6] == ["How", "will", "they", "stop", "antiquities", "smuggling"]
    np.testing.assert_allclose(ours, reference, atol=1e-4)
    paragraph_words, paragraph = onnx.word_vectors("Trafficking in cultural property threatens their security.")
    smuggling = ours[words.index("smuggling")]
    assert paragraph_words[int(np.argmax(paragraph @ smuggling))] == "Trafficking"


def test_bm25_and_vectors_see_the_text_the_nodes_embed(corpus_settings: Settings) -> None:
    from rag.index_store import ParagraphIndex

    for record in ParagraphIndex.open(corpus_settings).records():
        assert record_searchable_text(record) == searchable_text(record_to_node(record))


PROBE = """
import json, sys
from click.testing import CliRunner
from rag.cli import main
result = CliRunner().invoke(main, ["--index-dir", sys.argv[1], *sys.argv[2:]])
heavy = sorted(m for m in ("torch", "sentence_transformers", "llama_index.core", "transformers") if m in sys.modules)
print(json.dumps({"exit": result.exit_code, "heavy": heavy}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("command", [["search", "cyber", "--json"], ["ask", "What does Albania commit to on cyber?"]])
def test_questions_do_not_import_torch_or_llama_index(corpus_settings: Settings, command: list[str]) -> None:
    """What made a cold `rag ask` take 11 s: the import of torch (5.5 s) and llama-index (1.2 s)."""
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, str(corpus_settings.index_dir), *command],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert json.loads(probe.stdout.splitlines()[-1]) == {"exit": 0, "heavy": []}
