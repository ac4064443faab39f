"""How far each listing walk of a job got, so an interrupted walk is finished, not skipped.

A listing runs newest first. A daily run stops at the first page whose teasers are all
archived already: cheap, and right once an earlier run walked the listing to its end (or
to its ``max_pages`` / ``since`` limit), since everything older was archived then. Before
that, stopping there would leave the rest of the listing unvisited for ever, so:

- a walk that never reached its end is walked to its end, known pages or not;
- a walk that reached its end once, but whose last run was interrupted, may stop at a
  known page only after passing every teaser the interrupted run may have left
  unarchived: the ``need`` teasers it had reached, plus the new teasers seen since (new
  articles push the old ones down the listing by at most that many places);
- a walk counts as complete only when the run that walked it finished cleanly, because
  only then were all of its articles archived or recorded as failed.

State lives in one small JSON file (:mod:`~newsarchive.job.state_file`), rewritten after
each listing page; without a path it is kept in memory only.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from newsarchive.job.dedupe import canonical_url
from newsarchive.job.fingerprints import FingerprintSet
from newsarchive.job.state_file import StateDamaged, read_state, write_state

logger = logging.getLogger(__name__)


@dataclass
class Walk:
    """One listing walk (one start URL) of a job."""

    key: str
    complete: bool = False
    """Some run walked this listing to its end and finished cleanly."""
    need: int | None = None
    """Set while a walk is under way (or was interrupted): teasers to pass before the
    known-page stop applies; ``None`` once the last run finished it."""
    passed: int = 0
    """Teasers on the listing pages this run has finished so far."""
    unknown: int = 0
    """Teasers this run found that were neither archived nor recorded as failed."""
    reached_end: bool = False
    """This run got to the end of the listing (or its max_pages / since limit)."""
    resumed: bool = False
    """The previous run left this walk unfinished."""
    visited: FingerprintSet = field(default_factory=FingerprintSet, repr=False)
    """Canonical URLs of the listing pages requested in this run (pagination loops), 16
    bytes each: a long listing walks tens of thousands of pages."""
    auto_hint: str | None = field(default=None, repr=False)
    """Where the automatic listing rules found this walk's teasers on its first page."""
    auto_warned: bool = field(default=False, repr=False)
    children: dict[str, str] = field(default_factory=dict, repr=False)
    """A sitemap walk's child sitemaps an earlier run read whole: canonical URL -> lastmod."""
    children_read: dict[str, str] = field(default_factory=dict, repr=False)
    """The same, for this run (remembered once it finishes cleanly)."""

    def may_stop_at_known_page(self) -> bool:
        """Whether a listing page whose teasers are all known may end this walk."""
        if not self.complete:
            return False
        return self.passed >= (self.need or 0) + self.unknown

    def page_done(self, teasers: int, unknown: int) -> None:
        self.passed += teasers
        self.unknown += unknown


class ListingWalks:
    """The walks of one job; ``path`` is the JSON state file (``None``: memory only)."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._saved: dict[str, dict[str, object]] = {}
        self.walks: dict[str, Walk] = {}
        self.damaged: str | None = None
        if self.path is not None:
            try:
                data = read_state(self.path) or {}
            except StateDamaged as exc:
                self.damaged = str(exc)
                logger.warning("Listing state ignored, every listing will be walked to its end: %s", exc)
                data = {}
            walks = data.get("walks")
            self._saved = dict(walks) if isinstance(walks, dict) else {}

    def begin(self, start_url: str) -> Walk:
        """Start (or resume) the walk of ``start_url`` and record that it is under way."""
        key = canonical_url(start_url)
        saved = self._saved.get(key) or {}
        need = saved.get("need")
        children = saved.get("children")
        walk = Walk(
            key=key,
            complete=bool(saved.get("complete")),
            need=need if isinstance(need, int) and need >= 0 else 0,
            resumed=isinstance(need, int) or (bool(saved) and not saved.get("complete")),
            children={str(k): str(v) for k, v in children.items()} if isinstance(children, dict) else {},
        )
        self.walks[key] = walk
        self._record(walk)
        return walk

    def page_done(self, walk: Walk, teasers: int, unknown: int) -> None:
        """A listing page was handed off: the next run must pass at least this far."""
        walk.page_done(teasers, unknown)
        self._record(walk)

    def finish(self, clean: bool) -> list[Walk]:
        """The run ended; when ``clean``, walks that reached their end become complete."""
        done = []
        if clean:
            for walk in self.walks.values():
                if walk.reached_end:
                    walk.complete, walk.need = True, None
                    walk.children.update(walk.children_read)
                    done.append(walk)
                    self._record(walk, save=False)
            self._save()
        return done

    def _record(self, walk: Walk, *, save: bool = True) -> None:
        if walk.need is None:
            need = None
        else:
            # If this run dies now, the next one must pass what this run reached, and
            # the region the previous interrupted run reached, pushed down by new teasers.
            need = max(walk.need + walk.unknown, walk.passed)
        self._saved[walk.key] = {"complete": walk.complete, "need": need}
        if walk.children:
            self._saved[walk.key]["children"] = dict(walk.children)
        if save:
            self._save()

    def _save(self) -> None:
        if self.path is not None:
            write_state(self.path, {"walks": self._saved})
