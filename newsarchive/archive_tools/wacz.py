"""Package an archive as WACZ 1.1.1: WARCs, a sorted index, a page list, a datapackage.

Streamed: WARCs are copied into the ZIP (stored, not deflated, so replay tools can seek
into them) in blocks while their SHA-256 is computed, and the index is sorted with
cdxj-indexer's spilling sorter (:mod:`newsarchive.warc.cdxj`), so memory does not grow
with the archive. With ``jobs`` above 1 the WARCs are indexed in that many processes
(:class:`~newsarchive.warc.index.FileLines`), the others starting while this one copies.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from newsarchive import __version__
from newsarchive.archive_tools.progress import Progress, counted
from newsarchive.archive_tools.wacz_signing import EllipticCurvePrivateKey, signed_data
from newsarchive.warc.cdxj import CompressedWriter, SortingWriter
from newsarchive.warc.index import FileLines
from newsarchive.warc.parallel_scan import SPLIT_AT
from newsarchive.warc.reader import Damage, DamageHandler, NoArchives, iter_archive_paths

WACZ_VERSION = "1.1.1"
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
_BLOCK = 1 << 20


@dataclass
class WaczResult:
    path: Path
    warcs: int = 0
    index_lines: int = 0
    pages: int = 0
    bytes: int = 0
    damage: list[Damage] = field(default_factory=list)


def write_wacz(
    archives: Iterable[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    items: str | os.PathLike[str] | None = None,
    title: str | None = None,
    description: str | None = None,
    main_url: str | None = None,
    text: bool = True,
    signing_key: EllipticCurvePrivateKey | None = None,
    on_damage: DamageHandler | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
    split_at: int = SPLIT_AT,
) -> WaczResult:
    """Write ``output`` (a .wacz) from WARC files/directories and optional items JSON Lines.

    Pages come from the items (url, title, crawl time and, with ``text``, the article body,
    which ReplayWeb.page's full-text search reads); without items, every archived HTML
    page that answered 200 is listed. ``title``, ``description`` and ``main_url`` go into
    ``datapackage.json`` (``mainPageURL``: the page a viewer opens first). ``progress`` is
    told what is being done. With ``signing_key`` (a P-384 key,
    :func:`~newsarchive.archive_tools.wacz_signing.load_signing_key`) the package is signed:
    ``datapackage-digest.json`` gets an anonymous ``signedData``. ``jobs`` processes index
    the WARCs, big ones split from ``split_at`` bytes: the same package.
    """
    output = Path(output)
    result = WaczResult(path=output)

    def damaged(problem: Damage) -> None:
        result.damage.append(problem)
        if on_damage is not None:
            on_damage(problem)

    archives = list(archives)
    warcs = _member_names(iter_archive_paths(archives))
    if not warcs:
        raise NoArchives(f"no WARC/ARC files in {', '.join(str(a) for a in archives)}")
    tmp = output.with_name(output.name + ".tmp")
    resources: list[dict[str, Any]] = []
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf, \
                FileLines([(path, member) for member, path in warcs], on_damage=damaged, jobs=jobs,
                          split_at=split_at) as per_file:
            # With more than one process, the others index the WARCs while this one copies
            # them (and keeps them supplied with chunks to read between blocks)
            per_file.start()
            for member, path in warcs:
                if progress is not None:
                    progress(f"copying WARC {result.warcs + 1} of {len(warcs)}: {member}")
                resources.append(_copy_file(zf, path, f"archive/{member}", between_blocks=per_file.start))
                result.warcs += 1
            with tempfile.TemporaryDirectory() as scratch:
                html = Path(scratch) / "html-pages.jsonl"
                result.index_lines = _write_index(zf, warcs, per_file, Path(scratch), resources, damaged, html,
                                                  progress)
                pages = _pages_from_items(Path(items), text=text) if items else _read_jsonl(html)
                result.pages = _write_pages(zf, pages, Path(scratch), resources)
            package = _datapackage(resources, title, description, main_url)
            data = json.dumps(package, indent=2).encode("utf-8")
            _write_bytes(zf, "datapackage.json", data, compress=True)
            digest: dict[str, Any] = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(data).hexdigest()}
            if signing_key is not None:
                # the same "created" as the package's: py-wacz rejects a signature whose
                # time differs (two clock readings a second boundary apart did)
                created = datetime.strptime(package["created"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
                digest["signedData"] = signed_data(digest["hash"], signing_key, package["software"], created)
            _write_bytes(zf, "datapackage-digest.json", json.dumps(digest, indent=2).encode(), compress=True)
        os.replace(tmp, output)
    finally:
        if tmp.exists():
            tmp.unlink()
    result.bytes = output.stat().st_size
    return result


def _member_names(paths: Iterable[Path]) -> list[tuple[str, Path]]:
    """Flat, unique names under ``archive/`` (WACZ tools expect no subdirectories)."""
    used: set[str] = set()
    names: list[tuple[str, Path]] = []
    for path in paths:
        name = path.name
        stem, dot, ext = name.partition(".")
        serial = 1
        while name in used:
            serial += 1
            name = f"{stem}-{serial}{dot}{ext}"
        used.add(name)
        names.append((name, path))
    return names


def _zinfo(name: str, mtime: float | None = None, compress: bool = False) -> zipfile.ZipInfo:
    moment = datetime.fromtimestamp(mtime, timezone.utc) if mtime else datetime.now(timezone.utc)
    info = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def _copy_file(zf: zipfile.ZipFile, path: Path, name: str, compress: bool = False,
               between_blocks: Callable[[], None] | None = None) -> dict[str, Any]:
    hasher = hashlib.sha256()
    size = 0
    info = _zinfo(name, path.stat().st_mtime, compress)
    with open(path, "rb") as src, zf.open(info, "w", force_zip64=True) as dst:
        while block := src.read(_BLOCK):
            hasher.update(block)
            size += len(block)
            dst.write(block)
            if between_blocks is not None:
                between_blocks()
    return _resource(name, hasher.hexdigest(), size)


def _write_bytes(zf: zipfile.ZipFile, name: str, data: bytes, compress: bool) -> None:
    zf.writestr(_zinfo(name, compress=compress), data)


def _resource(path: str, sha256: str, size: int) -> dict[str, Any]:
    # Frictionless wants names matching ^[-a-z0-9._/]+$ (paths may say anything)
    name = re.sub(r"[^-a-z0-9._/]", "-", path.lower())
    return {"name": name, "path": path, "hash": f"sha256:{sha256}", "bytes": size}


def _write_index(zf: zipfile.ZipFile, warcs: list[tuple[str, Path]], per_file: FileLines, scratch: Path,
                 resources: list[dict[str, Any]], on_damage: DamageHandler, html_pages: Path,
                 progress: Progress | None = None) -> int:
    """indexes/index.cdx.gz (gzip blocks of sorted CDXJ) + indexes/index.idx, as py-wacz
    writes them, from the lines of ``per_file`` (one lines iterator per WARC); archived
    HTML pages are noted in ``html_pages`` on the way."""
    cdx_path, idx_path = scratch / "index.cdx.gz", scratch / "index.idx"
    counter = _Counter()
    with open(cdx_path, "wb") as cdx, open(idx_path, "w", encoding="utf-8") as idx, \
            open(html_pages, "w", encoding="utf-8") as pages:
        compressed = CompressedWriter(idx, data_out=cdx, data_out_name="index.cdx.gz")
        counter.out = compressed
        sorter = SortingWriter(counter)
        for number, ((member, _path), lines) in enumerate(zip(warcs, per_file), 1):
            for line in counted(lines, progress, f"indexing WARC {number} of {len(warcs)}, {member}"):
                sorter.write(line)
                _maybe_page(line, pages)
        sorter.flush()
        if compressed.block:
            compressed.flush()
    resources.append(_copy_file(zf, cdx_path, "indexes/index.cdx.gz"))
    resources.append(_copy_file(zf, idx_path, "indexes/index.idx", compress=True))
    return counter.lines


class _Counter:
    out: Any = None
    lines = 0

    def write(self, line: str) -> None:
        self.lines += 1
        self.out.write(line)

    def flush(self) -> None:
        pass


def _maybe_page(line: str, pages: IO[str]) -> None:
    _key, ts, blob = line.split(" ", 2)
    data = json.loads(blob)
    if data.get("mime") == "text/html" and data.get("status") == "200" and "method" not in data:
        pages.write(json.dumps({"url": data["url"], "ts": _iso(ts)}) + "\n")


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def _iso(ts14: str) -> str:
    ts14 = ts14.ljust(14, "0")
    return f"{ts14[:4]}-{ts14[4:6]}-{ts14[6:8]}T{ts14[8:10]}:{ts14[10:12]}:{ts14[12:14]}Z"


#: Longest article text put in pages.jsonl (a page list, not a second copy of the archive).
MAX_PAGE_TEXT = 100_000


def _pages_from_items(items: Path, text: bool = True) -> Iterator[dict[str, Any]]:
    with open(items, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError:
                continue
            url = item.get("url")
            if not url:
                continue
            page = {"url": url, "ts": _page_ts(item)}
            if item.get("title"):
                page["title"] = item["title"]
            if item.get("published"):
                page["date"] = item["published"]
            if text and isinstance(item.get("body"), str) and item["body"]:
                page["text"] = item["body"][:MAX_PAGE_TEXT]
            yield page


def _page_ts(item: dict[str, Any]) -> str:
    raw = item.get("crawled_at") or (item.get("warc") or {}).get("date") or ""
    try:
        moment = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        moment = datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_pages(zf: zipfile.ZipFile, pages: Iterable[dict[str, Any]], scratch: Path,
                 resources: list[dict[str, Any]]) -> int:
    path = scratch / "pages.jsonl"
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write(json.dumps(PAGES_HEADER) + "\n")
        for page in pages:
            page_id = hashlib.sha1(f"{page['ts']} {page['url']}".encode()).hexdigest()[:24]
            out.write(json.dumps({"id": page_id, **page}, ensure_ascii=False) + "\n")
            count += 1
    resources.append(_copy_file(zf, path, "pages/pages.jsonl", compress=True))
    return count


def _datapackage(resources: list[dict[str, Any]], title: str | None, description: str | None = None,
                 main_url: str | None = None) -> dict[str, Any]:
    package: dict[str, Any] = {"profile": "data-package", "resources": resources}
    if title:
        package["title"] = title
    if description:
        package["description"] = description
    if main_url:
        package["mainPageURL"] = main_url
    package["created"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    package["wacz_version"] = WACZ_VERSION
    package["software"] = f"newsarchive {__version__}"
    return package


def wacz_members(path: str | os.PathLike[str]) -> list[str]:
    """Names inside a WACZ (for tests and ``verify``)."""
    with zipfile.ZipFile(path) as zf:
        return zf.namelist()


def read_wacz_index(path: str | os.PathLike[str]) -> list[str]:
    """The CDXJ lines of a WACZ's index (plain or gzip-block compressed)."""
    lines: list[str] = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not name.startswith("indexes/") or name.endswith(".idx"):
                continue
            data = zf.read(name)
            if name.endswith(".gz"):
                data = gzip.decompress(data)
            lines.extend(io.StringIO(data.decode("utf-8")).read().splitlines())
    return lines


__all__ = ["WACZ_VERSION", "NoArchives", "WaczResult", "read_wacz_index", "wacz_members", "write_wacz"]
