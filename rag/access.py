"""Who may read what: clearance levels from the documents' distribution markings, the users file, the audit log.

A paragraph's level is its document's marking, stored with the paragraph at ingest, so that retrieval
itself can be restricted (a Chroma `where` and a BM25 weight mask) and restricted text never reaches
a prompt, a candidate list or a viewer of someone not cleared for it.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
import tomllib
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from functools import cache
from pathlib import Path

from rag.errors import UsageError
from rag.records import DocumentMeta


class Clearance(IntEnum):
    """The markings these documents carry, in order; a user reads every level up to their own."""

    PUBLIC = 0
    LIMITE = 1

    @classmethod
    def named(cls, name: str) -> Clearance:
        try:
            return cls[name.upper()]
        except KeyError:
            raise UsageError(f"clearance '{name}' is not one of {', '.join(c.name.lower() for c in cls)}") from None


# Markings as printed on covers. The EEAS marks as "Limited" what the Council marks LIMITE.
MARKING_LEVELS = {"public": Clearance.PUBLIC, "limite": Clearance.LIMITE, "limited": Clearance.LIMITE}
MOST_RESTRICTED = max(Clearance)


def marking_level(meta: DocumentMeta) -> tuple[Clearance, list[str]]:
    """The document's level and the markings on it that are not known levels: no marking is public; an
    unknown marking counts as the most restricted level, so a mistake can only hide text, never show it."""
    markings = [m for m in (meta.distribution_marking, meta.eeas_distribution_marking) if m]
    unknown = [m for m in markings if m.strip().strip("*").lower() not in MARKING_LEVELS]
    levels = [MARKING_LEVELS.get(m.strip().strip("*").lower(), MOST_RESTRICTED) for m in markings]
    return max(levels, default=Clearance.PUBLIC), unknown


@dataclass(frozen=True)
class User:
    name: str
    clearance: Clearance
    can_upload: bool
    password_hash: str


MIN_PASSWORD_LENGTH = 8


class UserStore:
    """The users file (TOML): one table per user with an Argon2 password hash (argon2-cffi, the
    algorithm OWASP recommends) and a clearance. Written whole to a temporary file, then renamed."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def users(self) -> dict[str, User]:
        if not self.path.exists():
            return {}
        try:
            tables = tomllib.loads(self.path.read_text(encoding="utf-8")).get("users", {})
            return {
                name: User(name, Clearance.named(str(t["clearance"])), bool(t.get("can_upload", False)),
                           str(t["password_hash"]))
                for name, t in tables.items()
            }  # fmt: skip
        except (tomllib.TOMLDecodeError, KeyError, TypeError, UsageError) as error:
            raise UsageError(f"users file {self.path} (RAG_USERS_FILE) cannot be read: {error}") from error

    def get(self, name: str) -> User:
        if not self.path.exists():
            raise UsageError(f"users file {self.path} (RAG_USERS_FILE) does not exist; add a user with `rag users add`")
        user = self.users().get(name)
        if user is None:
            raise UsageError(f"no user '{name}' in {self.path} (RAG_USERS_FILE); add one with `rag users add`")
        return user

    def add(self, name: str, password: str, clearance: Clearance, can_upload: bool) -> User:
        from argon2 import PasswordHasher

        if not name or not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
            raise UsageError(f"user name '{name}' must be letters, digits, '.', '-' or '_'")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise UsageError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
        user = User(name, clearance, can_upload, PasswordHasher().hash(password))
        self._write({**self.users(), name: user})
        return user

    def remove(self, name: str) -> None:
        users = self.users()
        if name not in users:
            raise UsageError(f"no user '{name}' in {self.path} (RAG_USERS_FILE)")
        del users[name]
        self._write(users)

    def authenticate(self, name: str, password: str) -> User | None:
        from argon2 import PasswordHasher
        from argon2.exceptions import InvalidHashError, VerificationError

        user = self.users().get(name)
        try:  # an unknown name costs one hash too, so timing does not tell which names exist
            PasswordHasher().verify(user.password_hash if user else _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return None
        return user

    def _write(self, users: dict[str, User]) -> None:
        import tomli_w

        tables = {
            u.name: {
                "clearance": u.clearance.name.lower(),
                "can_upload": u.can_upload,
                "password_hash": u.password_hash,
            }
            for u in users.values()
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        staging = self.path.with_name(self.path.name + ".tmp")
        staging.write_text(tomli_w.dumps({"users": tables}), encoding="utf-8")
        staging.chmod(0o600)  # password hashes: readable by the operator only
        os.replace(staging, self.path)


@cache
def _dummy_hash() -> str:
    """The hash of a random password, verified against when the user name is unknown."""
    from argon2 import PasswordHasher

    return PasswordHasher().hash(secrets.token_hex(16))


class LoginThrottle:
    """Failed logins per user name in a sliding window; past the limit, that name is refused until the
    window has passed, right password or not."""

    def __init__(self, limit: int = 5, window_s: float = 300.0) -> None:
        self.limit, self.window_s = limit, window_s
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def blocked(self, name: str) -> bool:
        with self._lock:
            failures = self._failures[name]
            while failures and time.monotonic() - failures[0] > self.window_s:
                failures.popleft()
            return len(failures) >= self.limit

    def failed(self, name: str) -> None:
        with self._lock:
            self._failures[name].append(time.monotonic())


class AuditLog:
    """JSON Lines, appended: who asked what, which paragraphs were shown, and the outcome. Never passwords."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(self, event: str, user: str | None, **fields: object) -> None:
        entry = {"time": datetime.now(UTC).isoformat(timespec="seconds"), "event": event, "user": user, **fields}
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as file:
                file.write(line)
