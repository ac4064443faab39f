"""``newsarchive report``: one self-contained HTML page about a crawl job.

:func:`compute` reads the job (:mod:`.figures`), :func:`render` writes the page
(:mod:`.html`, charts from :mod:`.svg`); :func:`write_report` does both.
"""

from __future__ import annotations

import os
from pathlib import Path

from newsarchive.atomic import write_atomically
from newsarchive.report.figures import Figures, NotAJob, compute, is_job
from newsarchive.report.html import render


def write_report(job: str | os.PathLike[str], output: str | os.PathLike[str] | None = None) -> Figures:
    """Write the report of ``job`` to ``output`` (default ``JOB/report.html``), whole or
    not at all, and return its figures."""
    figures = compute(Path(job))
    write_atomically(Path(output) if output is not None else Path(job) / "report.html", render(figures))
    return figures


__all__ = ["Figures", "NotAJob", "compute", "is_job", "render", "write_report"]
