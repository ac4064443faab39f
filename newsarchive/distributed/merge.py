"""Put the workers' ``items.jsonl`` together, each article once.

The union of a job's feeds holds each article once, except in one case: a worker killed
between writing an item and recording it, whose feed is on another machine than the
worker that settled it (``JOB:doubtful`` lists those URLs,
:mod:`~newsarchive.distributed.exports`). This keeps the first copy of each article and
counts the others::

    newsarchive merge -o all-items.jsonl runs/site-*/items.jsonl

Two items are copies when their canonical URLs are the same and both are archived
articles, or both teasers of a failed article (``fetch_error``): a failed article's
teaser and, from a later run, its archived item are both kept, as one process keeps them.
Memory: 16 bytes per article. A torn last line (a killed writer) is skipped.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from newsarchive.atomic import AtomicFile
from newsarchive.job.dedupe import canonical_url
from newsarchive.job.fingerprints import FingerprintSet


@dataclass
class Merged:
    items: int = 0
    copies: int = 0  # left out: an earlier file (or line) had the article
    unreadable: int = 0  # torn or damaged lines skipped


def merge(feeds: Iterable[Path], out: IO[bytes] | AtomicFile) -> Merged:
    """Write each article of ``feeds`` once to ``out``, in the order first met."""
    keys = FingerprintSet()
    done = Merged()
    for path in feeds:
        with path.open("rb") as fh:  # lines copied as they are
            for line in fh:
                try:
                    item = json.loads(line)
                except ValueError:
                    done.unreadable += 1
                    continue
                url = item.get("url") if isinstance(item, dict) else None
                if isinstance(url, str) and url.strip():
                    key = ("failed " if item.get("fetch_error") else "") + canonical_url(url)
                    if not keys.add(key):
                        done.copies += 1
                        continue
                out.write(line if line.endswith(b"\n") else line + b"\n")
                done.items += 1
    return done


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m newsarchive.distributed.merge``: the same as ``newsarchive merge``."""
    from newsarchive.cli import main as cli_main

    return cli_main(["merge", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
