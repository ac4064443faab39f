"""Score the generic article-page extraction against the real-world corpus, next to trafilatura.

Usage: ``python bench/article_accuracy.py [--part held-out|tuning|all] [--verbose] [--no-trafilatura]``
(corpus from ``$NEWSARCHIVE_DATA``, default ``<repo>/../shared/data``).

``--part`` scores one part of the corpus split of ``bench/corpus_split.py`` (by
publisher): ``held-out`` is the part no rule was written against (the honest figure),
``tuning`` the part rules are tuned on, ``all`` both together. The default prints
held-out first, then tuning; trafilatura is scored on the same pages in the same run.

"Generic" means what ``ListingSpider.parse_article`` extracts when the site definition
sets no article selectors: :func:`newsarchive.extraction.article_fields.extract_article_fields` with
empty ``ArticleRules``, run on an ``HtmlResponse`` built from the saved page (the same
function and input type as the spider). Pipelines (boilerplate removal, text cleaning)
are not applied. Scored pages: the 146 with a gold body or title (fundus,
article-extraction-benchmark, readability, newspaper4k).

Prints, per dataset and overall, for newsarchive and (when ``import trafilatura`` works,
e.g. from a throwaway virtualenv holding it and the project's dependencies) for
``trafilatura.bare_extraction(html, url=..., with_metadata=True)``:

* title: share of pages whose title equals the gold one after whitespace/case
  normalisation ("exact"), and share where one contains the other ("fuzzy");
* body: token precision, recall and F1 against the gold body text, each page weighing the
  same (mean P and R over pages, F1 = 2PR/(P+R), as article-extraction-benchmark
  aggregates). Tokens are a bag (multiset) of whitespace-separated tokens, except that
  Chinese/Japanese characters count one token each (those scripts put no spaces between
  words). ``F1-4g`` is article-extraction-benchmark's own metric (``\\w+`` tokens, 4-gram
  shingles); ``empty`` is the share of pages with no body at all;
* authors: on pages with gold authors (fundus; readability's byline, noisier; newspaper4k
  authors are regression output and are skipped), the share with the same set of names
  ("exact") and the mean per-page F1 of the two name sets;
* cost: CPU milliseconds per page (``time.process_time``: what this process spent, whatever
  else the machine runs; parsing included; trafilatura also extracts metadata), and how
  many times faster than trafilatura we are.
  Each extractor runs once on a page before timing starts, and our language identifier's
  model (about a second to load, on the first page that needs it) is loaded then too, so
  one-time loading is not counted per page.

Title misses where the gold title is ours plus a site-name suffix are counted
(``suffix``): readability's gold titles are document titles that keep ``| Site``, which
we strip on purpose.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from lxml import html as lxml_html  # noqa: E402
from scrapy.http import HtmlResponse  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus_split import part_of  # noqa: E402

from newsarchive.extraction.article_fields import extract_article_fields  # noqa: E402
from newsarchive.extraction.language import detect  # noqa: E402
from newsarchive.sites.definition import ArticleRules  # noqa: E402

DATASETS = {  # index "source" -> short name printed in the table
    "flairNLP/fundus": "fundus",
    "scrapinghub/article-extraction-benchmark": "aeb",
    "mozilla/readability": "readability",
    "AndyTheFactory/newspaper4k": "newspaper4k",
}
AUTHOR_SOURCES = {"fundus", "readability"}  # newspaper4k authors are its own noisy output


@dataclass(frozen=True)
class Page:
    path: Path
    dataset: str
    url: str
    title: str | None
    authors: tuple[str, ...] | None
    body: str | None
    part: str = "tuning"  # corpus_split.part_of: "tuning" or "held-out"

    def html(self) -> str:
        data = self.path.read_bytes()
        if self.path.suffix == ".gz":
            data = gzip.decompress(data)
        # As bench/date_accuracy.py: UTF-8 except a few legacy pages; never trust <meta charset>.
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252", "replace")


@dataclass
class Prediction:
    title: str | None
    body: str | None
    authors: list[str]
    seconds: float


def corpus_dir() -> Path:
    return Path(os.environ.get("NEWSARCHIVE_DATA") or REPO.parent / "shared" / "data")


# --------------------------------------------------------------------------- ground truth


def load_pages(root: Path) -> list[Page]:
    """Article pages of the unified index with a gold title or body."""
    pages = []
    gold_files: dict[Path, object] = {}

    def gold(name: str) -> object:
        path = root / name
        if path not in gold_files:
            gold_files[path] = json.loads(path.read_text(encoding="utf-8"))
        return gold_files[path]

    with open(root / "html" / "ground_truth_index.jsonl", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            dataset = DATASETS.get(row["source"])
            if dataset is None or row.get("page_type", "article") != "article":
                continue
            body = None
            if row.get("body_field"):  # article-extraction-benchmark
                body = gold(row["ground_truth_file"])[row["ground_truth_key"]][row["body_field"]]
            elif row.get("body_text_file"):  # newspaper4k
                body = (root / row["body_text_file"]).read_text(encoding="utf-8")
            elif row.get("body_html_file"):  # readability
                body = _html_to_text((root / row["body_html_file"]).read_text(encoding="utf-8"))
            elif dataset == "fundus" and row.get("ground_truth_file"):
                body = _fundus_body(gold(row["ground_truth_file"])[row["ground_truth_key"]]["body"])
            title = row.get("title") or None
            if not body and not title:
                continue
            authors = tuple(row["authors"]) if row.get("authors") and dataset in AUTHOR_SOURCES else None
            pages.append(Page(root / row["path"], dataset, row.get("url") or f"http://example.invalid/{row['path']}",
                              title, authors, body or None, part_of(row)))
    return pages


def _fundus_body(body: dict) -> str:
    parts = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        parts.extend(section.get("headline") or [])
        parts.extend(section.get("paragraphs") or [])
    return "\n".join(parts)


_BLOCKS = {"p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "td",
           "figcaption", "section", "article", "ul", "ol", "table"}


def _html_to_text(markup: str) -> str:
    root = lxml_html.fromstring(markup)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
    return root.text_content()


# --------------------------------------------------------------------------- extractors


def ours(page: Page) -> Prediction:
    body = page.html().encode("utf-8")  # what Scrapy hands the spider: bytes, decoded in the timing
    start = time.process_time()
    response = HtmlResponse(page.url, body=body, encoding="utf-8")
    fields = extract_article_fields(response, ArticleRules())
    seconds = time.process_time() - start
    return Prediction(fields.title, fields.body_text, fields.authors, seconds)


def _load_language_model() -> None:
    """Load the language identifier once: it loads on the first page that needs it
    (one declaring no language, or another script's), which need not be the warm-up page."""
    detect("The council voted on Tuesday to close the old bridge to traffic for two years. " * 3)


ours.warm_up = _load_language_model  # type: ignore[attr-defined]


def trafilatura_extractor() -> Callable[[Page], Prediction] | None:
    try:
        import trafilatura
    except ImportError:
        return None

    def predict(page: Page) -> Prediction:
        html = page.html()
        start = time.process_time()
        doc = trafilatura.bare_extraction(html, url=page.url, with_metadata=True)
        seconds = time.process_time() - start
        if doc is None:
            return Prediction(None, None, [], seconds)
        data = doc if isinstance(doc, dict) else doc.as_dict()
        authors = [a.strip() for a in (data.get("author") or "").split(";") if a.strip()]
        return Prediction(data.get("title"), data.get("text"), authors, seconds)

    predict.version = trafilatura.__version__  # type: ignore[attr-defined]
    return predict


# --------------------------------------------------------------------------- metrics

_WS = re.compile(r"\s+")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_TOKEN = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+")
_WORD = re.compile(r"\w+")


def normalise(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip().casefold()


def tokens(text: str | None) -> Counter[str]:
    """Bag of whitespace-separated tokens; CJK characters one token each."""
    return Counter(_TOKEN.findall(text or ""))


def shingles(text: str | None, n: int = 4) -> Counter[tuple[str, ...]]:
    """article-extraction-benchmark's unit: ``\\w+`` tokens in overlapping 4-grams."""
    words = _WORD.findall(text or "")
    return Counter(tuple(words[i:i + n]) for i in range(max(1, len(words) - n + 1))) if words else Counter()


def precision_recall(gold: Counter, pred: Counter) -> tuple[float, float]:
    if not gold and not pred:
        return 1.0, 1.0
    tp = sum((gold & pred).values())
    if tp == 0:
        return 0.0, 0.0
    return tp / sum(pred.values()), tp / sum(gold.values())


_SEPARATORS = ("|", "｜", "-", "–", "—", "·", "•", ":", "::", "«", "»", "~", "/")


def suffix_only(gold: str, got: str) -> bool:
    """Whether the (normalised) gold title is ours with a site name added after or before a separator."""
    if not got or got == gold:
        return False
    if gold.startswith(got):
        return gold[len(got):].lstrip().startswith(_SEPARATORS)
    if gold.endswith(got):
        return gold[: -len(got)].rstrip().endswith(_SEPARATORS)
    return False


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _name(author: str) -> str:
    text = normalise(author)
    for prefix in ("by ", "par ", "von ", "от "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return text


@dataclass
class Scores:
    pages: int = 0
    titled: int = 0
    title_exact: int = 0
    title_fuzzy: int = 0
    title_suffix: int = 0  # misses where gold = ours + separator + site name
    bodied: int = 0
    body_empty: int = 0
    body_p: float = 0.0
    body_r: float = 0.0
    body_p4: float = 0.0
    body_r4: float = 0.0
    authored: int = 0
    authors_exact: int = 0
    authors_f1: float = 0.0
    seconds: float = 0.0

    def row(self) -> dict[str, float]:
        n = self.bodied or 1
        p, r, p4, r4 = self.body_p / n, self.body_r / n, self.body_p4 / n, self.body_r4 / n
        return {
            "pages": self.pages,
            "titled": self.titled,
            "title_exact": self.title_exact / self.titled if self.titled else 0.0,
            "title_fuzzy": self.title_fuzzy / self.titled if self.titled else 0.0,
            "title_suffix": self.title_suffix,
            "bodied": self.bodied,
            "body_empty": self.body_empty / self.bodied if self.bodied else 0.0,
            "body_p": p, "body_r": r, "body_f1": f1(p, r), "body_f1_4g": f1(p4, r4),
            "authored": self.authored,
            "authors_exact": self.authors_exact / self.authored if self.authored else 0.0,
            "authors_f1": self.authors_f1 / self.authored if self.authored else 0.0,
            "ms_per_page": 1000 * self.seconds / self.pages if self.pages else 0.0,
        }


def score(pages: list[Page], predict: Callable[[Page], Prediction],
          details: list[tuple[Page, Prediction, float]] | None = None) -> dict[str, dict[str, float]]:
    """Per-dataset and ``overall`` figures (see the module docstring)."""
    totals: dict[str, Scores] = defaultdict(Scores)
    for page in pages:
        pred = predict(page)
        slots = (totals[page.dataset], totals["overall"])
        body_f1 = -1.0
        for s in slots:
            s.pages += 1
            s.seconds += pred.seconds
        if page.title:
            gold, got = normalise(page.title), normalise(pred.title)
            for s in slots:
                s.titled += 1
                s.title_exact += got == gold
                s.title_fuzzy += bool(got) and (got in gold or gold in got)
                s.title_suffix += suffix_only(gold, got)
        if page.body:
            p, r = precision_recall(tokens(page.body), tokens(pred.body))
            p4, r4 = precision_recall(shingles(page.body), shingles(pred.body))
            body_f1 = f1(p, r)
            for s in slots:
                s.bodied += 1
                s.body_empty += not (pred.body or "").strip()
                s.body_p += p
                s.body_r += r
                s.body_p4 += p4
                s.body_r4 += r4
        if page.authors:
            gold_names = {_name(a) for a in page.authors}
            got_names = {_name(a) for a in pred.authors if _name(a)}
            common = len(gold_names & got_names)
            page_f1 = 2 * common / (len(gold_names) + len(got_names)) if common else 0.0
            for s in slots:
                s.authored += 1
                s.authors_exact += gold_names == got_names
                s.authors_f1 += page_f1
        if details is not None:
            details.append((page, pred, body_f1))
    table = {key: totals[key].row() for key in sorted(totals) if key != "overall"}
    table["overall"] = totals["overall"].row()
    return table


# --------------------------------------------------------------------------- report


def print_table(name: str, table: dict[str, dict[str, float]]) -> None:
    print(f"\n{name}")
    print(f"{'dataset':12} {'pages':>5} | {'title':>5} {'exact':>6} {'fuzzy':>6} | {'body':>4} {'empty':>6} "
          f"{'P':>6} {'R':>6} {'F1':>6} {'F1-4g':>6} | {'auth':>4} {'exact':>6} {'F1':>6} | {'ms/page':>7}")
    for key, row in table.items():
        print(f"{key:12} {row['pages']:5d} | {row['titled']:5d} {row['title_exact']:6.3f} {row['title_fuzzy']:6.3f} | "
              f"{row['bodied']:4d} {row['body_empty']:6.3f} {row['body_p']:6.3f} {row['body_r']:6.3f} "
              f"{row['body_f1']:6.3f} {row['body_f1_4g']:6.3f} | {row['authored']:4d} {row['authors_exact']:6.3f} "
              f"{row['authors_f1']:6.3f} | {row['ms_per_page']:7.1f}")
    overall = table["overall"]
    misses = round(overall["titled"] * (1 - overall["title_exact"]))
    print(f"title misses: {misses}, of which the gold only adds a site name: {overall['title_suffix']}")


def print_misses(root: Path, details: list[tuple[Page, Prediction, float]]) -> None:
    for page, pred, body_f1 in details:
        where = page.path.relative_to(root)
        if page.title and normalise(pred.title) != normalise(page.title):
            print(f"   title  {page.dataset:11} gold={page.title[:60]!r} got={(pred.title or '')[:60]!r}  {where}")
        if 0 <= body_f1 < 0.8:
            print(f"   body   {page.dataset:11} F1={body_f1:.2f} got {len(pred.body or '')} chars "
                  f"(gold {len(page.body or '')})  {where}")
        if page.authors and {_name(a) for a in page.authors} != {_name(a) for a in pred.authors}:
            print(f"   author {page.dataset:11} gold={list(page.authors)} got={pred.authors}  {where}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verbose", action="store_true", help="list every title/author miss and weak body")
    parser.add_argument("--no-trafilatura", action="store_true", help="skip the trafilatura column")
    parser.add_argument("--part", choices=("held-out", "tuning", "all"),
                        help="score one part of bench/corpus_split.py (default: held-out, then tuning)")
    args = parser.parse_args()
    root = corpus_dir()
    if not (root / "html" / "ground_truth_index.jsonl").exists():
        print(f"corpus not found at {root} (set NEWSARCHIVE_DATA)", file=sys.stderr)
        return 2
    pages = load_pages(root)
    print(f"{len(pages)} pages from {root}")
    parts = [args.part] if args.part else ["held-out", "tuning"]
    extractors: list[tuple[str, Callable[[Page], Prediction]]] = [
        ("newsarchive.extract_article_fields (generic fallbacks)", ours)]
    other = None if args.no_trafilatura else trafilatura_extractor()
    if other is not None:
        extractors.append((f"trafilatura {other.version} bare_extraction", other))  # type: ignore[attr-defined]
    for part in parts:
        chosen = [page for page in pages if part == "all" or page.part == part]
        publishers = len({page.path.parent for page in chosen})
        print(f"\n=== part {part}: {len(chosen)} pages ({publishers} page directories)")
        for _, predict in extractors:
            if chosen:
                predict(chosen[0])  # warm-up: one-time loading is not a per-page cost
                warm_up = getattr(predict, "warm_up", None)
                if warm_up is not None:
                    warm_up()  # what the first page may not load (our language model)
        # Page by page, each extractor in turn: a machine busier at one moment than at
        # another slows both alike, so the speed ratio holds even where the times do not.
        predicted = [[predict(page) for _, predict in extractors] for page in chosen]
        costs = []
        for i, (name, _) in enumerate(extractors):
            cached = {id(page): predicted[n][i] for n, page in enumerate(chosen)}
            details: list[tuple[Page, Prediction, float]] = []
            table = score(chosen, lambda page, cached=cached: cached[id(page)], details)
            costs.append(table["overall"]["ms_per_page"])
            print_table(name, table)
            if args.verbose:
                print_misses(root, details)
        if len(costs) == 2 and costs[0]:
            print(f"\nspeed: {costs[0]:.1f} ms/page against trafilatura's {costs[1]:.1f}: "
                  f"{costs[1] / costs[0]:.1f} times faster")
    if other is None:
        print("\ntrafilatura: " + ("skipped" if args.no_trafilatura else "not installed"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
