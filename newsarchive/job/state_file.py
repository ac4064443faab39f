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
import tempfile
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

FORMAT = 1


class StateDamaged(ValueError):
    """A state file exists but cannot be trusted (torn, edited, not ours)."""


def _checksum(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def write_state(path: str | os.PathLike[str], data: dict[str, Any], *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically (``durable``: fsync file and directory)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"format": FORMAT, "data": data, "sha256": _checksum(data)}
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(body, fh, ensure_ascii=False, sort_keys=True)
            fh.write("\n")
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        fsync_directory(path.parent)


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


def fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (POSIX; a no-op where directories can't be opened)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
