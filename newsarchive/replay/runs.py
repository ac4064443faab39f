"""The runs of an archive, told apart by newsarchive's WARC file names, and what each holds.

A job directory crawled every day holds one set of WARC files per run. newsarchive names
its files ``{prefix}-{timestamp17}-{serial:05d}-{hostname}-{pid}.warc.gz``
(``newsarchive.warc.writer``): the pid is the writer process's, one per run, and serial
``00000`` is a run's first file, later serials its roll-overs. So the files alone say
which run wrote what, even for a run killed before it could write its ``runs.jsonl`` line
(the next run finishes its ``.open`` file and gives it its final name).

A pid is not unique over time (a container's pid namespace starts afresh every day, so
its writer may get the same pid every run): a file with serial ``00000`` always starts a
new run, and a later serial continues the latest run of the same prefix, host and pid
only when it comes after that run's last serial. Runs are numbered 1..n in the order
their first files were opened.

Files named any other way (Heritrix, wget, warcprox...) belong to no run: an archive of
such files is replayed as one (see :class:`ReplayArchive`).
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from newsarchive.replay.index_lookup import Capture, CaptureIndex, CaptureResolver, normalize_timestamp
from newsarchive.warc.reader import Damage, iter_archive_paths

logger = logging.getLogger(__name__)

# the writer's name (see WarcWriter._next_name); prefix and hostname may contain dashes
_NAME = re.compile(
    r"^(?P<prefix>.+)-(?P<timestamp>\d{17})-(?P<serial>\d{5})-(?P<host>.+)-(?P<pid>\d+)\.warc\.gz$"
)


@dataclass(frozen=True, order=True)
class RunFile:
    """One WARC file named by newsarchive's writer."""

    timestamp: str  # 17 digits, UTC, when the file was opened
    serial: int
    prefix: str
    host: str
    pid: int
    name: str = field(compare=False)

    @property
    def writer(self) -> tuple[str, str, int]:
        return (self.prefix, self.host, self.pid)


def parse_warc_name(name: str) -> RunFile | None:
    """The parts of a newsarchive WARC file name, or ``None`` for anyone else's file."""
    match = _NAME.match(_basename(name))
    if match is None:
        return None
    try:  # the writer's stamp is a real UTC time; anything else is not its name
        datetime.strptime(match["timestamp"][:14], "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return RunFile(
        timestamp=match["timestamp"],
        serial=int(match["serial"]),
        prefix=match["prefix"],
        host=match["host"],
        pid=int(match["pid"]),
        name=_basename(name),
    )


@dataclass(frozen=True)
class Run:
    """One crawl run: the files one writer process wrote, in serial order."""

    number: int  # 1..n, in the order the runs started
    files: tuple[RunFile, ...]

    @property
    def started(self) -> str:
        """17-digit UTC timestamp of the run's first file (when it archived its first page)."""
        return self.files[0].timestamp

    @property
    def started_at(self) -> datetime:
        stamp = self.started
        return datetime.strptime(stamp[:14], "%Y%m%d%H%M%S").replace(
            microsecond=int(stamp[14:17]) * 1000, tzinfo=timezone.utc)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.files)

    @property
    def complete(self) -> bool:
        """Whether its serials run 00000, 00001, ... without a gap."""
        return [f.serial for f in self.files] == list(range(len(self.files)))

    def label(self) -> str:
        return f"run {self.number} (started {self.started_at:%Y-%m-%d %H:%M:%S} UTC)"


@dataclass(frozen=True)
class ArchiveRuns:
    """The runs found among an archive's file names, and the names that are no run's."""

    runs: tuple[Run, ...]
    others: tuple[str, ...] = ()
    _by_name: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {f.name: r.number for r in self.runs for f in r.files})

    def __len__(self) -> int:
        return len(self.runs)

    def __iter__(self) -> Iterator[Run]:
        return iter(self.runs)

    def get(self, number: int) -> Run:
        """Run ``number`` (1-based); ``RunSelectionError`` when there is no such run."""
        if not 1 <= number <= len(self.runs):
            raise RunSelectionError(f"no run {number}: {self.describe()}")
        return self.runs[number - 1]

    def at(self, timestamp: str) -> Run:
        """The run in progress at ``timestamp``: the latest one that started at or before it."""
        target = normalize_timestamp(timestamp)  # ValueError for a bad timestamp
        found = [run for run in self.runs if run.started[:14] <= target]
        if not found:
            first = self.runs[0].started_at if self.runs else None
            raise RunSelectionError(
                f"no run had started by {_pretty(target)}"
                + (f"; the first started at {first:%Y-%m-%d %H:%M:%S} UTC" if first else f": {self.describe()}")
            )
        return found[-1]

    def run_of(self, filename: str) -> int | None:
        """The number of the run that wrote ``filename`` (a path or a name), if any."""
        return self._by_name.get(_basename(filename))

    def describe(self) -> str:
        count = len(self.runs)
        if count == 0:
            return "the archive holds no runs (its WARC files are not named by newsarchive)"
        return f"the archive holds {count} run{'s' if count != 1 else ''} (1..{count})"


class RunSelectionError(ValueError):
    """``--run``/``--at`` (or ``NEWSARCHIVE_REPLAY_RUN``) names no run of the archive."""


def find_runs(names: Iterable[str]) -> ArchiveRuns:
    """Group file names (paths are fine) into runs; see the module docstring."""
    parsed: list[RunFile] = []
    others: set[str] = set()
    for name in names:
        found = parse_warc_name(name)
        if found is None:
            others.add(_basename(name))
        else:
            parsed.append(found)
    groups: list[list[RunFile]] = []
    current: dict[tuple[str, str, int], list[RunFile]] = {}
    # per writer, by the time each file was opened (the serial breaks ties)
    for file in sorted(set(parsed), key=lambda f: (f.writer, f.timestamp, f.serial)):
        group = current.get(file.writer)
        if file.serial == 0 or group is None or file.serial <= group[-1].serial:
            group = current[file.writer] = [file]  # a new run (its first file may be gone)
            groups.append(group)
        else:
            group.append(file)
    groups.sort(key=lambda g: (g[0].timestamp, g[0].writer))
    runs = tuple(Run(number, tuple(files)) for number, files in enumerate(groups, 1))
    return ArchiveRuns(runs, tuple(sorted(others)))


# ---------------------------------------------------------------------------------
# A loaded archive, shared by every crawl of one replay


@dataclass(frozen=True)
class ReplayScope:
    """What one crawl replays: the captures it may answer from, and how to rank them."""

    index: CaptureIndex  # lookups: the whole archive, or one run's files
    run: Run | None = None  # None: the whole archive
    at: str | None = None  # nearest-capture ranking (whole-archive replays only)
    runs_in_archive: int = 0

    def describe(self) -> str:
        if self.run is not None:
            return f"{self.run.label()} of {self.runs_in_archive}"
        return "the whole archive" + (f", captures nearest {_pretty(self.at)}" if self.at else "")


class ReplayArchive:
    """An archive's capture index, loaded once, with its runs and one index view per run.

    ``resolver`` follows revisits across the whole archive (a run's revisits point at
    earlier runs' records); :meth:`scope` gives the captures one crawl may answer from.
    """

    def __init__(self, paths: Sequence[str], index: CaptureIndex, runs: ArchiveRuns,
                 *, damaged: int = 0, load_seconds: float = 0.0) -> None:
        self.paths = tuple(paths)
        self.index = index
        self.runs = runs
        self.resolver = CaptureResolver(index)
        self.damaged = damaged
        self.load_seconds = load_seconds
        self._run_indexes: dict[int, CaptureIndex] | None = None

    @classmethod
    def open(cls, paths: Sequence[str], *, on_damage: Callable[[Damage], None] | None = None) -> ReplayArchive:
        damaged = 0

        def damage(found: Damage) -> None:
            nonlocal damaged
            damaged += 1
            if on_damage is not None:
                on_damage(found)
            else:
                logger.warning("damaged archive: %s", found)

        started = time.perf_counter()
        index = CaptureIndex.open(list(paths), on_damage=damage)
        runs = find_runs(_archive_names(paths, index))
        archive = cls(paths, index, runs, damaged=damaged, load_seconds=time.perf_counter() - started)
        if len(runs):
            logger.info("%d captures in %s: %s", len(index), ", ".join(paths), runs.describe())
        if len(runs) and runs.others:
            logger.warning("%d file(s) of the archive are not newsarchive run files (%s%s): a replay of one "
                           "run never answers from them, except for revisited payloads",
                           len(runs.others), ", ".join(runs.others[:3]), ", ..." if len(runs.others) > 3 else "")  # fmt: skip
        return archive

    def scope(self, *, run: int | None = None, at: str | None = None) -> ReplayScope:
        """The captures a crawl replays: run ``run``; with ``at`` and several runs, the run in
        progress then; otherwise the whole archive (nearest ``at``, or latest).

        Raises ``RunSelectionError`` (or ``ValueError`` for a bad timestamp).
        """
        count = len(self.runs)
        if run:
            chosen = self.runs.get(run)
        elif at and count >= 2:
            chosen = self.runs.at(at)
        else:
            return ReplayScope(self.index, None, normalize_timestamp(at) if at else None, count)
        return ReplayScope(self.run_index(chosen.number), chosen, None, count)

    def run_index(self, number: int) -> CaptureIndex:
        """The captures of run ``number``'s files (built for every run at the first call)."""
        if self._run_indexes is None:
            by_run: dict[int, list[Capture]] = {r.number: [] for r in self.runs}
            for capture in self.index:  # already in index order
                found = self.runs.run_of(capture.filename)
                if found is not None:
                    by_run[found].append(capture)
            self._run_indexes = {n: CaptureIndex(caps) for n, caps in by_run.items()}
        return self._run_indexes[number]

    def close(self) -> None:
        self.resolver.close()


class ArchiveCache:
    """Loaded archives by their paths: pass one as ``NEWSARCHIVE_REPLAY_CACHE`` to every
    crawl of a replay, and the index is read once for all of them.

    Scrapy copies settings deeply for each crawler; the cache is shared, never copied.
    Whoever creates it closes it (:meth:`close`) when the last crawl is done.
    """

    def __init__(self) -> None:
        self._archives: dict[tuple[str, ...], ReplayArchive] = {}

    def get(self, paths: Sequence[str], *, on_damage: Callable[[Damage], None] | None = None) -> ReplayArchive:
        key = tuple(str(Path(p).resolve()) for p in paths)
        archive = self._archives.get(key)
        if archive is None:
            archive = self._archives[key] = ReplayArchive.open(list(key), on_damage=on_damage)
        return archive

    def loaded(self, paths: Sequence[str]) -> bool:
        return tuple(str(Path(p).resolve()) for p in paths) in self._archives

    def close(self) -> None:
        for archive in self._archives.values():
            archive.close()
        self._archives.clear()

    def __copy__(self) -> ArchiveCache:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> ArchiveCache:
        return self

    def __repr__(self) -> str:  # Scrapy logs overridden settings
        return f"<ArchiveCache of {len(self._archives)} archive(s)>"


def _archive_names(paths: Sequence[str], index: CaptureIndex) -> set[str]:
    """Every WARC file name of the archive: the files on disk and those the index names
    (WACZ members, CDXJ indexes)."""
    names = {_basename(c.filename) for c in index}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            names.update(p.name for p in iter_archive_paths([path]))
    return names


def _basename(name: str) -> str:
    return name.replace(os.sep, "/").rsplit("/", 1)[-1]


def _pretty(stamp: str | None) -> str:
    if not stamp:
        return ""
    s = normalize_timestamp(stamp)
    return f"{s[:4]}-{s[4:6]}-{s[6:8]} {s[8:10]}:{s[10:12]}:{s[12:14]} UTC"


__all__ = [
    "ArchiveCache",
    "ArchiveRuns",
    "ReplayArchive",
    "ReplayScope",
    "Run",
    "RunFile",
    "RunSelectionError",
    "find_runs",
    "parse_warc_name",
]
