"""Small JSON state files that survive being killed at any moment.

A write goes to a temporary file in the same directory, is flushed to disk and renamed
over the old file, so a reader sees the old state or the new one, never a mix. The body
carries a SHA-256 of its content, so a file damaged some other way (a copy cut short, a
disk error, a hand edit gone wrong) is recognised and ignored instead of trusted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from newsarchive.atomic import AtomicFile

logger = logging.getLogger(__name__)

FORMAT = 1


class StateDamaged(ValueError):
    """A state file exists but cannot be trusted (torn, edited, not ours)."""


def _checksum(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def write_state(path: str | os.PathLike[str], data: dict[str, Any], *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically (``durable``: the rename is synced too)."""
    body = {"format": FORMAT, "data": data, "sha256": _checksum(data)}
    with AtomicFile(path) as out:
        out.write(json.dumps(body, ensure_ascii=False, sort_keys=True) + "\n")
        out.commit(sync_directory=durable)


def read_state(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The data last written to ``path``; ``None`` when there is no file.

    Raises :class:`StateDamaged` when the file is there but its checksum or shape is wrong.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise StateDamaged(f"{path}: unreadable ({exc})") from None
    try:
        body = json.loads(text)
    except ValueError:
        raise StateDamaged(f"{path}: not JSON (torn or damaged)") from None
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        raise StateDamaged(f"{path}: not a newsarchive state file")
    if body.get("sha256") != _checksum(body["data"]):
        raise StateDamaged(f"{path}: checksum mismatch (damaged or edited)")
    return body["data"]
