"""``newsarchive replay PATH... --spider NAME -o items.jsonl``: re-extract items offline.

A job directory's archive holds one run per crawl: by default each run is replayed in
turn and the items merged, each article once from its latest run (``newsarchive.replay.job``);
``--run N`` or ``--at TIMESTAMP`` replays one run as it was. ``--jobs N`` (default: the
cores) shares the runs out among N processes; the merged items are the same bytes.

Exit status: 0 done, 1 the replay failed, 2 bad arguments, 3 nothing could be replayed
(the archive, or the run, holds no capture of the spider's start URLs).
"""

from __future__ import annotations

import argparse
import sys

from newsarchive.commands import checked_settings, log_level, quiet_startup
from newsarchive.runner.crawl_job import parse_pairs
from newsarchive.job.outcome import EXIT_NOTHING, EXIT_USAGE
from newsarchive.replay.job import NothingToReplay, ReplayOutcome, ReplayUsageError, replay_job, replay_settings
from newsarchive.replay.parallel import parse_jobs
from newsarchive.sites.definition import SiteDefinitionError

HELP = (
    "run a spider over archived WARC/WACZ files with no network: every request is "
    "answered from the archive"
)
PROG = "newsarchive replay"

__all__ = ["HELP", "add_arguments", "replay_settings", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = 'examples:\n  newsarchive replay runs/timesca --spider timesca -o replayed.jsonl\n  newsarchive replay runs/timesca --spider timesca --run 3 -o run3.jsonl\n  newsarchive replay crawl.wacz --spider https://example.org/news/ -o items.jsonl\nspiders and their -a arguments: newsarchive list'
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="crawl job directories, WARC/ARC files, directories, WACZ files or CDXJ indexes")
    parser.add_argument("--spider", required=True, metavar="NAME_OR_SITE_TOML",
                        help="spider name or site definition file")
    parser.add_argument("-o", "--output", required=True, metavar="ITEMS",
                        help="items file to write (JSON Lines, overwritten)")
    parser.add_argument("--run", metavar="N",
                        help="replay only run N of a job's archive (1 = the first), as it was")
    parser.add_argument("--at", metavar="TIMESTAMP",
                        help="replay the run in progress at this time (YYYY[MMDD[hhmmss]], UTC); for "
                             "archives without runs, prefer captures nearest it. Default: every run, merged")
    parser.add_argument("--jobs", "-j", metavar="N", default=None,
                        help="processes to share a job's runs out among (default: the number of cores, "
                             "one per 2,000 captures at most); the items are the same bytes with any N. "
                             "One run is always replayed in one process")
    parser.add_argument("-a", dest="spider_args", action="append", metavar="NAME=VALUE",
                        help="spider argument (repeatable)")
    parser.add_argument("-s", dest="settings", action="append", metavar="NAME=VALUE",
                        help="Scrapy setting (repeatable)")
    parser.add_argument("--log-level", default=None, type=log_level, help="Scrapy LOG_LEVEL (default INFO)")


def run(args: argparse.Namespace) -> int:
    try:
        spider_args = parse_pairs(args.spider_args, "-a")
        settings = checked_settings(args.settings)
        # the settings say the same as the options (and are then checked the same way)
        from_settings = settings.pop("NEWSARCHIVE_REPLAY_RUN", None)
        run_number = _run_number(args.run if args.run is not None else (None if from_settings == "0" else from_settings))
        at = args.at if args.at is not None else (settings.pop("NEWSARCHIVE_REPLAY_AT", None) or None)
        jobs = parse_jobs(args.jobs)
    except ValueError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    if args.log_level:
        settings["LOG_LEVEL"] = args.log_level
    quiet_startup(settings.get("LOG_LEVEL"))
    try:
        outcome = replay_job(args.spider, args.paths, args.output, run=run_number, at=at,
                             spider_args=spider_args, settings=settings, jobs=jobs)
    except ReplayUsageError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except NothingToReplay as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_NOTHING
    except SiteDefinitionError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    status = outcome.status
    if status != EXIT_USAGE:  # a bad spider argument: the message alone
        for line in summary_lines(outcome):
            print(line)
    for failed in outcome.failed:
        if failed.result.outcome.name == "interrupted":
            continue  # said once below
        print(f"{PROG}: {failed.label()}: {failed.result.outcome.message}", file=sys.stderr)
    if outcome.error:
        print(f"{PROG}: the replay failed: {outcome.error}", file=sys.stderr)
    if outcome.interrupted:
        print(f"{PROG}: interrupted after {len(outcome.replays)} of {outcome.planned} crawl(s)"
              + ("; nothing written" if outcome.merged else ""), file=sys.stderr)
    if status == EXIT_NOTHING:
        where = "the run" if outcome.replays[0].run is not None and not outcome.merged else "the archive"
        print(f"{PROG}: nothing replayed: {where} holds no capture of the spider's start pages "
              "(another spider, or other spider arguments such as base_url?)", file=sys.stderr)
    return status


def _run_number(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value))
    except ValueError:
        raise ValueError(f"--run takes a run number (1 or more), got {value!r}") from None
    if number < 1:
        raise ValueError(f"--run takes a run number (1 or more), got {value!r}")
    return number


def summary_lines(outcome: ReplayOutcome) -> list[str]:
    """What the replay did, for people: runs, items, pages, time."""
    lines: list[str] = []
    hits = outcome.stat("newsarchive/replay/hits")
    missing = outcome.stat("newsarchive/replay/missing")
    one = outcome.replays[0] if len(outcome.replays) == 1 else None
    if outcome.merged:
        how = f"in {outcome.jobs} processes" if outcome.jobs > 1 else "one after the other"
        lines.append(f"runs replayed:  {len(outcome.replays)} of {outcome.runs_in_archive}, {how}")
        for replay in outcome.replays:
            detail = f"{replay.items} items"
            if replay.superseded:
                detail += f", {replay.superseded} superseded by a later run"
            if replay.nothing:
                detail += ", no capture of the start pages"
            elif not replay.result.ok:
                detail += f", {replay.result.outcome.name}"
            lines.append(f"  {replay.label()}: {detail}")
        if outcome.stopped_early:
            why = "interrupted" if outcome.interrupted else "the replay failed" if outcome.error else "a run failed"
            lines.append(f"items written:  none ({why}; {outcome.output} is left as it was)")
        else:
            lines.append(f"items written:  {outcome.written} -> {outcome.output} "
                         f"(each article once, from its latest run; {outcome.superseded} superseded)")
        lines.append(f"pages replayed: {hits} ({missing} requests had no capture in their run: "
                     "pages that run did not fetch)")
    elif one is not None and one.run is not None:
        lines.append(f"run replayed:   {one.run.label()}, of {outcome.runs_in_archive}")
        lines.append(f"items written:  {outcome.written} -> {outcome.output}")
        lines.append(f"pages replayed: {hits} ({missing} requests had no capture in the run)")
    else:
        lines.append(f"items written:  {outcome.written} -> {outcome.output}")
        lines.append(f"pages replayed: {hits} ({missing} requests had no capture)")
    lines.append(f"elapsed:        {outcome.elapsed:.1f} s (archive index read in {outcome.load_seconds:.2f} s)")
    if outcome.damaged:
        lines.append(f"damaged records in the archive: {outcome.damaged} (see the log)")
    return lines
