"""``Archive(path)``: a crawl job's items, runs and archived pages, from Python.

For notebooks and scripts: the items of a job (``items.jsonl``) with their dates as
datetimes, its runs (``runs.jsonl``), every capture of a URL, and the record behind a
capture or an item's ``warc`` pointer with its body decoded (chunking and content-coding
removed, revisits followed to the payload they stand for). The same reading code as
``newsarchive replay``, so what you see is what a replay would get.

    archive = Archive("runs/timesca")
    for item in archive.items():
        page = archive.record(item)           # the article page the item came from
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from newsarchive.access.bodies import DEFAULT_MAX_SIZE, decoded_body
from newsarchive.job.dedupe import canonical_url
from newsarchive.job.item_feed import read_json_lines
from newsarchive.replay.index_lookup import Capture, CaptureIndex, CaptureResolver, DamagedCapture, Resolved
from newsarchive.warc.reader import ARCHIVE_SUFFIXES

ITEMS_FILE = "items.jsonl"
RUNS_FILE = "runs.jsonl"
WARC_SUBDIR = "warc"
#: Item fields that hold ISO 8601 times, given back as datetimes.
TIME_FIELDS = ("published", "crawled_at")


class ArchiveError(ValueError):
    """The path is no archive, or it lacks what was asked for (items, a record)."""


@dataclass
class ArchivedResponse:
    """One archived exchange as a reader wants it: what the server said and sent."""

    url: str
    date: datetime | None
    """When it was fetched (WARC-Date)."""
    status: int | None
    """HTTP status (``None`` for a resource record, which has no HTTP headers)."""
    headers: list[tuple[str, str]]
    body: bytes
    """The body, decoded: chunking and Content-Encoding removed."""
    record_type: str
    """``response``, ``resource`` or ``revisit`` (then ``body`` is the revisited payload's)."""
    pointer: dict[str, Any]
    """Where the record is: ``filename``, ``offset``, ``length`` (the item ``warc`` shape)."""
    revisit_of: dict[str, Any] | None = None
    """For a revisit: the record its body comes from."""
    damage: str | None = None
    """What is wrong with the record, when it is cut short or corrupt."""

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (case-insensitive)."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    @property
    def content_type(self) -> str | None:
        return self.header("Content-Type")

    @property
    def text(self) -> str:
        """The body as text, in the charset the headers or the page declare (else UTF-8)."""
        from w3lib.encoding import html_to_unicode

        _encoding, text = html_to_unicode(self.content_type, self.body)
        return text


@dataclass
class Archive:
    """A crawl job directory, WARC/ARC files, a directory of them, or a WACZ.

    ``max_body``: decoded bodies larger than this raise
    :class:`~newsarchive.access.bodies.BodyTooLarge` (default 32 MiB).
    """

    path: str | os.PathLike[str]
    max_body: int = DEFAULT_MAX_SIZE
    _job: Path | None = field(init=False, default=None, repr=False)
    _sources: list[str] = field(init=False, default_factory=list, repr=False)

    def __post_init__(self) -> None:
        path = Path(self.path)
        if not path.exists():
            raise ArchiveError(f"no such file or directory: {path}")
        if path.is_dir() and ((path / WARC_SUBDIR).is_dir() or (path / ITEMS_FILE).is_file()
                              or (path / RUNS_FILE).is_file()):
            self._job = path
            self._sources = [str(path / WARC_SUBDIR)] if (path / WARC_SUBDIR).is_dir() else []
        elif path.is_dir() or path.name.endswith(ARCHIVE_SUFFIXES + (".wacz", ".cdxj")):
            self._sources = [str(path)]
        else:
            raise ArchiveError(f"{path}: not a crawl job directory, a WARC/ARC file, a directory of them or a WACZ")

    # -- the job --------------------------------------------------------------------

    def items(self) -> Iterator[dict[str, Any]]:
        """The job's items in the order they were written (``published`` and
        ``crawled_at`` as aware datetimes). A torn last line (a killed crawl) is skipped."""
        for item in read_json_lines(self._job_file(ITEMS_FILE, "items")):
            for name in TIME_FIELDS:
                item[name] = _datetime(item.get(name))
            yield item

    def to_pandas(self) -> Any:
        """The items as a pandas ``DataFrame`` (pandas is not a dependency: install it)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("Archive.to_pandas() needs pandas: pip install pandas") from None
        return pandas.DataFrame(list(self.items()))

    def runs(self) -> list[dict[str, Any]]:
        """One dict per run of the job (``runs.jsonl``): times, outcome, items, pages, stats."""
        return list(read_json_lines(self._job_file(RUNS_FILE, "run history")))

    # -- the archive ----------------------------------------------------------------

    def captures(self, url: str) -> list[Capture]:
        """Every capture of ``url``, oldest first (found by its SURT key, as replay does;
        failing that, by its canonical form: tracking parameters and fragments removed)."""
        found = self._index.lookup(url)
        if not found and canonical_url(url) != url:
            found = self._index.lookup(canonical_url(url))
        return sorted(found, key=lambda c: c.timestamp)

    def record(self, what: Capture | Mapping[str, Any], role: str = "response") -> ArchivedResponse:
        """The archived exchange behind a capture, an item or a pointer
        (``{"filename": ..., "offset": ...}``), its body decoded and revisits followed.

        For an item, ``role`` picks which of its pages: ``response`` (the article page,
        the default; the teaser's listing page for an item whose page failed) or
        ``listing``. Raises :class:`ArchiveError` when it is not in the archive.
        """
        capture = what if isinstance(what, Capture) else self._capture_at(what, role)
        try:
            resolved = self._resolver.resolve([capture], max_payload=self.max_body)
        except DamagedCapture as exc:
            if exc.resolved is None:
                raise ArchiveError(f"{capture.filename}:{capture.offset}: damaged: {exc.damage}") from None
            resolved = exc.resolved
        if resolved is None:
            raise ArchiveError(f"{capture.filename}:{capture.offset}: no HTTP record there "
                               "(or a revisit whose original is not in the archive)")
        return self._response(resolved)

    def __iter__(self) -> Iterator[ArchivedResponse]:
        """Every capture of the archive (responses, resources, revisits), oldest first,
        read one at a time."""
        for capture in sorted(self._index, key=lambda c: (c.timestamp, c.filename, c.offset)):
            try:
                yield self.record(capture)
            except ArchiveError:
                continue  # a revisit without its original, a damaged record: not a page

    def __len__(self) -> int:
        return len(self._index)

    def close(self) -> None:
        if "_resolver" in self.__dict__:
            self._resolver.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers --------------------------------------------------------------------

    @cached_property
    def _index(self) -> CaptureIndex:
        if not self._sources:
            raise ArchiveError(f"{self.path}: no archive here (no {WARC_SUBDIR}/ directory)")
        return CaptureIndex.open(self._sources, on_damage=lambda damage: None)

    @cached_property
    def _resolver(self) -> CaptureResolver:
        return CaptureResolver(self._index)

    @cached_property
    def _by_position(self) -> dict[tuple[str, int], Capture]:
        return {(c.filename, c.offset): c for c in self._index}

    def _capture_at(self, what: Mapping[str, Any], role: str) -> Capture:
        pointer = what.get("warc") if "warc" in what else what
        if isinstance(pointer, Mapping) and "filename" not in pointer:  # an item's pointers, by role
            pointer = pointer.get(role) or (pointer.get("listing") if role == "response" else None)
        if not isinstance(pointer, Mapping) or "filename" not in pointer or "offset" not in pointer:
            raise ArchiveError("expected a capture, an item with a 'warc' pointer, or a pointer "
                               f"with 'filename' and 'offset'; got {str(dict(what))[:120]}")
        key = (str(pointer["filename"]), int(pointer["offset"]))
        capture = self._by_position.get(key)
        if capture is None:
            raise ArchiveError(f"{key[0]}:{key[1]}: no such record in {self.path}")
        return capture

    def _job_file(self, name: str, what: str) -> Path:
        if self._job is None or not (self._job / name).is_file():
            raise ArchiveError(f"{self.path}: no {what} ({name}): those are written by "
                               "`newsarchive crawl --out DIR` into a job directory")
        return self._job / name

    def _response(self, resolved: Resolved) -> ArchivedResponse:
        head, body_record = resolved.headers, resolved.payload
        http = head.http_headers
        if http is None or http.get_statuscode() == "304":  # a header-less or not-modified revisit
            http = body_record.http_headers
        headers = [(str(k), str(v)) for k, v in (http.headers if http is not None else [])]
        if body_record.http_headers is None:  # a resource record: the block is the body
            status = None
            coding = transfer = None
            headers = headers or [("Content-Type", body_record.rec_headers.get_header("Content-Type") or "")]
        else:
            status = int(http.get_statuscode() or 0) or None if http is not None else None
            coding = body_record.header("Content-Encoding")
            transfer = body_record.header("Transfer-Encoding")
        pointer = _pointer(resolved.capture)
        return ArchivedResponse(
            url=head.target_uri,
            date=_datetime(head.date),
            status=status,
            headers=headers,
            body=decoded_body(body_record.payload, coding, transfer, self.max_body),
            record_type=head.rec_type,
            pointer=pointer,
            revisit_of=_pointer(resolved.original) if resolved.original is not None else None,
            damage=resolved.damage,
        )


def _pointer(capture: Capture) -> dict[str, Any]:
    return {"filename": capture.filename, "offset": capture.offset, "length": capture.length}


def _datetime(value: Any) -> Any:
    """An ISO 8601 string as an aware datetime (``Z`` accepted); anything else as it is."""
    if not isinstance(value, str) or not value:
        return value if value != "" else None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value


__all__ = ["Archive", "ArchiveError", "ArchivedResponse"]
