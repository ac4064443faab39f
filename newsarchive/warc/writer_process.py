"""The writer process: WARC records are built, compressed and written beside the crawl.

Why a process: a crawl is one Python thread, and hashing, gzip, record assembly and
indexing cost about half a millisecond per page, which a thread cannot take off it (the
GIL). Run in a child process, they use another core; the crawl only hands over each
exchange (a small header and the body, down a pipe) and goes on. The answer, the
record's location, completes the response's pending pointer; items wait for it in
:class:`~newsarchive.warc.provenance.WarcPointerPipeline`, so every exported item points at a
record already on disk.

Messages are length-prefixed pickles between two processes of the same program; a body
follows its ``archive`` message as raw bytes. The child answers each message in order.
When its stdin closes without a ``close`` (the crawl was killed), it writes what it was
sent, keeps the revisit index, and leaves the file ``.open`` as any killed writer would.
A child that leaves a message unanswered for ``NEWSARCHIVE_WARC_WRITER_TIMEOUT`` seconds
(a hung disk, a stopped process) is killed, so the crawl fails instead of hanging.

Signals: the child ignores SIGINT, SIGTERM and SIGHUP (:data:`CRAWL_SIGNALS`). They come
to the whole process group (Ctrl-C, a closed terminal, ``kill -TERM -PGID``, systemd,
``timeout``, a container stop), and the writer must not die before the crawl has shut
down and sent ``close``; its end is decided by the crawl, through its stdin, however the
crawl ends: ``close`` after a graceful shutdown, end of input when the crawl dies (even
of SIGKILL or SIGHUP), so it cannot outlive the crawl. The crawl blocks these signals
while it spawns the child, so the child is safe from its first instruction, before its
imports are done. Other signals keep their default: SIGKILL ends it at once, as does
SIGQUIT, the "quit now" key.

    parent -> child: ("open", WarcSettings, prefix, info, logging settings)
                     ("archive", uri, WireExchange fields, truncated, body_length) + body
                     ("close",)
    child -> parent: ("ok", result) or ("error", description); ``open`` answers with the
                     names of files a killed crawl had left unfinished (now finished)
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import pickle
import signal
import sqlite3
import struct
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from twisted.internet.defer import Deferred
from twisted.internet.protocol import ProcessProtocol
from twisted.internet.task import LoopingCall
from twisted.python.failure import Failure

from newsarchive.warc.archiver import Archiver, Outcome, WarcSettings, WireExchange

logger = logging.getLogger(__name__)

_LENGTH = struct.Struct(">Q")
_SLICE = 1 << 20  # at most this much is handed to the pipe's buffer at a time
CRAWL_SIGNALS = frozenset(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
"""Signals the writer ignores: they end the crawl (gracefully, or not), which then ends
the writer through its stdin (see the module doc)."""


class WriterProcessError(RuntimeError):
    """The writer process failed a request, or is gone."""


def _frame(message: tuple[Any, ...]) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


# -- the crawl's side --------------------------------------------------------------------


class WriterProcess(ProcessProtocol):
    """Talks to one writer process; every call returns a Deferred firing with its answer."""

    def __init__(self, timeout: float = 0.0, reactor: Any = None) -> None:
        self._waiting: collections.deque[tuple[Deferred[Any], int]] = collections.deque()
        self.backlog = 0  # bytes sent and not answered yet
        self._buffer = bytearray()
        self._gone: str | None = None
        self.ended: Deferred[None] = Deferred()
        self.pid: int | None = None
        self._outbox: _Outbox | None = None
        if reactor is None:
            from twisted.internet import reactor
        self._reactor = reactor
        self.timeout = timeout
        self._progress_at = time.monotonic()  # last answer, or the send that ended idleness
        self._stalled = False
        self._watchdog: LoopingCall | None = None
        if timeout > 0:
            self._watchdog = LoopingCall(self._check_progress)
            self._watchdog.clock = reactor

    def connectionMade(self) -> None:  # noqa: N802 - Twisted's name
        self._outbox = _Outbox(self.transport, self._reactor)
        if self._watchdog is not None:
            self._watchdog.start(min(self.timeout / 4, 10.0), now=False)

    def _check_progress(self) -> None:
        if not self._waiting or self._gone is not None or self.pid is None:
            return
        silent = time.monotonic() - self._progress_at
        if silent >= self.timeout:
            self._stalled = True
            logger.critical(
                "The WARC writer process (pid %s) has not answered for %.0f s "
                "(NEWSARCHIVE_WARC_WRITER_TIMEOUT); killing it", self.pid, silent,
            )
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:  # it ended meanwhile: processEnded follows
                pass

    @classmethod
    def start(
        cls, reactor: Any, settings: WarcSettings, prefix: str, info: list[tuple[str, str]], log: dict[str, Any]
    ) -> tuple[WriterProcess, Deferred[list[str]]]:
        """Spawn the child; returns the protocol and a Deferred for its ``open`` answer.

        ``log`` holds Scrapy's ``LOG_*`` settings (see :func:`log_settings`), so the
        writer logs where and how the crawl does.
        """
        protocol = cls(settings.writer_timeout, reactor)
        env = dict(os.environ)
        here = str(Path(__file__).resolve().parents[2])  # the newsarchive checkout or site-packages
        env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
        argv = [sys.executable, "-m", "newsarchive.warc.writer_process"]
        with _blocked(CRAWL_SIGNALS):  # inherited by the child until it ignores them
            process = reactor.spawnProcess(protocol, sys.executable, argv, env=env, childFDs={0: "w", 1: "r", 2: 2})
        protocol.pid = process.pid
        opened = protocol._send(("open", settings, prefix, info, log))
        return protocol, opened

    def archive(self, uri: str, wire: WireExchange, body: bytes, truncated: str | None) -> Deferred[Outcome]:
        d = self._send(("archive", uri, wire.to_fields(), truncated, len(body)), body)
        return d.addCallback(lambda fields: Outcome(*fields))

    def close(self) -> Deferred[list[str]]:
        """Finish the file and the index; the child exits after answering."""
        d = self._send(("close",))
        if self._outbox is not None:
            self._outbox.finish()
        return d

    # -- plumbing --------------------------------------------------------------------

    def _send(self, message: tuple[Any, ...], body: bytes = b"") -> Deferred[Any]:
        d: Deferred[Any] = Deferred()
        if self._gone is not None:
            d.errback(WriterProcessError(self._gone))
            return d
        frame = _frame(message)
        size = len(frame) + len(body)
        if not self._waiting:
            self._progress_at = time.monotonic()
        self._waiting.append((d, size))
        self.backlog += size
        assert self._outbox is not None
        self._outbox.push(frame)
        if body:
            self._outbox.push(body)
        return d

    def outReceived(self, data: bytes) -> None:  # noqa: N802 - Twisted's name
        buffer = self._buffer
        buffer += data
        while len(buffer) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(buffer)
            end = _LENGTH.size + size
            if len(buffer) < end:
                return
            status, result = pickle.loads(bytes(buffer[_LENGTH.size : end]))
            del buffer[:end]
            d, size = self._waiting.popleft()
            self.backlog -= size
            self._progress_at = time.monotonic()
            if status == "ok":
                d.callback(result)
            else:
                d.errback(WriterProcessError(result))

    def processEnded(self, reason: Failure) -> None:  # noqa: N802 - Twisted's name
        code, sig = getattr(reason.value, "exitCode", None), getattr(reason.value, "signal", None)
        how = f"killed by signal {sig}" if sig else f"exit code {code}"
        if self._stalled:
            how = f"stopped answering for {self.timeout:g} s and was killed"
        self._gone = f"the WARC writer process (pid {self.pid}) ended ({how})"
        if self._watchdog is not None and self._watchdog.running:
            self._watchdog.stop()
        while self._waiting:
            d, size = self._waiting.popleft()
            self.backlog -= size
            d.errback(WriterProcessError(self._gone))
        self.ended.callback(None)


@contextlib.contextmanager
def _blocked(signals: frozenset[int]) -> Iterator[None]:
    """Block ``signals`` in this thread for the block (POSIX). A child started meanwhile
    inherits the mask, so one sent to the process group before the child has set its
    handlers waits, and is then discarded as ignored, instead of killing it. Signals
    that come to the crawl meanwhile are delivered when the block ends."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def ignore_crawl_signals() -> None:
    """What the writer does first: ignore :data:`CRAWL_SIGNALS`, then unblock them
    (blocked by the crawl while spawning it; ones already pending are dropped)."""
    for number in CRAWL_SIGNALS:
        signal.signal(number, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, CRAWL_SIGNALS)


def log_settings(settings: Any) -> dict[str, Any]:
    """The Scrapy ``LOG_*`` settings the writer process follows."""
    return {
        "enabled": settings.getbool("LOG_ENABLED", True),
        "level": settings.get("LOG_LEVEL") or "DEBUG",
        "file": settings.get("LOG_FILE") or None,
        "encoding": settings.get("LOG_ENCODING") or "utf-8",
        "format": settings.get("LOG_FORMAT") or "%(asctime)s [%(name)s] %(levelname)s: %(message)s",
        "datefmt": settings.get("LOG_DATEFORMAT") or "%Y-%m-%d %H:%M:%S",
    }


class _Outbox:
    """Feeds the writer's stdin as its pipe drains (a Twisted pull producer).

    Two things matter on the crawl's one thread. Handing a 50 MiB body to the transport
    at once would make Twisted join it with the message before it into a new 50 MiB
    buffer; fed a slice at a time, the crawl holds no more than the response itself plus
    one slice. And each transport write costs several system calls, so messages pushed
    during one reactor turn go down the pipe together, in one write.
    """

    def __init__(self, transport: Any, reactor: Any) -> None:
        self._transport = transport
        self._reactor = reactor
        self._pieces: collections.deque[bytes | memoryview] = collections.deque()
        self._idle = False  # the pipe asked for more and nothing was there
        self._flush_scheduled = False
        self._finishing = False
        transport.registerProducer(self, False)  # Twisted asks for the first slice now

    def push(self, data: bytes) -> None:
        self._pieces.append(memoryview(data) if len(data) > _SLICE else data)
        self._wake()

    def finish(self) -> None:
        """Close the child's stdin once everything pushed has gone down the pipe."""
        self._finishing = True
        self._wake()

    def _wake(self) -> None:
        if self._idle and not self._flush_scheduled:
            self._flush_scheduled = True
            self._reactor.callLater(0, self._flush)  # after this turn's other messages

    def _flush(self) -> None:
        self._flush_scheduled = False
        if self._idle:
            self._idle = False
            self.resumeProducing()

    def resumeProducing(self) -> None:  # noqa: N802 - Twisted's name
        batch: list[bytes | memoryview] = []
        budget = _SLICE
        while self._pieces and budget > 0:
            piece = self._pieces[0]
            if len(piece) > budget:
                batch.append(piece[:budget])
                self._pieces[0] = piece[budget:]
                budget = 0
            else:
                batch.append(piece)
                self._pieces.popleft()
                budget -= len(piece)
        if batch:
            self._transport.write(b"".join(batch))  # more is asked for when this is taken
        elif self._finishing:
            self._transport.unregisterProducer()
            self._transport.closeStdin()
        else:
            self._idle = True

    def stopProducing(self) -> None:  # noqa: N802 - Twisted's name
        self._pieces.clear()


# -- the writer's side ---------------------------------------------------------------------


def _configure_logging(log: dict[str, Any]) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    if log.get("file"):  # appended to, like the crawl's own log
        handler: logging.Handler = logging.FileHandler(log["file"], mode="a", encoding=log["encoding"])
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(log.get("format"), log.get("datefmt")))
    root.addHandler(handler)
    root.setLevel(log.get("level", "INFO") if log.get("enabled", True) else logging.CRITICAL + 1)


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    data = stream.read(size)
    if len(data) < size:
        return None  # the crawl is gone
    return data


def serve(requests: BinaryIO, answers: BinaryIO) -> int:
    """Answer the crawl's messages until ``close`` or end of input; returns an exit code."""
    archiver: Archiver | None = None
    answering = True
    while True:
        head = _read_exactly(requests, _LENGTH.size)
        message = None if head is None else _read_exactly(requests, _LENGTH.unpack(head)[0])
        if message is None:
            if archiver is not None:
                logger.warning("The crawl stopped without closing %s; it stays .open", archiver.writer.current_path)
                archiver.abandon()
            return 1
        kind, *args = pickle.loads(message)
        try:
            if kind == "archive":
                uri, wire_fields, truncated, length = args
                body = _read_exactly(requests, length) if length else b""
                if body is None:
                    continue  # cut off mid-body: the loop ends at the next read
                assert archiver is not None, "archive before open"
                wire = WireExchange.from_fields(wire_fields)
                result: Any = archiver.archive(uri, wire, body, truncated).to_fields()
            elif kind == "open":
                settings, prefix, info, log = args
                _configure_logging(log)
                archiver = Archiver(settings, prefix, info)
                result = archiver.recovered
            elif kind == "close":
                result = archiver.close() if archiver is not None else []
            else:
                raise ValueError(f"unknown message {kind!r}")
            answer = ("ok", result)
        except (OSError, sqlite3.Error) as exc:  # a full disk, a vanished directory: one line
            logger.error("WARC writer cannot write (%s: %s)", type(exc).__name__, exc)
            answer = ("error", f"{type(exc).__name__}: {exc}")
        except Exception as exc:
            logger.exception("WARC writer failed on %r", kind)
            answer = ("error", f"{type(exc).__name__}: {exc}")
        if answering:
            try:
                answers.write(_frame(answer))
                answers.flush()
            except BrokenPipeError:  # the crawl is gone: write what it sent, until input ends
                logger.warning("The crawl stopped reading answers; writing what it sent")
                answering = False
        if kind == "close":
            return 0


def main() -> None:
    ignore_crawl_signals()  # see the module doc: the crawl, through stdin, ends the writer
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print must not corrupt the answers
    _configure_logging({})
    code = serve(sys.stdin.buffer, answers)
    # Everything is written, closed and answered: skip the interpreter's slow tear-down
    # (tens of milliseconds the crawl would otherwise wait for at its end).
    logging.shutdown()
    with contextlib.suppress(BrokenPipeError):  # the crawl may be gone
        answers.close()
    os._exit(code)


if __name__ == "__main__":
    main()
