"""``newsarchive replay --jobs N``: a job's runs shared out among processes, same bytes.

Three real crawls of the sample site into one job directory (the site publishing more
articles each time; its broken article is a 404 every run, kept as a teaser with
``fetch_error``), and in a copy of the job one article record of the last run damaged
(replayed as ``damaged_capture``). ``--jobs 2`` must give the very bytes of ``--jobs 1``,
the same summary and exit status; a worker killed part-way, or a signal to the replay,
must never end in a success or a written items file.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run_cli
from newsarchive.replay.parallel import balance, parse_jobs
from test_replay_damaged import damage_member

ARTICLES = 40
HIDDEN = (24, 12, 0)  # newest articles not yet published, crawl by crawl


@dataclass
class Job:
    base_url: str
    dir: Path  # three runs, intact
    damaged: Path  # a copy, one article record of run 3 damaged
    damaged_url: str


def crawl(site_url: str, out: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "newsarchive", "crawl", "timesca", "--out", str(out),
         "-a", f"base_url={site_url}", "--log-level", "WARNING", "-s", "CONCURRENT_REQUESTS=1"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]


@pytest.fixture(scope="module")
def job(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Job]:
    from newsarchive.sample_site import SampleSite

    tmp = tmp_path_factory.mktemp("jobs")
    job_dir = tmp / "job"
    with SampleSite(articles=ARTICLES, per_page=10, hidden_newest=HIDDEN[0]) as site:
        for hidden in HIDDEN:
            site.hidden_newest = hidden
            crawl(site.url, job_dir)
        base_url = site.url
    damaged = tmp / "damaged"
    shutil.copytree(job_dir, damaged)
    last = max((damaged / "warc").glob("*.warc.gz"))
    entries = [json.loads(line.split(" ", 2)[2]) for line in (damaged / "warc" / "index.cdxj").read_text().splitlines()]
    article = next(e for e in entries if e["filename"] == last.name and e["status"] == "200"
                   and e.get("mime") == "text/html" and "/page/" not in e["url"] and not e["url"].endswith("/latest/"))
    damage_member(last, int(article["offset"]))
    yield Job(base_url, job_dir, damaged, article["url"])


def replay(job: Job, path: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("replay", str(path), "--spider", "timesca", "-a", f"base_url={job.base_url}",
                   "-o", str(out), "--log-level", "WARNING", *args, timeout=300)


def summary(stdout: str, out: Path) -> list[str]:
    """The summary without its timings, the output's name and the line saying how the
    runs were shared out."""
    return [line.replace(str(out), "OUT") for line in stdout.splitlines()
            if not line.startswith(("elapsed:", "runs replayed:"))]


@pytest.mark.slow
def test_two_jobs_give_the_bytes_of_one_with_failures_and_damage(job: Job, tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    single = replay(job, job.damaged, one, "--jobs", "1")
    assert single.returncode == 0, single.stderr[-3000:]
    parallel = replay(job, job.damaged, two, "--jobs", "2")
    assert parallel.returncode == 0, parallel.stderr[-3000:]
    assert two.read_bytes() == one.read_bytes()
    assert "runs replayed:  3 of 3, in 2 processes" in parallel.stdout
    assert "runs replayed:  3 of 3, one after the other" in single.stdout
    assert summary(parallel.stdout, two) == summary(single.stdout, one)
    items = [json.loads(line) for line in two.read_text().splitlines()]
    errors = {item["url"]: item.get("fetch_error") for item in items if item.get("fetch_error")}
    assert "http_404" in errors.values()  # the broken article, counted as a failure
    assert errors.get(job.damaged_url) == "damaged_capture", errors
    assert len({item["url"] for item in items}) == len(items)
    assert not list(tmp_path.glob(".newsarchive-replay-*"))  # the workers' files are gone

    # from Python too; the intact job gives its live items.jsonl, byte for byte
    import newsarchive

    result = newsarchive.replay(job.dir, "timesca", tmp_path / "api.jsonl", args={"base_url": job.base_url}, jobs=2)
    assert result.ok and "in 2 processes" in result.summary
    assert (tmp_path / "api.jsonl").read_bytes() == (job.dir / "items.jsonl").read_bytes()


@pytest.mark.slow
def test_one_run_is_replayed_in_one_process_whatever_jobs_says(job: Job, tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    for out, jobs in ((one, "1"), (two, "2")):
        result = replay(job, job.dir, out, "--run", "2", "--jobs", jobs)
        assert result.returncode == 0, result.stderr[-3000:]
        assert "run replayed:   run 2 (started" in result.stdout
    assert two.read_bytes() == one.read_bytes() and one.read_bytes()
    bad = replay(job, job.dir, tmp_path / "bad.jsonl", "--run", "4", "--jobs", "2")
    assert bad.returncode == 2 and bad.stderr.startswith("newsarchive replay: no run 4: the archive holds 3 runs")


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def start_replay(job: Job, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "newsarchive", "replay", str(job.dir), "--spider", "timesca",
         "-a", f"base_url={job.base_url}", "-o", str(out), "--log-level", "WARNING", "--jobs", "2"],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_for_workers(proc: subprocess.Popen[str], count: int = 2, timeout: float = 60) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        found = children(proc.pid)
        if len(found) >= count:
            return found
        time.sleep(0.05)
    raise AssertionError(f"no {count} workers started: {proc.communicate()}")


@pytest.mark.slow
def test_a_killed_worker_fails_the_replay_and_writes_nothing(job: Job, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"before\n")
    proc = start_replay(job, out)
    worker = wait_for_workers(proc)[0]
    os.kill(worker, signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1, (stdout, stderr[-3000:])
    assert "was killed by SIGKILL" in stderr
    assert "items written:  none" in stdout
    assert out.read_bytes() == b"before\n"  # left as it was
    assert not list(tmp_path.glob(".newsarchive-replay-*"))


@pytest.mark.slow
def test_sigterm_interrupts_every_worker(job: Job, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    proc = start_replay(job, out)
    workers = wait_for_workers(proc)
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1, (stdout, stderr[-3000:])
    assert "interrupted after" in stderr
    assert not out.exists()
    assert not [w for w in workers if Path(f"/proc/{w}").exists() and "zombie" not in _state(w)]


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:", 1)[1].split("\n", 1)[0].lower()
    except (OSError, IndexError):
        return "gone"


def test_bad_jobs_values_exit_2_with_one_line(tmp_path: Path) -> None:
    for value in ("0", "x", "-2", ""):
        result = run_cli("replay", str(tmp_path), "--spider", "timesca", "-o", str(tmp_path / "o.jsonl"),
                         "--jobs", value)
        assert result.returncode == 2, (value, result.stderr)
        assert result.stderr.strip() == f"newsarchive replay: --jobs takes a number of processes (1 or more), got {value!r}"


def test_runs_are_shared_out_largest_first_and_deterministically() -> None:
    assert balance([100, 10, 90, 10], 2) == [(0, 3), (1, 2)]
    assert balance([5, 5, 5], 8) == [(0,), (1,), (2,)]  # never more workers than runs
    assert balance([5, 5, 5], 1) == [(0, 1, 2)]
    assert parse_jobs(None) is None and parse_jobs("3") == 3
    with pytest.raises(ValueError):
        parse_jobs("0")
