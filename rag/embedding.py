"""Sentence vectors from the installed embedding model, never from the network.

Two runtimes compute the same vectors. Ingest uses sentence-transformers (torch), which sorts a whole
batch by length before padding. Questions use the same model exported once to ONNX and run by
onnxruntime with the model's own `tokenizers` file: importing torch alone costs about 5 s on these
machines, longer than a whole cold `rag ask` may take. The export is keyed by the model's fingerprint,
so another model never reuses it; where it is missing, queries fall back to sentence-transformers.
"""

from __future__ import annotations

import hashlib
import os
import uuid
import warnings
from abc import ABC, abstractmethod
from functools import cache
from pathlib import Path

import numpy as np

from rag.settings import Settings, embedding_model_dir

ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


WordVectors = tuple[list[str], np.ndarray]  # each word as written, and its row


class Encoder(ABC):
    """Texts to L2-normalised float32 rows, one per text."""

    @abstractmethod
    def encode(self, texts: list[str]) -> np.ndarray: ...

    @abstractmethod
    def word_vectors(self, text: str) -> WordVectors:
        """Each word of the text with its vector in context: its word pieces' last hidden states averaged and
        L2-normalised. "smuggling" in a question lands near "trafficking" in a paragraph, which single-word
        vectors miss."""


def words_in_context(
    text: str, offsets: list[tuple[int, int]], word_ids: list[int | None], hidden: np.ndarray
) -> WordVectors:
    """Group a tokenised text's word pieces into words (both runtimes share the model's fast tokenizer)."""
    pieces: dict[int, list[int]] = {}
    for index, word in enumerate(word_ids):
        if word is not None:
            pieces.setdefault(word, []).append(index)
    written = [text[offsets[p[0]][0] : offsets[p[-1]][1]] for p in pieces.values()]
    if not written:
        return [], np.zeros((0, hidden.shape[-1]), dtype=np.float32)
    rows = np.stack([hidden[p].mean(axis=0) for p in pieces.values()])
    return written, (rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)).astype(np.float32)


class SentenceTransformerEncoder(Encoder):
    def __init__(self, settings: Settings) -> None:
        _offline()
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # the "Loading weights" bar is noise on every command
        self.batch_size = settings.embed_batch_size
        self.model = SentenceTransformer(str(embedding_model_dir(settings.embed_model)), device="cpu")

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.model.get_sentence_embedding_dimension() or 0), dtype=np.float32)
        return self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
        ).astype(np.float32)

    def word_vectors(self, text: str) -> WordVectors:
        hidden = self.model.encode([text], output_value="token_embeddings", convert_to_numpy=True)[0]
        encoding = self.model.tokenizer(text, return_offsets_mapping=True, truncation=True,
                                        max_length=self.model.max_seq_length)  # fmt: skip
        return words_in_context(text, encoding["offset_mapping"], encoding.word_ids(), np.asarray(hidden))

    def export_onnx(self, path: Path) -> None:
        """The transformer layer as an ONNX graph with dynamic batch and length; pooling stays in numpy."""
        import torch

        transformer = self.model[0].auto_model.eval()

        class LastHiddenState(torch.nn.Module):  # keyword call: BertModel's positional order changed in transformers 5
            def __init__(self, model: torch.nn.Module) -> None:
                super().__init__()
                self.model = model

            def forward(self, input_ids, attention_mask, token_type_ids):
                return self.model(
                    input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
                ).last_hidden_state

        example = torch.ones(1, 8, dtype=torch.long)
        axes = {name: {0: "batch", 1: "tokens"} for name in (*ONNX_INPUTS, "last_hidden_state")}
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = path.with_name(f"{path.name}.{uuid.uuid4().hex[:8]}.tmp")  # concurrent ingests never clash
        try:
            with torch.no_grad(), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # tracer notes about shapes, expected for a dynamic-axes export
                torch.onnx.export(
                    LastHiddenState(transformer), (example, example, torch.zeros_like(example)), str(staging),
                    input_names=list(ONNX_INPUTS), output_names=["last_hidden_state"], dynamic_axes=axes,
                    opset_version=17, dynamo=False,
                )  # fmt: skip
            os.replace(staging, path)
        finally:
            staging.unlink(missing_ok=True)


class OnnxEncoder(Encoder):
    """The exported transformer plus the pooling and normalisation the sentence-transformers folder names."""

    def __init__(self, settings: Settings, onnx_file: Path) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        folder = embedding_model_dir(settings.embed_model)
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(_max_seq_length(folder))
        self.tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self.batch_size = settings.embed_batch_size

    def encode(self, texts: list[str]) -> np.ndarray:
        """Batches of similar length (as sentence-transformers does), so short texts do not wait for padding."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        rows = np.concatenate(
            [self._batch([texts[i] for i in order[start : start + self.batch_size]])
             for start in range(0, len(order), self.batch_size)]
        )  # fmt: skip
        vectors = np.empty_like(rows)
        vectors[order] = rows
        return vectors

    def word_vectors(self, text: str) -> WordVectors:
        encoding = self.tokenizer.encode(text)
        return words_in_context(text, encoding.offsets, encoding.word_ids, self._hidden([encoding])[0])

    def _hidden(self, encodings: list) -> np.ndarray:
        inputs = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        return self.session.run(None, inputs)[0]

    def _batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        inputs = {"attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64)}
        hidden = self._hidden(encodings)
        mask = inputs["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)  # mean pooling
        return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def _max_seq_length(folder: Path) -> int:
    import json

    config = folder / "sentence_bert_config.json"
    return int(json.loads(config.read_text()).get("max_seq_length", 512)) if config.exists() else 512


def vocabulary_words(settings: Settings) -> frozenset[str]:
    """The whole words of the model's WordPiece vocabulary (about 20,000 for MiniLM): a general list of
    English words as used on the web, which pyspellchecker's list lacks some of ("cyber", "defence")."""
    vocab = embedding_model_dir(settings.embed_model) / "vocab.txt"
    if not vocab.exists():
        return frozenset()
    lines = vocab.read_text(encoding="utf-8").splitlines()
    return frozenset(w for w in lines if len(w) >= 3 and w.isalpha() and w.islower())


def _offline() -> None:
    # Set here, not at import, so importing the package never touches the model or the network.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def model_fingerprint(settings: Settings) -> str:
    """Which embedding model made a vector: a hash of the model folder's file names and sizes and of its
    small configuration files, so another model (or another version of it) is told apart in milliseconds."""
    return _folder_fingerprint(embedding_model_dir(settings.embed_model))


@cache  # asked for by the index check, the ONNX lookup and ingest within one process; the folder is read once
def _folder_fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(folder)}:{path.stat().st_size}".encode())
        if path.stat().st_size < 1_000_000:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def onnx_file(settings: Settings) -> Path:
    return settings.model_cache_dir / f"{model_fingerprint(settings)}.onnx"


def ensure_onnx(settings: Settings, encoder: Encoder | None = None) -> Path:
    """Export the model for fast queries once per model (at ingest, where torch is loaded anyway), reusing
    `encoder` when it is the sentence-transformers one."""
    path = onnx_file(settings)
    if not path.exists():
        if not isinstance(encoder, SentenceTransformerEncoder):
            encoder = SentenceTransformerEncoder(settings)
        encoder.export_onnx(path)
    return path


def load_query_encoder(settings: Settings) -> Encoder:
    """ONNX when this model has been exported, else sentence-transformers (slow to start, same vectors)."""
    path = onnx_file(settings)
    if path.exists():
        return OnnxEncoder(settings, path)
    return SentenceTransformerEncoder(settings)
