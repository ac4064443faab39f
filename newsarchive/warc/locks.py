"""Advisory ``flock`` locks: the kernel releases them the moment their holder dies.

Why a lock and not a pid: a writer killed with SIGKILL (or by the OOM killer) keeps its
pid, as a zombie, until its parent reaps it, and pids are reused; a probe with
``os.kill(pid, 0)`` cannot tell. The kernel drops a process's ``flock`` locks as it
exits, before it is a zombie, so "can I take its lock?" answers "is it gone?" exactly.

``flock`` locks belong to open file descriptions: two ``open()`` calls on one file, even
in one process, get two descriptions that exclude each other, and a forked child shares
its parent's (Python opens files close-on-exec, so an exec'd child does not keep them).
Without ``fcntl`` (Windows), or on a file system that refuses ``flock``, the functions
say so (``None``/``False``) and callers behave as they did before locks.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

_POLL = 0.02
_held_dirs: dict[tuple[int, int], int] = {}  # directory locks this process holds: depth


def lock_file(fd: int, *, wait: bool) -> bool | None:
    """Take an exclusive lock on the open file ``fd``.

    Returns True once held, False if another open file description holds it (only
    when ``wait`` is false), None where locks do not work (nothing is known then).
    """
    if fcntl is None:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    except OSError:  # ENOLCK, EOPNOTSUPP, EBADF...: this file system has no flock
        return None
    return True


def unlock_file(fd: int) -> None:
    """Release a lock taken with :func:`lock_file` (closing the file does it too)."""
    if fcntl is not None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)


@contextlib.contextmanager
def directory_lock(directory: str | os.PathLike[str], timeout: float = 30.0) -> Iterator[bool]:
    """Hold an exclusive lock on ``directory`` itself while the block runs.

    It serialises read-modify-write updates of ``index.cdxj`` and its manifest between
    processes (two crawls, or a crawl and ``newsarchive index``), so none loses the
    other's lines; no lock file is left behind. Re-entrant within a process. Yields
    whether the lock is held: False where locking does not work or after ``timeout``
    seconds of waiting (a stopped process holding it must not hang a crawl). The block
    runs either way: each file it writes is still replaced atomically, and an update
    lost without the lock is found by the manifest check and healed by the next crawl.
    """
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # Windows cannot open directories
        yield False
        return
    try:
        st = os.fstat(fd)
        key = (st.st_dev, st.st_ino)
        if _held_dirs.get(key):
            _held_dirs[key] += 1
            try:
                yield True
            finally:
                _held_dirs[key] -= 1
            return
        held = _acquire(fd, timeout, directory)
        if held:
            _held_dirs[key] = 1
        try:
            yield held
        finally:
            if held:
                del _held_dirs[key]
                unlock_file(fd)
    finally:
        os.close(fd)


def _acquire(fd: int, timeout: float, directory: str | os.PathLike[str]) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        state = lock_file(fd, wait=False)
        if state is not False:
            return bool(state)
        if time.monotonic() >= deadline:
            logger.warning("%s stayed locked by another process for %.0f s; updating its index anyway",
                           Path(directory), timeout)
            return False
        time.sleep(_POLL)
