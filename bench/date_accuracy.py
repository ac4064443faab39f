"""Score ``extract_published`` against the real-world corpus ground truth, next to htmldate.

Usage: ``python bench/date_accuracy.py [--part tuning|held-out|all] [--verbose] [--ours-only]``
(corpus from ``$NEWSARCHIVE_DATA``, default ``<repo>/../shared/data``).

The corpus is split by publisher (``bench/corpus_split.py``): rules are written against
the *tuning* part only, and the *held-out* part measures what that is worth on sites no
rule saw. Without ``--part`` both parts are scored, held-out first; the README quotes the
held-out figures. ``--verbose`` lists misses of the tuning part only: held-out pages are
scored, never shown, so that they stay unseen.

On the same pages and in the same run, the baselines: htmldate's ``find_date`` with its
default settings, with ``extensive_search=True, original_date=True`` (the settings our
fallback used to call), and trafilatura's metadata date (``extract_metadata().date``).

Scoring follows htmldate's evaluation: the output is reduced to ``%Y-%m-%d``; per page
output == gold -> TP, a different output -> FP, no output -> FN; accuracy =
TP / (TP + FP + FN) (every scored page has a gold date, so there are no TN).
Gold dates that come with a UTC offset (fundus, readability, newspaper4k) are dates *in
that offset*, so our value is converted to the same offset before taking its date.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from corpus_split import part_of, publisher_of  # noqa: E402

from newsarchive.extraction.date_extraction import extract_published  # noqa: E402

PARTS = ("held-out", "tuning")

DATASETS = {  # index "source" -> short name printed in the table
    "flairNLP/fundus": "fundus",
    "adbar/htmldate (eval_mediacloud_2020)": "htmldate-mediacloud",
    "adbar/htmldate (eval_default, BBAW)": "htmldate-bbaw",
    "mozilla/readability": "readability",
    "AndyTheFactory/newspaper4k": "newspaper4k",
}


@dataclass(frozen=True)
class Page:
    path: Path
    dataset: str
    url: str | None
    gold: str  # YYYY-MM-DD
    gold_offset: timezone | None  # offset the gold date is expressed in, if stated
    crawled: datetime | None
    part: str = "tuning"  # "tuning" | "held-out" (bench/corpus_split.py)
    publisher: str = ""

    def html(self) -> str:
        """The page as text (cached: four predictors read every page)."""
        cached = _HTML_CACHE.get(self.path)
        if cached is None:
            cached = _HTML_CACHE[self.path] = self._read()
        return cached

    def _read(self) -> str:
        data = self.path.read_bytes()
        if self.path.suffix == ".gz":
            data = gzip.decompress(data)
        # Bytes are UTF-8 except a few legacy pages; never trust <meta charset> here
        # (several pages were re-saved as UTF-8 but still declare a legacy charset).
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252", "replace")


_HTML_CACHE: dict[Path, str] = {}


def corpus_dir() -> Path:
    return Path(os.environ.get("NEWSARCHIVE_DATA") or REPO.parent / "shared" / "data")


def load_pages(root: Path) -> list[Page]:
    """Pages of the unified index that have a gold date."""
    pages = []
    with open(root / "html" / "ground_truth_index.jsonl", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if not row.get("date") or row["source"] not in DATASETS:
                continue
            offset = None
            published = row.get("published")
            if published:
                stated = _parse_gold(published)
                if stated is not None and stated.tzinfo is not None:
                    offset = timezone(stated.utcoffset())
            crawled = None
            if row.get("crawl_date"):
                crawled = datetime.fromisoformat(row["crawl_date"]).replace(tzinfo=timezone.utc)
            pages.append(Page(root / row["path"], DATASETS[row["source"]], row.get("url"),
                              row["date"], offset, crawled, part_of(row), publisher_of(row)))
    return pages


def _parse_gold(value: str) -> datetime | None:
    text = value.strip().replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit() and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]  # +0100 -> +01:00 for fromisoformat
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def day_of(value: datetime, page: Page) -> str:
    if page.gold_offset is not None and value.tzinfo is not None:
        value = value.astimezone(page.gold_offset)
    return value.strftime("%Y-%m-%d")


def score(pages: list[Page], predict) -> dict[str, dict[str, float]]:
    """Per-dataset and overall TP/FP/FN/accuracy; ``predict(page) -> datetime|str|None``."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    misses: list[tuple[Page, str | None]] = []
    for page in pages:
        value = predict(page)
        if isinstance(value, datetime):
            value = day_of(value, page)
        for key in (page.dataset, "overall"):
            slot = 2 if value is None else (0 if value == page.gold else 1)
            counts[key][slot] += 1
        if value != page.gold:
            misses.append((page, value))
    table = {}
    for key, (tp, fp, fn) in counts.items():
        total = tp + fp + fn
        table[key] = {"pages": total, "tp": tp, "fp": fp, "fn": fn,
                      "precision": tp / (tp + fp) if tp + fp else 0.0,
                      "recall": tp / (tp + fn) if tp + fn else 0.0,
                      "accuracy": tp / total if total else 0.0}
    table["overall"]["misses"] = misses  # type: ignore[assignment]
    return table


def ours(page: Page):
    found = extract_published(page.html(), url=page.url, relative_base=page.crawled)
    return found.value


def htmldate_default(page: Page):
    from htmldate import find_date
    return find_date(page.html(), url=page.url)


def htmldate_alone(page: Page):
    from htmldate import find_date
    return find_date(page.html(), extensive_search=True, original_date=True, url=page.url)


def trafilatura_date(page: Page):
    from trafilatura import extract_metadata
    meta = extract_metadata(page.html(), default_url=page.url)
    return meta.date if meta is not None and meta.date else None


PREDICTORS = (
    ("newsarchive.extract_published", ours),
    ("htmldate.find_date (default)", htmldate_default),
    ("htmldate.find_date (extensive, original_date)", htmldate_alone),
    ("trafilatura.extract_metadata().date", trafilatura_date),
)


def print_table(name: str, table: dict, seconds: float) -> None:
    print(f"\n{name}  ({seconds:.1f} s)")
    print(f"{'dataset':22} {'pages':>5} {'TP':>4} {'FP':>4} {'FN':>4} {'prec':>6} {'recall':>6} {'acc':>6}")
    keys = [k for k in table if k != "overall"] + ["overall"]
    for key in keys:
        row = table[key]
        print(f"{key:22} {row['pages']:5d} {row['tp']:4d} {row['fp']:4d} {row['fn']:4d} "
              f"{row['precision']:6.3f} {row['recall']:6.3f} {row['accuracy']:6.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("tuning", "held-out", "all"), default=None,
                        help="which part of the corpus to score (default: held-out, then tuning)")
    parser.add_argument("--verbose", action="store_true", help="list every miss (tuning pages only)")
    parser.add_argument("--ours-only", action="store_true", help="skip the baselines (faster while tuning)")
    args = parser.parse_args()
    root = corpus_dir()
    if not (root / "html" / "ground_truth_index.jsonl").exists():
        print(f"corpus not found at {root} (set NEWSARCHIVE_DATA)", file=sys.stderr)
        return 2
    pages = load_pages(root)
    parts = {"all": [("all", pages)]}.get(args.part or "", [
        (part, [p for p in pages if p.part == part]) for part in PARTS if args.part in (None, part)])
    predictors = PREDICTORS[:1] if args.ours_only else PREDICTORS
    for part, chosen in parts:
        print(f"\n=== part: {part} ({len(chosen)} pages, "
              f"{len({p.publisher for p in chosen})} publishers)")
        overall: dict[str, float] = {}
        for name, predict in predictors:
            start = time.perf_counter()
            table = score(chosen, predict)
            print_table(name, table, time.perf_counter() - start)
            overall[name] = table["overall"]["accuracy"]
            if args.verbose and name == predictors[0][0]:
                if part != "tuning":
                    print("   (misses of held-out pages are not listed: they must stay unseen)")
                    continue
                for page, value in table["overall"]["misses"]:
                    print(f"   miss {page.dataset:20} gold={page.gold} got={value}  {page.path.relative_to(root)}")
        print(f"\nsummary {part}: " + "; ".join(f"{name} {acc:.3f}" for name, acc in overall.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
