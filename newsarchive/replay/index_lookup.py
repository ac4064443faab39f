"""Find the archived capture for a request: CDXJ entries in memory, bisect on SURT keys.

Sources are WARC/ARC files, directories of them, WACZ files or CDXJ files. An index on
disk is used when it is at least as new as the WARCs it covers; anything else is indexed
on the fly in memory (never written into the user's archive). URLs are compared by the
SURT key the index uses, so ``?b=2&a=1`` finds ``?a=1&b=2``.
"""

from __future__ import annotations

import bisect
import gzip
import io
import json
import logging
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from newsarchive.warc.cdxj import append_method_query, url_key
from newsarchive.warc.index import INDEX_NAME, cdxj_lines, index_filename
from newsarchive.warc.reader import (
    ARCHIVE_SUFFIXES,
    ArchiveFiles,
    Damage,
    DamageHandler,
    StoredRecord,
    ZipMember,
    digest_key,
    iter_archive_paths,
)

logger = logging.getLogger(__name__)

REVISIT_MIME = "warc/revisit"
_HTTP_TYPES = ("response", "revisit", "resource")


@dataclass(frozen=True, order=True)
class Capture:
    """One CDXJ line, parsed; ``source`` is the file (or ZIP member) holding the record."""

    key: str
    timestamp: str
    url: str = field(compare=False)
    source: Any = field(compare=False)
    filename: str = field(compare=False)
    offset: int = field(compare=False)
    length: int = field(compare=False)
    digest: str = field(compare=False, default="")
    mime: str = field(compare=False, default="")
    status: str = field(compare=False, default="")

    @property
    def is_revisit(self) -> bool:
        return self.mime == REVISIT_MIME


class CaptureIndex:
    """All captures of a set of archives, sorted by (SURT key, timestamp)."""

    def __init__(self, captures: Iterable[Capture]) -> None:
        self._captures = sorted(captures)
        self._keys = [c.key for c in self._captures]
        self._by_digest: dict[str, list[Capture]] | None = None

    def __len__(self) -> int:
        return len(self._captures)

    def __iter__(self) -> Iterator[Capture]:
        return iter(self._captures)

    @classmethod
    def open(
        cls, paths: Sequence[str | os.PathLike[str]], *, on_damage: DamageHandler | None = None
    ) -> CaptureIndex:
        captures: list[Capture] = []
        for raw in paths:
            captures.extend(_captures_of(Path(raw), on_damage))
        return cls(captures)

    def captures_for(self, key: str) -> list[Capture]:
        lo = bisect.bisect_left(self._keys, key)
        hi = bisect.bisect_right(self._keys, key, lo=lo)
        return self._captures[lo:hi]

    def has_host(self, url: str) -> bool:
        """Whether any capture shares ``url``'s host (its SURT key up to the ``)``)."""
        host = request_key(url).split(")", 1)[0] + ")"
        i = bisect.bisect_left(self._keys, host)
        return i < len(self._keys) and self._keys[i].startswith(host)

    def origins(self, most: int = 3) -> list[str]:
        """Up to ``most`` scheme://host[:port] the archive holds captures of, for messages."""
        seen: list[str] = []
        for capture in self._captures:
            origin = "/".join(capture.url.split("/", 3)[:3])
            if origin not in seen:
                seen.append(origin)
                if len(seen) == most:
                    break
        return seen

    def lookup(self, url: str, *, at: str | None = None, method: str = "GET",
               body: bytes = b"", content_type: str | None = None) -> list[Capture]:
        """Captures of ``url`` best first: nearest to ``at`` (14-digit timestamp), else latest."""
        found = self.captures_for(request_key(url, method, body, content_type))
        return rank(found, at)

    def by_digest(self, digest: str) -> list[Capture]:
        if self._by_digest is None:
            table: dict[str, list[Capture]] = {}
            for capture in self._captures:
                if capture.digest and not capture.is_revisit:
                    table.setdefault(digest_key(capture.digest), []).append(capture)
            self._by_digest = table
        return self._by_digest.get(digest_key(digest), [])



def rank(captures: Sequence[Capture], at: str | None) -> list[Capture]:
    """Order captures best first: nearest to ``at`` (ties: the later), or latest first."""
    if at:
        target = int(normalize_timestamp(at))
        return sorted(captures, key=lambda c: (abs(int(c.timestamp[:14].ljust(14, "0")) - target),
                                               -int(c.timestamp[:14].ljust(14, "0"))))
    return sorted(captures, key=lambda c: c.timestamp, reverse=True)


def normalize_timestamp(value: str) -> str:
    """``2024``, ``2024-03-01T10:00Z`` or ``20240301100000`` -> a 14-digit UTC timestamp.

    An ISO time with an offset (``2024-03-01T10:00+05:00``) is converted to UTC, as the
    index's timestamps are; one without is taken as UTC.
    """
    zoned = _utc_of_zoned(value.strip())
    if zoned is not None:
        return zoned
    digits = "".join(ch for ch in value if ch.isdigit())[:14]
    if len(digits) < 4:
        raise ValueError(f"not a timestamp: {value!r} (use YYYY[MM[DD[hh[mm[ss]]]]])")
    # pad like pywb: missing month/day are 01, missing time is 00
    template = "00000101000000"
    return digits + template[len(digits):]


def _utc_of_zoned(value: str) -> str | None:
    """The UTC timestamp of an ISO date-time that states its zone; ``None`` if it states none.

    Raises ``ValueError`` for a zone that cannot be read: its digits must not be taken for
    the time's (``+05:00`` read as seconds).
    """
    time_part = value.partition("T")[2] or value.partition(" ")[2]
    if not (value.endswith(("Z", "z")) or "+" in time_part or "-" in time_part):
        return None
    try:
        when = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value)
    except ValueError:
        raise ValueError(f"not a timestamp: {value!r} (use YYYY-MM-DDThh:mm:ss[Z|+hh:mm] or YYYYMMDDhhmmss)") from None
    if when.tzinfo is None:
        return None
    return when.astimezone(timezone.utc).strftime("%Y%m%d%H%M%S")


def request_key(url: str, method: str = "GET", body: bytes = b"",
                content_type: str | None = None) -> str:
    """The SURT key the index uses for a request (POST/PUT include their form data)."""
    method = method.upper()
    if method in ("POST", "PUT"):
        _query, append = append_method_query(
            method, content_type, str(len(body)), io.BytesIO(body), url
        )
        url = url + append
    return url_key(url)


# ---------------------------------------------------------------------------------
# Loading captures from paths


def _captures_of(path: Path, on_damage: DamageHandler | None) -> Iterator[Capture]:
    if path.is_dir():
        yield from _directory_captures(path, on_damage)
    elif zipfile.is_zipfile(path):
        yield from _wacz_captures(path, on_damage)
    elif path.name.endswith((".cdxj", ".cdx")):
        yield from _parse_lines(_read_text_lines(path), lambda name: str(path.parent / name))
    elif path.is_file():
        yield from _file_captures(path, on_damage)
    else:
        raise FileNotFoundError(f"no such archive: {path}")


def _directory_captures(directory: Path, on_damage: DamageHandler | None) -> Iterator[Capture]:
    """The directory's index for the files it covers whole (see :func:`_fresh`); every
    other WARC file in the directory indexed in memory, with a warning naming the fix."""
    from newsarchive.warc.coverage import read_coverage  # here: the module's imports are shared

    names = {index_filename(w, directory): w for w in iter_archive_paths([directory])}
    trusted: set[str] = set()
    index = directory / INDEX_NAME
    if index.is_file():
        by_file: dict[str, list[Capture]] = {}
        for capture in _parse_lines(_read_text_lines(index), lambda n: str(directory / n)):
            by_file.setdefault(capture.filename, []).append(capture)
        coverage = read_coverage(index)
        for name in by_file:  # files outside the directory tree too, if they are there
            if name not in names and (directory / name).is_file():
                names[name] = directory / name
        for name, warc in names.items():
            found = by_file.get(name, [])
            if _fresh(index, warc, found, coverage):
                trusted.add(name)
                yield from found
        left = sorted(set(names) - trusted)
        if left:
            logger.warning(
                "%s does not cover %d of %d WARC file(s) (%s%s)%s; indexing them in memory. "
                "Run `newsarchive index %s` to rebuild the index",
                index, len(left), len(names), ", ".join(left[:3]), ", ..." if len(left) > 3 else "",
                "" if coverage is not None else " and has no manifest (an older index)", directory,
            )
    for name, warc in names.items():
        if name not in trusted:
            yield from _file_captures(warc, on_damage, filename=name, skip_index=index)


def _file_captures(path: Path, on_damage: DamageHandler | None, filename: str | None = None,
                   skip_index: Path | None = None) -> Iterator[Capture]:
    """One WARC file's captures: from ``FILE.cdxj`` or the directory's index where they
    cover it whole (``skip_index``: one already found not to), else indexed in memory."""
    from newsarchive.warc.coverage import read_coverage  # here: the module's imports are shared

    beside = path.with_name(path.name + ".cdxj")
    if beside.is_file():
        found = list(_parse_lines(_read_text_lines(beside), lambda n: str(path.parent / n)))
        if _fresh(beside, path, found, read_coverage(beside)):
            yield from found
            return
    dir_index = path.parent / INDEX_NAME
    if dir_index != skip_index and dir_index.is_file():
        found = [c for c in _parse_lines(_read_text_lines(dir_index), lambda n: str(path.parent / n))
                 if c.filename == path.name]
        if _fresh(dir_index, path, found, read_coverage(dir_index)):
            yield from found
            return
    name = filename or path.name
    lines = cdxj_lines(path, filename=name, on_damage=on_damage)
    yield from _parse_lines(lines, lambda _n: str(path))


def _wacz_captures(path: Path, on_damage: DamageHandler | None) -> Iterator[Capture]:
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        index_names = [n for n in names if n.startswith("indexes/")
                       and n.endswith((".cdxj", ".cdx", ".cdx.gz"))]
        warcs = [n for n in names if n.startswith("archive/") and n.endswith(ARCHIVE_SUFFIXES)]
        blocks: list[str] = []
        for name in index_names:
            data = zf.read(name)
            if name.endswith(".gz"):
                data = gzip.decompress(data)
            blocks.append(data.decode("utf-8"))

    def member(name: str) -> ZipMember:
        return ZipMember(str(path), name if name.startswith("archive/") else f"archive/{name}")

    if blocks:
        for block in blocks:
            yield from _parse_lines(block.splitlines(), member)
        return
    for warc in warcs:  # no index inside: index the WARCs in place
        lines = cdxj_lines(ZipMember(str(path), warc), filename=warc[len("archive/"):],
                           on_damage=on_damage)
        yield from _parse_lines(lines, member)


def _fresh(index: Path, warc: Path, found: Sequence[Capture], coverage: Any) -> bool:
    """Whether ``index``'s lines for ``warc`` (``found``) are all of its records, now.

    With a manifest (``coverage``, see :mod:`newsarchive.warc.coverage`): the file has
    the size it was indexed at and the index has as many lines for it as were written.
    Modification times play no part there: copies rewrite them, and an index merged by
    one crawl after another crawl was killed looks newer than the file it lacks. An
    index without a manifest (older ones, other tools') is trusted, as before, for
    files it has lines for and that are not newer than it.
    """
    if coverage is not None:
        return bool(coverage.trusts(index_filename(warc, index.parent), warc.stat().st_size, len(found)))
    return bool(found) and warc.stat().st_mtime <= index.stat().st_mtime


def _read_text_lines(path: Path) -> Iterator[str]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        yield from fh


def _parse_lines(lines: Iterable[str], resolve: Callable[[str], Any]) -> Iterator[Capture]:
    sources: dict[str, Any] = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith(("!", " CDX")):
            continue
        try:
            key, timestamp, blob = line.split(" ", 2)
            data = json.loads(blob)
            filename = data["filename"]
            source = sources.get(filename)
            if source is None:
                source = sources[filename] = resolve(filename)
            yield Capture(
                key=key,
                timestamp=timestamp,
                url=data.get("url", ""),
                source=source,
                filename=filename,
                offset=int(data["offset"]),
                length=int(data.get("length", 0)),
                digest=data.get("digest", ""),
                mime=data.get("mime", ""),
                status=str(data.get("status", "")),
            )
        except (ValueError, KeyError) as exc:
            logger.warning("skipping bad CDXJ line %r: %s", line[:200], exc)


# ---------------------------------------------------------------------------------
# From a capture to the records that answer a request


@dataclass
class Resolved:
    """The record that answers a request: its headers record and its payload record."""

    capture: Capture
    headers: StoredRecord  # the capture itself (a response, resource or revisit)
    payload: StoredRecord  # where the body comes from (the original for a revisit)
    original: Capture | None = None  # the revisited capture, for a revisit

    @property
    def damage(self) -> str | None:
        """What is wrong with the records (truncated, or a gzip member whose CRC fails)."""
        return self.headers.damage or self.payload.damage


class DamagedCapture(Exception):
    """Every capture of a request is damaged in the archive (cut short, corrupt, or not
    readable at its indexed offset): nothing whole can answer it. ``resolved``: the best
    damaged capture as far as it could be read (``None`` when nothing could)."""

    def __init__(self, capture: Capture, damage: str, resolved: Resolved | None = None) -> None:
        super().__init__(f"{capture.source}:{capture.offset}: {damage}")
        self.capture = capture
        self.damage = damage
        self.resolved = resolved


class CaptureResolver:
    """Load captures' records, following revisits to the payload they point at."""

    def __init__(self, index: CaptureIndex, files: ArchiveFiles | None = None) -> None:
        self.index = index
        self.files = files or ArchiveFiles()

    def resolve(self, candidates: Sequence[Capture], max_payload: int | None = None) -> Resolved | None:
        """The best candidate whose records are whole; ``None`` when there is none at all.

        Non-HTTP records, and revisits whose original is not in the archive, are passed
        over. Damaged records (truncated, a gzip CRC that fails, nothing readable at the
        indexed offset) are passed over for an intact capture; when only damaged ones are
        left, ``DamagedCapture`` is raised: a cut or corrupt body must not pass for the page.
        ``max_payload``: payloads larger than this are not read (``StoredRecord.unread``).
        """
        damaged: DamagedCapture | None = None
        for capture in candidates:
            try:
                record = self.files.load(capture.source, capture.offset, max_payload)
            except Exception as exc:  # noqa: BLE001 - untrusted bytes: any failure is damage
                message = str(exc).removeprefix(f"{capture.source}:{capture.offset}: ")
                damaged = damaged or DamagedCapture(capture, message)
                continue
            if record.rec_type not in _HTTP_TYPES:
                continue
            if record.rec_type != "revisit":
                resolved = Resolved(capture, record, record)
            else:
                found = self._original_of(capture, record, max_payload)
                if found is None:
                    logger.warning("revisit %s %s: original payload not in the archive",
                                   capture.url, capture.timestamp)
                    continue
                resolved = Resolved(capture, record, found[1], found[0])
            if resolved.damage is None:
                return resolved
            if damaged is None or damaged.resolved is None:
                damaged = DamagedCapture(capture, resolved.damage, resolved)
        if damaged is not None:
            raise damaged
        return None

    def _load(self, capture: Capture, max_payload: int | None = None) -> StoredRecord | None:
        """The capture's record, or ``None`` (logged) when it cannot be read."""
        try:
            return self.files.load(capture.source, capture.offset, max_payload)
        except Exception as exc:  # a damaged record must not stop the replay
            logger.warning("cannot load %s at %s: %s", capture.source, capture.offset, exc)
            return None

    def _original_of(self, capture: Capture, revisit: StoredRecord,
                     max_payload: int | None = None) -> tuple[Capture, StoredRecord] | None:
        """The record a revisit points at: WARC-Refers-To if it is there, else the payload
        with the same digest nearest to WARC-Refers-To-Date (same URL first)."""
        refers_uri = revisit.rec_headers.get_header("WARC-Refers-To-Target-URI") or capture.url
        refers_date = revisit.rec_headers.get_header("WARC-Refers-To-Date")
        refers_id = revisit.rec_headers.get_header("WARC-Refers-To")
        digest = capture.digest or revisit.rec_headers.get_header("WARC-Payload-Digest") or ""
        wanted = digest_key(digest) if digest else ""
        same_url = [c for c in self.index.captures_for(request_key(refers_uri))
                    if not c.is_revisit and (not wanted or digest_key(c.digest) == wanted)]
        candidates = rank(same_url, refers_date) if same_url else []
        if not candidates and digest:  # URL-agnostic dedup: any capture with the payload
            candidates = rank(self.index.by_digest(digest), refers_date)
        fallback: tuple[Capture, StoredRecord] | None = None
        damaged: tuple[Capture, StoredRecord] | None = None
        for candidate in candidates:
            record = self._load(candidate, max_payload)
            if record is None or record.rec_type not in ("response", "resource"):
                continue
            if record.damage is not None:
                damaged = damaged or (candidate, record)
                continue
            if not refers_id or record.rec_headers.get_header("WARC-Record-ID") == refers_id:
                return candidate, record
            fallback = fallback or (candidate, record)
        return fallback or damaged

    def close(self) -> None:
        self.files.close()


__all__ = [
    "Capture",
    "CaptureIndex",
    "CaptureResolver",
    "Damage",
    "DamagedCapture",
    "Resolved",
    "digest_key",
    "normalize_timestamp",
    "rank",
    "request_key",
]
