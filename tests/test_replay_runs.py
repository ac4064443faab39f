"""A crawl job's archive holds one run per crawl; replay gives every archived article.

Two real crawls into one job directory: the first while the sample site hides its newest
articles, the second once they are published. The default replay replays each run in
turn and merges (each article once, from its latest run): byte-identical to the job's
live ``items.jsonl``; ``--run N`` / ``--at`` replay one run as it was.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from scrapy.settings import Settings

from conftest import REPO_ROOT, run_cli
from newsarchive.job.dedupe import canonical_url
from newsarchive.replay.runs import ArchiveCache, RunSelectionError, find_runs, parse_warc_name

ARTICLES, HIDDEN = 60, 15


# -- runs from file names (no crawl) -------------------------------------------------

def name(stamp: str, serial: int, pid: int, host: str = "vm", prefix: str = "timesca") -> str:
    return f"{prefix}-{stamp}000-{serial:05d}-{host}-{pid}.warc.gz"


def test_runs_come_from_writer_file_names() -> None:
    names = [
        name("20260101061500", 0, 100),
        name("20260101062000", 1, 100),  # roll-over of the first run
        name("20260102061500", 0, 100),  # the same pid a day later (a container): a new run
        name("20260103061500", 0, 7, host="crawler-2.example", prefix="timesca-toml"),  # dashes
        "wget-site.warc.gz",
        "other/heritrix-20260101-00001.warc.gz",
    ]
    runs = find_runs(reversed(names))
    assert [len(r.files) for r in runs] == [2, 1, 1]
    assert [r.number for r in runs] == [1, 2, 3]
    assert runs.runs[0].names == {names[0], names[1]} and runs.runs[0].complete
    assert runs.runs[2].files[0].prefix == "timesca-toml" and runs.runs[2].files[0].host == "crawler-2.example"
    assert runs.others == ("heritrix-20260101-00001.warc.gz", "wget-site.warc.gz")
    assert runs.run_of("/some/dir/" + names[1]) == 1 and runs.run_of("wget-site.warc.gz") is None
    # the run in progress at a time: the latest that started at or before it
    assert runs.at("202601010615").number == 1
    assert runs.at("2026-01-02T06:14:59").number == 1
    assert runs.at("2026-01-02T06:15:00").number == 2
    assert runs.at("20260102235959").number == 2
    assert runs.at("2027").number == 3
    with pytest.raises(RunSelectionError, match="no run had started by 2026-01-01 00:00:00 UTC; the first"):
        runs.at("20260101")  # run 1 started at 06:15
    with pytest.raises(RunSelectionError, match=r"no run 4: the archive holds 3 runs \(1..3\)"):
        runs.get(4)
    with pytest.raises(ValueError, match="not a timestamp"):
        runs.at("soon")


def test_a_lost_first_file_still_starts_a_new_run() -> None:
    # run A wrote serials 0-2; run B (same host and pid, later) lost its 00000 file
    names = [name("20260101061500", s, 5) for s in range(3)] + [name("20260102061500", 1, 5)]
    runs = find_runs(names)
    assert [len(r.files) for r in runs] == [3, 1]
    assert not runs.runs[1].complete


def test_foreign_archives_have_no_runs() -> None:
    runs = find_runs(["site.warc.gz", "crawl-1.arc.gz"])
    assert len(runs) == 0 and "no runs" in runs.describe()
    assert parse_warc_name("timesca-2026-00000-vm-1.warc.gz") is None


def test_the_archive_cache_is_shared_not_copied_by_scrapy_settings() -> None:
    cache = ArchiveCache()
    settings = Settings({"NEWSARCHIVE_REPLAY_CACHE": cache})
    assert settings.copy().get("NEWSARCHIVE_REPLAY_CACHE") is cache
    assert copy.deepcopy(cache) is cache


# -- a two-run job, crawled for real -------------------------------------------------

@dataclass
class Job:
    base_url: str
    dir: Path  # two runs: before and after the newest articles were published
    rerun: Path  # the same, plus a third run that crawled everything again
    runs_chunks: list[list[bytes]]  # live items of each run of ``dir``, as written
    starts: list[str]  # 17-digit start timestamp of each run (from the WARC names)


def crawl(site_url: str, out: Path) -> None:
    done = subprocess.run(
        # One request at a time: the boilerplate learner's first pages then come in the same
        # order live and in replay (see the session note on the learner's order dependence).
        [sys.executable, "-m", "newsarchive", "crawl", "timesca", "--out", str(out),
         "-a", f"base_url={site_url}", "--log-level", "WARNING", "-s", "CONCURRENT_REQUESTS=1"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]


def live_runs(job_dir: Path) -> list[list[bytes]]:
    """The job's live items, split into runs by the item counts in runs.jsonl."""
    counts = [json.loads(line)["items"] for line in (job_dir / "runs.jsonl").read_text().splitlines()]
    lines = (job_dir / "items.jsonl").read_bytes().splitlines(keepends=True)
    assert sum(counts) == len(lines)
    chunks, start = [], 0
    for count in counts:
        chunks.append(lines[start:start + count])
        start += count
    return chunks


@pytest.fixture(scope="module")
def job(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Job]:
    from newsarchive.sample_site import SampleSite

    tmp = tmp_path_factory.mktemp("job")
    job_dir = tmp / "job"
    with SampleSite(articles=ARTICLES, per_page=10, hidden_newest=HIDDEN) as site:
        crawl(site.url, job_dir)
        site.hidden_newest = 0  # the newest articles are published
        crawl(site.url, job_dir)
        rerun = tmp / "rerun"
        shutil.copytree(job_dir, rerun)
        (rerun / "seen-urls.txt").unlink()  # forget what was archived: run 3 crawls it all again
        crawl(site.url, rerun)
        base_url = site.url
    starts = sorted(n.name.split("-")[-4] for n in (job_dir / "warc").glob("*.warc.gz"))
    yield Job(base_url, job_dir, rerun, live_runs(job_dir), starts)


def replay(job: Job, *args: str, path: Path | None = None, out: Path) -> subprocess.CompletedProcess[str]:
    return run_cli("replay", str(path or job.dir), "--spider", "timesca", "-a", f"base_url={job.base_url}",
                   "-o", str(out), "--log-level", "WARNING", "-s", "CONCURRENT_REQUESTS=1", *args)


def urls(lines: list[bytes]) -> list[str]:
    return [canonical_url(json.loads(line)["url"]) for line in lines]


@pytest.mark.slow
def test_default_replay_gives_every_archived_article_once_byte_identical(job: Job, tmp_path: Path) -> None:
    first, second = job.runs_chunks
    assert len(first) == ARTICLES - HIDDEN and len(second) >= HIDDEN - 1  # (one hidden page is a 404 teaser)
    assert not set(urls(first)) & set(urls(second))  # each article archived by one run only
    assert len(job.starts) == 2  # one WARC file per run

    out = tmp_path / "replayed.jsonl"
    result = replay(job, out=out)  # the job directory itself: its warc/ is used
    assert result.returncode == 0, result.stderr[-3000:]
    replayed = out.read_bytes()
    live = (job.dir / "items.jsonl").read_bytes()
    assert sorted(urls(replayed.splitlines())) == sorted(urls(live.splitlines()))
    assert len(set(urls(replayed.splitlines()))) == len(replayed.splitlines())  # once each
    assert replayed == live
    assert "runs replayed:  2 of 2" in result.stdout
    assert "run 1 (started " in result.stdout and f": {len(first)} items" in result.stdout
    assert f": {len(second)} items" in result.stdout
    assert f"items written:  {len(live.splitlines())} ->" in result.stdout and "0 superseded" in result.stdout


@pytest.mark.slow
def test_the_warc_directory_replays_the_same(job: Job, tmp_path: Path) -> None:
    out = tmp_path / "replayed.jsonl"
    result = run_cli("replay", str(job.dir / "warc"), "--spider", "timesca", "-a", f"base_url={job.base_url}",
                     "-o", str(out), "--log-level", "INFO", "-s", "CONCURRENT_REQUESTS=1")
    assert result.returncode == 0, result.stderr[-3000:]
    assert out.read_bytes() == (job.dir / "items.jsonl").read_bytes()
    # the index is read once for both crawls
    assert result.stderr.count("the archive holds 2 runs (1..2)") == 1, result.stderr[-3000:]
    assert result.stderr.count("Replaying run ") == 2


@pytest.mark.slow
def test_a_wacz_of_the_job_replays_by_run_too(job: Job, tmp_path: Path) -> None:
    """Runs come from the file names the index gives, so a WACZ has them too."""
    wacz = tmp_path / "job.wacz"
    packed = run_cli("wacz", str(job.dir / "warc"), "-o", str(wacz), "--items", str(job.dir / "items.jsonl"))
    assert packed.returncode == 0, packed.stderr[-2000:]
    out = tmp_path / "from-wacz.jsonl"
    result = replay(job, path=wacz, out=out)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "runs replayed:  2 of 2" in result.stdout
    assert out.read_bytes() == (job.dir / "items.jsonl").read_bytes()


@pytest.mark.slow
def test_one_run_replays_as_it_was(job: Job, tmp_path: Path) -> None:
    for number, chunk in enumerate(job.runs_chunks, 1):
        out = tmp_path / f"run{number}.jsonl"
        result = replay(job, "--run", str(number), out=out)
        assert result.returncode == 0, result.stderr[-3000:]
        assert out.read_bytes() == b"".join(chunk), number
        assert f"run replayed:   run {number} (started" in result.stdout


def test_at_timestamps_with_a_zone_are_read_in_utc() -> None:
    """The index's timestamps are UTC: an offset is converted, never read as digits of the time."""
    from newsarchive.replay.index_lookup import normalize_timestamp

    assert normalize_timestamp("2024-03-01T10:00+05:00") == "20240301050000"
    assert normalize_timestamp("2024-03-01T02:00:30-05:00") == "20240301070030"
    assert normalize_timestamp("2024-03-01T10:00Z") == normalize_timestamp("2024-03-01T10:00") == "20240301100000"
    assert normalize_timestamp("2024") == "20240101000000"
    assert normalize_timestamp("20240301100000") == "20240301100000"
    with pytest.raises(ValueError, match="not a timestamp"):
        normalize_timestamp("2024-03-01T10:00+5")


@pytest.mark.slow
def test_at_picks_the_run_in_progress(job: Job, tmp_path: Path) -> None:
    first_start, second_start = job.starts
    assert first_start[:14] < second_start[:14]
    # the second run's start as a clock five hours east of UTC reads it: the same instant
    east = datetime.strptime(second_start[:14], "%Y%m%d%H%M%S") + timedelta(hours=5)
    zoned = east.strftime("%Y-%m-%dT%H:%M:%S+05:00")
    for stamp, number in ((first_start[:14], 1), (second_start[:14], 2), (zoned, 2), ("2999", 2)):
        out = tmp_path / f"at-{stamp}.jsonl"
        result = replay(job, "--at", stamp, out=out)
        assert result.returncode == 0, result.stderr[-3000:]
        assert out.read_bytes() == b"".join(job.runs_chunks[number - 1]), stamp
        assert f"run replayed:   run {number} " in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("args, message", [
    (["--run", "3"], "no run 3: the archive holds 2 runs (1..2)"),
    (["--run", "0"], "--run takes a run number (1 or more)"),
    (["--run", "two"], "--run takes a run number (1 or more)"),
    (["--run", "1", "--at", "2026"], "--run and --at both choose what to replay"),
    (["--at", "yesterday"], "not a timestamp"),
    (["--at", "2026-01-01T10:00+5"], "not a timestamp"),
    (["--at", "1999"], "no run had started by 1999-01-01 00:00:00 UTC"),
])
def test_bad_run_choices_exit_2_with_one_line(job: Job, tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "o.jsonl"
    result = replay(job, *args, out=out)
    assert result.returncode == 2, (result.stdout, result.stderr[-2000:])
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr[-2000:]
    assert result.stderr.startswith(f"newsarchive replay: {message}")
    assert not out.exists()


@pytest.mark.slow
def test_a_later_run_supersedes_an_earlier_capture_of_the_same_article(job: Job, tmp_path: Path) -> None:
    """Run 3 archived every article again: each comes once, from run 3, in its order."""
    chunks = live_runs(job.rerun)
    assert len(chunks) == 3
    latest: dict[str, int] = {}
    for position, chunk in enumerate(chunks):
        for url in urls(chunk):
            latest[url] = position
    expected = [line for position, chunk in enumerate(chunks) for line, url in zip(chunk, urls(chunk))
                if latest[url] == position]
    superseded = sum(len(c) for c in chunks) - len(expected)
    assert superseded >= ARTICLES - HIDDEN  # run 3 re-archived (at least) run 1's articles

    out = tmp_path / "merged.jsonl"
    result = replay(job, path=job.rerun, out=out)
    assert result.returncode == 0, result.stderr[-3000:]
    assert out.read_bytes() == b"".join(expected)
    assert "runs replayed:  3 of 3" in result.stdout
    assert f"from its latest run; {superseded} superseded)" in result.stdout
    assert "superseded by a later run" in result.stdout


@pytest.mark.slow
def test_scrapy_crawl_replays_one_run_with_the_setting(job: Job, tmp_path: Path) -> None:
    out = tmp_path / "scrapy.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "timesca", "-a", f"base_url={job.base_url}",
         "-s", f"NEWSARCHIVE_REPLAY={job.dir / 'warc'}", "-s", "NEWSARCHIVE_REPLAY_RUN=2",
         "-s", "LOG_LEVEL=WARNING", "-O", str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert out.read_bytes() == b"".join(job.runs_chunks[1])

    # a run the archive does not have: said in one line, and the crawl stops at once
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "timesca", "-a", f"base_url={job.base_url}",
         "-s", f"NEWSARCHIVE_REPLAY={job.dir / 'warc'}", "-s", "NEWSARCHIVE_REPLAY_RUN=9",
         "-s", "LOG_LEVEL=INFO", "-O", str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
    )
    assert "cannot replay" in done.stderr and "no run 9: the archive holds 2 runs" in done.stderr
    assert "Spider closed (replay_run_not_found)" in done.stderr
    assert out.read_bytes() == b""


@pytest.mark.slow
def test_nothing_to_replay_exits_3(job: Job, tmp_path: Path) -> None:
    # without base_url the spider starts at https://timesca.com/, which no run captured
    for args in ([], ["--run", "2"]):
        result = run_cli("replay", str(job.dir), "--spider", "timesca", "-o", str(tmp_path / "o.jsonl"),
                         "--log-level", "WARNING", *args)
        assert result.returncode == 3, (args, result.stdout, result.stderr[-2000:])
        assert "nothing replayed" in result.stderr
