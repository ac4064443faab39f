"""The fast path (:mod:`newsarchive.warc.fast_reader`) over several processes: ``--jobs N``.

Why: ``index``, ``verify`` and ``wacz`` are CPU-bound (inflate, SHA-1, SURT keys) on one
core; a machine has more. Files are shared out among processes and a big gzip WARC is
itself split, with results that are those of a single process, byte for byte.

A file of size S read in N chunks has the nominal bounds b_k = k*S/N. The first chunk
starts at 0; chunk k > 0 *guesses* its start: the first gzip magic at or after b_k that
inflates to a member that parses as a record (:func:`find_start`). Each chunk reads the
chain of members from its start, every member that starts before b_(k+1), and says
where its chain went on: the start of the first member it left to the next chunk, which
is certain when its own start was. :func:`_link` accepts chunk k+1 only when its guess is
that very offset, so a false start (a gzip file stored verbatim in a payload, say) is
caught. A chunk whose last record may pair with the next one (a request and its
response: only a POST or PUT pair changes index lines) reads that next record too and
says so (``consumed``); the next chunk's result for it, which it read as unpaired, is
then dropped. Anything else, a chunk that does not link, a worker that dies, leaves the
file to a single process, as ``--jobs 1`` reads it; a chunk that stops on the certain
chain at something unusual sends the file straight to the careful reader, as the single
fast path would have done at the same record.

Files are read in order of the list, each chunk a task (a big file gives a few per
process, so that a process slowed by other work takes fewer): the pool of N - 1 processes
works ahead while this process takes the tasks of the file wanted next, so at most a
few tasks' results wait at any time (an index chunk's lines wait on disk).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsarchive.warc.fast_reader import Unusual, _members, _record
from newsarchive.warc.reader import GZIP_MAGIC

logger = logging.getLogger(__name__)

SPLIT_AT = 32 << 20
"""Files smaller than this are read whole by one process (a split costs a little)."""

CHUNKS_PER_JOB = 4
"""A split file is cut in up to this many chunks per process, each a task: a process
slowed by other work (the WACZ copy, the index sort) takes fewer of them."""
MIN_CHUNK = 8 << 20
"""...but no more chunks than make this many bytes each."""

_SCAN = 1 << 20


@dataclass
class Chunk:
    """What a chunk read: its chain of members from ``start`` to ``end`` (the first member
    it left to the next chunk, or the file's end), with ``records`` records."""

    start: int
    end: int
    records: int
    consumed: tuple[int, int] | None = None  # (start, end) of a member past its bound it read as well
    first_alone: bool = False  # its first record was read on its own (paired with none after it)


@dataclass
class _Failed:
    start: int | None  # where its chain started (None: it found none)
    offset: int
    reason: str


Linked = list[tuple[Chunk, bool]]
"""A file's chunks in file order, each with whether its first record's result is to be
dropped (the chunk before it read that record, paired with its own last)."""

ChunkFn = Callable[[str, int, "int | None", Any], Chunk]
"""``fn(path, start, stop, arg)``: read the members from ``start`` that start before
``stop`` (None: to the end); :class:`Unusual` where the fast path stops."""


def find_start(path: str | os.PathLike[str], bound: int, *, parse_http: bool = True) -> int:
    """The first offset at or after ``bound`` where a gzip member starts that inflates to
    one record the fast reader reads (the file's size if there is none): a guess."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        at = bound
        while at < size:
            fh.seek(at)
            buf = fh.read(_SCAN + 2)
            found = buf.find(GZIP_MAGIC)
            if found < 0:
                if len(buf) < 3:
                    break
                at += len(buf) - 2
                continue
            candidate = at + found
            if _is_record(fh, candidate, parse_http):
                return candidate
            at = candidate + 1
        return size


def _is_record(fh: Any, offset: int, parse_http: bool) -> bool:
    fh.seek(offset)
    try:
        for start, end, data in _members(fh, offset):
            _record(data, start, end, parse_http)
            return True
    except Exception:  # noqa: BLE001 - Unusual, or bytes no parser expects: no start here
        return False
    return False


def _run_chunk(fn: ChunkFn, path: str, bound: int, stop: int | None, arg: Any,
               parse_http: bool) -> Chunk | _Failed:
    """One task: find the chunk's start (0 for the first) and read it."""
    start: int | None = None
    try:
        start = 0 if bound == 0 else find_start(path, bound, parse_http=parse_http)
        if bound and (start >= os.stat(path).st_size or (stop is not None and start >= stop)):
            return Chunk(start, start, 0)  # no member starts in its range
        return fn(path, start, stop, arg)
    except Unusual as exc:
        return _Failed(start, exc.offset, exc.reason)
    except Exception as exc:  # noqa: BLE001 - said as the single fast path says it
        return _Failed(start, 0, f"{type(exc).__name__}: {exc}")


class _Sentinel:
    pass


_MISSING = _Sentinel()  # a chunk not read yet
_UNDECIDED = _Sentinel()  # what the chunks read so far do not decide


def _link(results: Sequence[Chunk | _Failed | _Sentinel | None], size: int) -> Linked | Unusual | _Sentinel | None:
    """The chunks of one file as one chain (:data:`Linked`); or :class:`Unusual` where the
    single fast path would stop too (the careful reader is to read the file); or None:
    no certain answer (a false start, a dead worker), the file is to be read as with
    ``--jobs 1``; or ``_UNDECIDED`` until the chunks read so far (``_MISSING``: not yet)
    decide (a damaged first chunk does: the rest need not be waited for)."""
    expected, consumed = 0, None
    linked: Linked = []
    for result in results:
        if isinstance(result, _Sentinel):  # (_MISSING)
            return _UNDECIDED
        if result is None:
            return None
        if isinstance(result, _Failed):
            if result.start == expected:  # on the certain chain: the single read stops there too
                return Unusual(result.offset, result.reason)
            return None
        if not result.records:
            continue
        if result.start == expected:
            drop = False
        elif consumed is not None and result.start == consumed[0] and result.first_alone:
            drop = True
        else:
            return None
        linked.append((result, drop))
        expected, consumed = result.end, result.consumed
    if expected != size:
        return None
    if not linked:
        return Unusual(0, "no records")
    return linked


def _bounds(size: int, parts: int) -> list[int]:
    """Where the chunks of a file of ``size`` bytes nominally start (tests put them elsewhere)."""
    return [k * size // parts for k in range(parts)]


@dataclass(eq=False)  # (each task is itself: found in the queue by identity)
class _Task:
    file: int
    bound: int
    stop: int | None


def _worker_start() -> None:
    """Ctrl-C is for the parent, which ends the workers (no traceback from each of them)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _context() -> Any:
    """Fork on Linux: a worker starts in milliseconds, with the modules already imported
    (elsewhere the platform's default: fork is not safe on macOS)."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


class Scan:
    """The fast path over ``paths`` in ``jobs`` processes, this one included: iterated,
    for each path in order what :func:`_link` says of its chunks (None for a path that
    is None, or cannot be read: the caller reads it its own way). ``fn`` reads a chunk,
    with ``args[i]`` for ``paths[i]``. :meth:`start` sets the other processes to work
    early (iterating does too); :meth:`close` ends them."""

    def __init__(self, paths: Sequence[Path | None], fn: ChunkFn, args: Sequence[Any], jobs: int, *,
                 split_at: int = SPLIT_AT, parse_http: bool = True) -> None:
        self.paths, self.fn, self.args, self.jobs, self.parse_http = paths, fn, args, jobs, parse_http
        self.tasks: list[list[_Task]] = []
        self.sizes: list[int] = []
        for number, path in enumerate(paths):
            size = -1
            if path is not None:
                with contextlib.suppress(OSError):
                    size = path.stat().st_size
            self.sizes.append(size)
            if size < 0:
                self.tasks.append([])
                continue
            parts = max(jobs, min(jobs * CHUNKS_PER_JOB, size // MIN_CHUNK)) if size >= split_at and jobs > 1 else 1
            bounds = _bounds(size, parts)
            parts = len(bounds)
            self.tasks.append([_Task(number, bound, bounds[k + 1] if k + 1 < parts else None)
                               for k, bound in enumerate(bounds)])
        self.pending: deque[_Task] = deque(task for file_tasks in self.tasks for task in file_tasks)
        self.results: dict[int, Chunk | _Failed | None] = {}
        self.running: dict[Future[Chunk | _Failed], _Task] = {}
        self.pool: ProcessPoolExecutor | None = None
        self.broken = jobs <= 1
        self.dropped: set[int] = set()  # tasks of files already decided

    def start(self) -> None:
        """Give the other processes their first tasks (started here: before any thread is)."""
        self._collect({future for future in self.running if future.done()})
        if self.broken or not self.pending:
            return
        if self.pool is None:
            try:
                self.pool = ProcessPoolExecutor(max_workers=self.jobs - 1, mp_context=_context(),
                                                initializer=_worker_start)
            except Exception as exc:  # noqa: BLE001 - no processes to be had: this one reads
                logger.info("no worker processes (%s): reading in one", exc)
                self.broken = True
                return
        while self.pending and len(self.running) < 2 * (self.jobs - 1):  # (one queued behind each)
            task = self.pending.popleft()
            try:
                future = self.pool.submit(_run_chunk, self.fn, str(self.paths[task.file]), task.bound, task.stop,
                                          self.args[task.file], self.parse_http)
            except Exception as exc:  # noqa: BLE001 - a broken pool: this process reads
                logger.info("worker processes unavailable (%s): reading in one", exc)
                self.broken = True
                self.pending.appendleft(task)
                return
            self.running[future] = task

    def _run_here(self, task: _Task) -> None:
        self.results[id(task)] = _run_chunk(self.fn, str(self.paths[task.file]), task.bound, task.stop,
                                            self.args[task.file], self.parse_http)

    def _collect(self, done: set[Future[Chunk | _Failed]]) -> None:
        for future in done:
            task = self.running.pop(future)
            if id(task) in self.dropped:
                continue
            try:
                self.results[id(task)] = future.result()
            except Exception as exc:  # noqa: BLE001 - a worker died (BrokenProcessPool), or a pickling error
                logger.info("%s: a worker process failed (%s); reading it in one process",
                            self.paths[task.file], exc)
                self.results[id(task)] = None
                self.broken = True

    def __iter__(self) -> Iterator[Linked | Unusual | None]:
        ahead = 2 * self.jobs  # how many files past the one wanted next this process may work on
        pending, results = self.pending, self.results
        try:
            for number, file_tasks in enumerate(self.tasks):
                if not file_tasks:
                    yield None
                    continue
                while isinstance(decided := _link([results.get(id(task), _MISSING) for task in file_tasks],
                                                  self.sizes[number]), _Sentinel):
                    mine = pending.popleft() if pending and pending[0].file == number else None
                    self.start()  # keep the others busy
                    if mine is None and pending and pending[0].file <= number + ahead:
                        mine = pending.popleft()  # work ahead rather than wait
                    if mine is not None:
                        self._run_here(mine)
                    elif self.running:
                        self._collect(wait(self.running, return_when=FIRST_COMPLETED)[0])
                    else:  # nothing left to run nor to wait for: cannot happen, but never wait on nothing
                        for task in file_tasks:
                            results.setdefault(id(task), None)
                for task in file_tasks:  # (decided early: the rest are not waited for)
                    results.pop(id(task), None)
                    if task in pending:
                        pending.remove(task)
                    self.dropped.add(id(task))
                yield decided
        finally:
            self.close()

    def close(self) -> None:
        """End the other processes (their tasks not yet started are dropped)."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        self.broken = True

    def __enter__(self) -> Scan:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["SPLIT_AT", "Chunk", "ChunkFn", "Linked", "Scan", "find_start"]
