"""Speed of ``newsarchive index``, ``verify`` and ``wacz`` against the tools they replace.

Run: ``python bench/archive_tools_speed.py [--archive FILE.warc.gz] [--mb 300]
[--pywacz PATH/TO/wacz] [--keep FILE.warc.gz] [--rounds 1]``.

Without ``--archive`` a gzip WARC of about ``--mb`` MB is written first (warcio, one
member per record, SHA-1 block and payload digests, as a crawl writes them): request and
response pairs of news-like HTML pages of 2-80 KB, plus some images. Each tool then runs
on that same file as its own process; both its CPU time (user + system of the process and
its children, from start to exit, interpreter start-up included) and its wall-clock time
are measured, each the best of ``--rounds``:

* ``newsarchive index -o`` against ``cdxj-indexer --sort`` (the test extra); their
  indexes must be byte-identical;
* ``newsarchive verify`` against ``warcio check`` (both must find the file sound);
* ``newsarchive wacz --no-text`` against py-wacz ``wacz create -d`` (pages detected, no
  text), when ``--pywacz`` names py-wacz's ``wacz`` command (it pins old libraries: give
  it a virtualenv of its own).

Ours run twice: with ``--jobs 1`` (one process, like the tools they are compared with)
and with the default ``--jobs`` (one process per core: a big file is split among them,
:mod:`newsarchive.warc.parallel_scan`). The tools compared with are single-process, so
CPU time compares the work done and wall-clock time what a user waits for (on a shared
machine it also counts the wait for a core: run it on a quiet one).

Our tools run with compiled bytecode, as an installed package has it (the tools they are
compared with come with theirs from pip): when the environment says not to write
bytecode (``PYTHONDONTWRITEBYTECODE``, as in a read-only checkout), ours is compiled once
into a temporary ``PYTHONPYCACHEPREFIX`` by a warm-up run on a tiny archive, not timed.

Printed per tool: CPU and wall seconds, MB per second (of the archive file), and
"speed-up": their time divided by ours, in CPU time and in wall time, so 2.00x means ours
takes half the time and 0.80x means ours is slower. The target of issue 14 is 3.00x for
all three.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_WORDS = (  # noqa: SIM905 - a sentence reads better than a list
    "the council said on monday that its plans for the new harbour would cost more than expected "
    "while residents asked why the budget had doubled since last year and officials promised a "
    "review of every contract signed by the former mayor before the election").split()


def _page(rng: random.Random, number: int) -> bytes:
    paragraphs = []
    for _ in range(rng.randint(4, 120)):
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(20, 90)))
        paragraphs.append(f"<p>{words}.</p>")
    return (f"<!doctype html><html><head><title>Article {number}</title></head><body><article>"
            f"<h1>Article {number}</h1><time datetime=\"2026-11-{number % 28 + 1:02d}\"></time>"
            + "\n".join(paragraphs) + "</article></body></html>").encode()


def build_archive(path: Path, megabytes: int) -> int:
    """Write the benchmark archive; returns its record count."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(14)
    pages = [_page(rng, number) for number in range(300)]  # reused under new URLs: fast to build
    records = 0
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "bench"}))
        number = 0
        while out.tell() < megabytes * 1_000_000:
            number += 1
            image = number % 10 == 0
            url = f"http://news.example/{'img' if image else 'article'}/{number}{'.jpg' if image else '/'}"
            body = rng.randbytes(rng.randint(20_000, 200_000)) if image else pages[number % len(pages)]
            kind = "image/jpeg" if image else "text/html; charset=utf-8"
            http = StatusAndHeaders("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body))),
                                               ("Server", "bench")], protocol="HTTP/1.1")
            response = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http)
            request = writer.create_warc_record(url, "request", payload=BytesIO(b""), http_headers=StatusAndHeaders(
                f"GET /{url.split('/', 3)[3]} HTTP/1.1", [("Host", "news.example"), ("User-Agent", "bench")],
                is_http_request=True))
            request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
            writer.write_record(request)
            writer.write_record(response)
            records += 2
    return records + 1


@dataclass
class Timing:
    """The best CPU and (separately) the best wall-clock seconds of a command's runs."""

    cpu: float
    wall: float
    done: subprocess.CompletedProcess[bytes]


def _timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Timing:
    """CPU seconds (user + system, of the process and the children it waited for) and
    wall-clock seconds that the command took, and how it ended."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, check=False, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Timing((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall, done)


def _best(command: list[str], cwd: Path, rounds: int, env: dict[str, str] | None = None) -> Timing:
    results = [_timed(command, cwd, env) for _ in range(rounds)]
    return Timing(min(r.cpu for r in results), min(r.wall for r in results), results[-1].done)


def _bytecode_env(work: Path, python: str) -> dict[str, str] | None:
    """An environment in which our tools load compiled bytecode (None: they do already),
    made by a warm-up run of each on a tiny archive."""
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return None
    env = dict(os.environ)
    del env["PYTHONDONTWRITEBYTECODE"]
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    tiny = work / "warm-up" / "tiny.warc.gz"
    tiny.parent.mkdir()
    build_archive(tiny, 0)
    for args in (["index", str(tiny)], ["verify", str(tiny)], ["wacz", "--no-text", "-o", str(tiny) + ".wacz",
                                                                 str(tiny)]):
        subprocess.run([python, "-m", "newsarchive", *args], cwd=ROOT, capture_output=True, check=False, env=env)
    return env


def _rows(name: str, anchor: str, theirs: Timing | None, ours: list[tuple[str, Timing]], size: int,
          note: str) -> None:
    mb = size / 1e6

    def cells(t: Timing) -> str:
        return f"CPU {t.cpu:6.2f}s {mb / t.cpu:6.1f} MB/s | wall {t.wall:6.2f}s {mb / t.wall:6.1f} MB/s"

    if theirs is not None:
        print(f"{name:7} {anchor:24} {cells(theirs)}")
    else:
        print(f"{name:7} {'(no anchor: ' + anchor + ')':24}")
    for label, t in ours:
        ratio = (f" | speed-up CPU {theirs.cpu / t.cpu:5.2f}x, wall {theirs.wall / t.wall:5.2f}x (target 3.00x)"
                 if theirs is not None else "")
        print(f"{'':7} {label:24} {cells(t)}{ratio}")
    print(f"{'':7} {note}")


def _ours(python: str, args: list[str], jobs: int, rounds: int, env: dict[str, str] | None
          ) -> list[tuple[str, Timing]]:
    """Our tool at --jobs 1 and at its default --jobs (one process per core); ``{tag}`` in
    ``args`` is ``1`` and ``default`` (output files of their own)."""
    single = _best([python, "-m", "newsarchive", args[0], "--jobs", "1", *(a.format(tag="1") for a in args[1:])],
                   ROOT, rounds, env)
    default = _best([python, "-m", "newsarchive", *(a.format(tag="default") for a in args)], ROOT, rounds, env)
    return [("ours --jobs 1", single), (f"ours default (--jobs {jobs})", default)]


def _wacz_contents(path: Path) -> dict[str, bytes]:
    """Every member of a WACZ but the two that say when it was made."""
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist() if not name.startswith("datapackage")}


def _default_jobs() -> int:
    sys.path.insert(0, str(ROOT))
    from newsarchive.cores import default_jobs

    return default_jobs()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", type=Path, help="benchmark this WARC instead of a generated one")
    parser.add_argument("--mb", type=int, default=300, help="size of the generated archive (default 300)")
    parser.add_argument("--pywacz", help="py-wacz's wacz command (in a virtualenv of its own)")
    parser.add_argument("--keep", type=Path, help="write the generated archive here (reused if it exists)")
    parser.add_argument("--rounds", type=int, default=1, help="runs per tool, best kept (default 1)")
    args = parser.parse_args()
    python = sys.executable
    bindir = Path(python).parent
    with tempfile.TemporaryDirectory(prefix="archive-tools-bench-") as tmp:
        work = Path(tmp)
        archive = args.archive or args.keep or work / "bench.warc.gz"
        archive = archive.resolve()
        if not args.archive and not (args.keep and archive.exists()):
            start = time.perf_counter()
            count = build_archive(archive, args.mb)
            print(f"built {archive.name}: {archive.stat().st_size / 1e6:.0f} MB, {count} records "
                  f"({time.perf_counter() - start:.0f}s)")
        size = archive.stat().st_size
        if archive.parent != work:  # beside the indexes, so that both name it alike (filename field)
            try:
                os.link(archive, work / archive.name)
            except OSError:  # another file system
                shutil.copy(archive, work / archive.name)
            archive = work / archive.name
        jobs = _default_jobs()
        print(f"archive: {size / 1e6:.1f} MB; CPU = user + system seconds of each run (children included), "
              f"wall = wall-clock seconds; each the best of {args.rounds}; speed-up = their time / ours (above "
              f"1.00x: ours is faster), in CPU and in wall time; the tools compared with use one process, "
              f"ours at --jobs 1 and at the default --jobs {jobs} ({os.cpu_count()} CPUs)")

        env = _bytecode_env(work, python)
        if env is not None:
            print("(our tools load bytecode compiled by a warm-up run: PYTHONDONTWRITEBYTECODE is set here)")
        cdxj = shutil.which("cdxj-indexer", path=str(bindir)) or "cdxj-indexer"
        theirs = _best([cdxj, "--sort", "-o", str(work / "theirs.cdxj"), str(archive)], ROOT, args.rounds)
        ours = _ours(python, ["index", "-o", str(work / "ours-{tag}.cdxj"), str(archive)], jobs, args.rounds, env)
        same = all((work / f"ours-{tag}.cdxj").read_bytes() == (work / "theirs.cdxj").read_bytes()
                   for tag in ("1", "default"))
        if not same and args.keep:
            for name in ("ours-1.cdxj", "ours-default.cdxj", "theirs.cdxj"):
                shutil.copy(work / name, args.keep.with_name(args.keep.name + "." + name))
            print(f"index outputs differ: kept beside {args.keep}")
        _rows("index", "cdxj-indexer --sort", theirs, ours, size,
              f"[output {'byte-identical' if same else 'DIFFERS'} (both jobs settings); exit "
              f"{'/'.join(str(t.done.returncode) for _, t in ours)}/{theirs.done.returncode}]")

        warcio = shutil.which("warcio", path=str(bindir)) or "warcio"
        theirs = _best([warcio, "check", str(archive)], ROOT, args.rounds)
        ours = _ours(python, ["verify", str(archive)], jobs, args.rounds, env)
        reports = {t.done.stdout for _, t in ours}
        _rows("verify", "warcio check", theirs, ours, size,
              f"[exit {'/'.join(str(t.done.returncode) for _, t in ours)}/{theirs.done.returncode}: 0 = sound; "
              f"reports {'identical' if len(reports) == 1 else 'DIFFER'}]")

        ours = _ours(python, ["wacz", "--no-text", "-o", str(work / "ours-{tag}.wacz"), str(archive)], jobs,
                     args.rounds, env)
        same = "identical" if _wacz_contents(work / "ours-1.wacz") == _wacz_contents(work / "ours-default.wacz") \
            else "DIFFER"
        if args.pywacz:
            theirs = _best([args.pywacz, "create", "-d", "-o", str(work / "theirs.wacz"), str(archive)],
                           work, args.rounds)
            _rows("wacz", "py-wacz create -d", theirs, ours, size,
                  f"[exit {'/'.join(str(t.done.returncode) for _, t in ours)}/{theirs.done.returncode}; "
                  f"our packages at both jobs settings {same} but for the time they were made]")
        else:
            _rows("wacz", "py-wacz not given (--pywacz)", None, ours, size,
                  f"[no anchor, no speed-up; our packages {same} but for the time they were made]")
        digest = hashlib.sha1(archive.read_bytes()[:1 << 20]).hexdigest()[:12]
        print(f"(archive head sha1 {digest}; python {sys.version.split()[0]}; {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
