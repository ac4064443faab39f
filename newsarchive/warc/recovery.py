"""Finish the WARC files of a killed crawl, so their records can be indexed and replayed.

A writer killed mid-crawl (SIGKILL, the OOM killer, a power cut) leaves
``NAME.warc.gz.open``. Every record it completed is a whole gzip member and items already
exported point at ``NAME.warc.gz``; only the record being written may be cut short, and
nothing points at that one. The next crawl into the directory finishes such files: it
cuts the incomplete last member, gives the file its final name and indexes it.

Only files whose writer is certainly gone are touched. A writer holds an exclusive
``flock`` on its ``.open`` file for as long as it writes it, and the kernel releases it
when the writer exits, however it dies and whether or not it has been reaped yet (a
zombie's pid still answers ``os.kill(pid, 0)``, so a pid probe cannot tell). Recovery
finishes a file only while it holds that lock itself, so a live writer's file, in
this process or another, is never touched. A file written on another machine (the name
says which) is left alone too: its writer may be alive there, behind a lock this host
cannot see. Where locks do not work (Windows, or a file system without ``flock``), the
pid named in the file is probed instead, on POSIX only, as before locks.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from newsarchive.atomic import fsync_directory
from newsarchive.warc.locks import lock_file
from newsarchive.warc.writer import OPEN_SUFFIX, WARC_SUFFIX, being_written_here, safe_name_part

logger = logging.getLogger(__name__)

# {prefix}-{timestamp}-{serial}-{hostname}-{pid}.warc.gz.open (see WarcWriter._next_name)
_OPEN_NAME = re.compile(
    r"-\d{17}-\d{5}-(?P<host>.+)-(?P<pid>\d+)" + re.escape(WARC_SUFFIX + OPEN_SUFFIX) + "$"
)
_BLOCK = 1 << 20
GRACE = 0.5
"""Seconds recovery waits for locked files to come free: a writer killed a moment ago
may still be on its way out of the kernel, not yet a zombie, its lock still held."""
_POLL = 0.02


@dataclass(frozen=True)
class Recovered:
    """One unfinished file made whole: its final path and what was cut off its end."""

    path: Path
    cut_bytes: int


def written_here(path: Path, hostname: str | None = None) -> bool:
    """Whether the name of the ``.open`` file ``path`` says it was written on this host."""
    match = _OPEN_NAME.search(path.name)
    return match is not None and match["host"] == (hostname or safe_name_part(socket.gethostname()))


def writer_is_gone(path: Path, hostname: str | None = None) -> bool:
    """True when ``path`` was written on this host by a writer that no longer runs.

    The answer holds at the moment of asking: a gone writer never comes back to a file.
    """
    if not written_here(path, hostname) or being_written_here(path):
        return False
    try:
        with open(path, "rb") as fh:
            return _gone(path, fh) is True
    except OSError:
        return False


def _gone(path: Path, fh: BinaryIO) -> bool | None:
    """Take ``path``'s writer lock on ``fh`` if its writer is gone: True (now held by
    ``fh``), None if it is held (the writer may be alive), False if it is alive."""
    state = lock_file(fh.fileno(), wait=False)
    if state is None:  # no locks here: the pid in the name is all there is
        return _pid_gone(path)
    return True if state else None


def _pid_gone(path: Path) -> bool:
    """The fallback without locks: the pid the name gives no longer exists (POSIX only;
    on Windows, ``os.kill`` would end the process, so nothing counts as gone)."""
    match = _OPEN_NAME.search(path.name)
    if match is None or os.name != "posix":
        return False
    pid = int(match["pid"])
    if pid == os.getpid():
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
    directory: Path, on_finished: Callable[[Path], None] | None = None, *, grace: float = GRACE
) -> list[Recovered]:
    """Finish every ``.open`` file in ``directory`` whose writer is gone; see the module doc.

    ``on_finished`` is called with each file's final path (to index it). Files whose lock
    is held are tried again for up to ``grace`` seconds in all (see :data:`GRACE`); a
    live writer keeps its lock, and its file is then left alone.
    """
    if not directory.is_dir():
        return []
    recovered = []
    pending = [p for p in sorted(directory.glob(f"*{WARC_SUFFIX}{OPEN_SUFFIX}")) if written_here(p)]
    deadline = time.monotonic() + grace
    while pending:
        held = []
        for open_path in pending:
            try:
                done = _try_finish(open_path)
            except OSError as exc:
                logger.error("Could not finish %s; it stays as it is (%s)", open_path, exc)
                continue
            if done is _HELD:
                held.append(open_path)
            elif isinstance(done, Recovered):
                recovered.append(done)
                if on_finished is not None:
                    on_finished(done.path)
        if not held or time.monotonic() >= deadline:
            break
        time.sleep(_POLL)
        pending = held
    return recovered


_HELD = object()  # the file's lock is held: its writer may be alive


def _try_finish(open_path: Path) -> Recovered | object | None:
    if being_written_here(open_path):  # ours: not even opened (see being_written_here)
        return None
    try:
        fh = open(open_path, "r+b")  # noqa: SIM115 - closed below, after the rename
    except FileNotFoundError:
        return None  # finished meanwhile, by its writer or another recovery
    with fh:
        gone = _gone(open_path, fh)
        if gone is None:
            return _HELD
        if not gone or not _same_file(open_path, fh):
            return None
        return _finish(open_path, fh)


def _same_file(path: Path, fh: BinaryIO) -> bool:
    """Whether ``path`` still names the file open as ``fh`` (not renamed meanwhile)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return False
    here = os.fstat(fh.fileno())
    return (st.st_dev, st.st_ino) == (here.st_dev, here.st_ino)


def _finish(open_path: Path, fh: BinaryIO) -> Recovered | None:
    """Cut and rename ``open_path`` while ``fh`` holds its lock."""
    final = open_path.with_name(open_path.name[: -len(OPEN_SUFFIX)])
    if final.exists():
        logger.error("Not finishing %s: %s already exists", open_path, final)
        return None
    size = os.fstat(fh.fileno()).st_size
    keep = complete_length(open_path)
    if keep == 0:
        logger.warning("Not finishing %s: it holds no complete record", open_path)
        return None
    if keep < size:
        fh.truncate(keep)  # the record being written when the writer died
    os.fsync(fh.fileno())
    os.rename(open_path, final)
    fsync_directory(final.parent)
    logger.warning(
        "Finished %s, left unfinished by a killed crawl (%d bytes of complete records%s)",
        final, keep, f"; cut {size - keep} bytes of the record being written" if keep < size else "",
    )
    return Recovered(final, size - keep)
