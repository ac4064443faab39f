"""Finish the WARC files of a killed crawl, so their records can be indexed and replayed.

A writer killed mid-crawl (SIGKILL, the OOM killer, a power cut) leaves
``NAME.warc.gz.open``. Every record it completed is a whole gzip member and items already
exported point at ``NAME.warc.gz``; only the record being written may be cut short, and
nothing points at that one. The next crawl into the directory finishes such files: it
cuts the incomplete last member, gives the file its final name and indexes it.

Only files whose writer is certainly gone are touched: written on this host (the name
says which) by a process that no longer exists (checked on POSIX systems only). A file
from another machine sharing the directory, or from a crawl still running, is left alone.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsarchive.warc.writer import OPEN_SUFFIX, WARC_SUFFIX, safe_name_part

logger = logging.getLogger(__name__)

# {prefix}-{timestamp}-{serial}-{hostname}-{pid}.warc.gz.open (see WarcWriter._next_name)
_OPEN_NAME = re.compile(
    r"-\d{17}-\d{5}-(?P<host>.+)-(?P<pid>\d+)" + re.escape(WARC_SUFFIX + OPEN_SUFFIX) + "$"
)
_BLOCK = 1 << 20


@dataclass(frozen=True)
class Recovered:
    """One unfinished file made whole: its final path and what was cut off its end."""

    path: Path
    cut_bytes: int


def writer_is_gone(path: Path, hostname: str | None = None) -> bool:
    """True when ``path`` was written on this host by a process that no longer runs."""
    match = _OPEN_NAME.search(path.name)
    if match is None:
        return False
    if match["host"] != (hostname or safe_name_part(socket.gethostname())):
        return False  # another machine's file: its writer may be alive there
    pid = int(match["pid"])
    if pid == os.getpid() or os.name != "posix":  # (on Windows, os.kill would end the process)
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


def complete_length(path: Path) -> int:
    """Bytes of ``path`` made of whole gzip members (where an interrupted write began)."""
    end = pos = 0
    member = zlib.decompressobj(16 + zlib.MAX_WBITS)
    with open(path, "rb") as fh:
        while block := fh.read(_BLOCK):
            data = block
            while data:
                try:
                    member.decompress(data, _BLOCK)
                    while member.unconsumed_tail and not member.eof:  # bounded memory
                        member.decompress(member.unconsumed_tail, _BLOCK)
                except zlib.error:
                    return end  # damage: keep only what came before it
                if not member.eof:
                    pos += len(data)
                    break
                used = len(data) - len(member.unused_data)
                pos += used
                end = pos
                data = member.unused_data
                member = zlib.decompressobj(16 + zlib.MAX_WBITS)
    return end


def finish_unfinished(
    directory: Path, on_finished: Callable[[Path], None] | None = None
) -> list[Recovered]:
    """Finish every ``.open`` file in ``directory`` whose writer is gone; see the module doc.

    ``on_finished`` is called with each file's final path (to index it).
    """
    if not directory.is_dir():
        return []
    recovered = []
    for open_path in sorted(directory.glob(f"*{WARC_SUFFIX}{OPEN_SUFFIX}")):
        if not writer_is_gone(open_path):
            continue
        try:
            done = _finish(open_path)
        except OSError:
            logger.exception("Could not finish %s; it stays as it is", open_path)
            continue
        if done is None:
            continue
        recovered.append(done)
        if on_finished is not None:
            on_finished(done.path)
    return recovered


def _finish(open_path: Path) -> Recovered | None:
    final = open_path.with_name(open_path.name[: -len(OPEN_SUFFIX)])
    if final.exists():
        logger.error("Not finishing %s: %s already exists", open_path, final)
        return None
    size = open_path.stat().st_size
    keep = complete_length(open_path)
    if keep == 0:
        logger.warning("Not finishing %s: it holds no complete record", open_path)
        return None
    with open(open_path, "r+b") as fh:
        if keep < size:
            fh.truncate(keep)  # the record being written when the writer died
        os.fsync(fh.fileno())
    os.rename(open_path, final)
    logger.warning(
        "Finished %s, left unfinished by a killed crawl (%d bytes of complete records%s)",
        final, keep, f"; cut {size - keep} bytes of the record being written" if keep < size else "",
    )
    return Recovered(final, size - keep)
