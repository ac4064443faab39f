"""The public API is typed: the package ships ``py.typed``, and mypy accepts a module
that uses it as users do (``tests/typing/public_api.py``)."""

from __future__ import annotations

import subprocess
import sys

import newsarchive
from conftest import REPO_ROOT


def test_public_names_are_exported() -> None:
    for name in newsarchive.__all__:
        assert getattr(newsarchive, name) is not None, name
    assert {"Archive", "extract_article_fields", "normalize_date"} <= set(newsarchive.__all__)


def test_the_package_is_typed_and_its_api_type_checks() -> None:
    assert (REPO_ROOT / "newsarchive" / "py.typed").is_file()
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--ignore-missing-imports", "--follow-imports=silent",
         "--no-error-summary", "--cache-dir", "/dev/null", str(REPO_ROOT / "tests" / "typing" / "public_api.py")],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
