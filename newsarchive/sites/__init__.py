"""Example site definitions shipped with newsarchive (``newsarchive list`` shows them)."""

from __future__ import annotations

from pathlib import Path


def example_site_files() -> list[Path]:
    """The example site TOML files, sorted by name."""
    return sorted(Path(__file__).parent.glob("*.toml"))


__all__ = ["example_site_files"]
