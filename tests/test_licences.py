"""newsarchive is Apache-2.0: it ships that licence, and nothing it needs at runtime is
copyleft (anyone distributing or serving it would inherit the obligations).

The runtime tree is what the installed distribution requires (Requires-Dist without
extras, markers evaluated here, extras of dependencies followed), recursively. A
licence counts as copyleft when its License-Expression, License field or classifiers
name GPL, AGPL, LGPL, SSPL or EUPL; weak copyleft (MPL, EPL, CDDL) only with a reason
written down below.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

DISTRIBUTION = "newsarchive"

# name -> (licence it has, why it may stay); checked to be still true below
WEAK_COPYLEFT_EXCEPTIONS = {
    "certifi": (
        "MPL-2.0",
        ("Mozilla's CA bundle, unmodified, via scrapy > tldextract > requests; MPL-2.0 is "
         "file-level: only changes to certifi's own files would have to be shared"),
    ),
}

_STRONG = re.compile(
    r"\b(?:A|L)?GPL|\bSSPL\b|\bEUPL\b|GNU (?:Affero |Lesser |Library )?(?:or Lesser )?General Public"
    r"|Server Side Public License|European Union Public Licen[cs]e|\bAffero\b",
    re.IGNORECASE,
)
_WEAK = re.compile(r"\bMPL\b|Mozilla Public License|\bEPL\b|Eclipse Public License|\bCDDL\b", re.IGNORECASE)
_NOT_A_LICENCE = re.compile(r"GPL[- ]compatible", re.IGNORECASE)  # e.g. the PSF licence's history


def licence_texts(dist: metadata.Distribution) -> list[str]:
    """What a distribution says about its licence: expression, field, classifiers."""
    meta = dist.metadata
    texts = [meta.get("License-Expression") or "", meta.get("License") or ""]
    texts += [c for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return [_NOT_A_LICENCE.sub("", text) for text in texts if text]


def copyleft(dist: metadata.Distribution) -> str | None:
    """``strong``, ``weak`` or None, from what the distribution declares."""
    texts = licence_texts(dist)
    if any(_STRONG.search(text) for text in texts):
        return "strong"
    if any(_WEAK.search(text) for text in texts):
        return "weak"
    return None


def runtime_tree(root: str = DISTRIBUTION) -> dict[str, tuple[metadata.Distribution | None, tuple[str, ...]]]:
    """Every runtime dependency of ``root``: name -> (installed distribution or None,
    the chain of requirements that brings it in, first found)."""
    found: dict[str, tuple[metadata.Distribution | None, tuple[str, ...]]] = {}
    queue: list[tuple[str, frozenset[str], tuple[str, ...]]] = [(root, frozenset(), (root,))]
    expanded: set[tuple[str, frozenset[str]]] = set()
    while queue:
        name, extras, chain = queue.pop(0)
        key = canonicalize_name(name)
        if (key, extras) in expanded:
            continue
        expanded.add((key, extras))
        try:
            dist: metadata.Distribution | None = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            dist = None
        found.setdefault(key, (dist, chain))
        if dist is None:
            continue
        for line in dist.requires or []:
            req = Requirement(line)
            if req.marker is not None and not any(
                req.marker.evaluate({"extra": extra}) for extra in {"", *extras}
            ):
                continue
            queue.append((req.name, frozenset(req.extras), chain + (canonicalize_name(req.name),)))
    return found


def test_no_runtime_dependency_is_copyleft() -> None:
    tree = runtime_tree()
    assert len(tree) > 10, "is newsarchive installed (pip install -e '.[test]')?"
    problems = []
    for key, (dist, chain) in sorted(tree.items()):
        via = " > ".join(chain)
        if dist is None:
            problems.append(f"{key}: required but not installed ({via})")
            continue
        kind = copyleft(dist)
        if kind == "strong":
            problems.append(f"{key}: copyleft licence {licence_texts(dist)} ({via})")
        elif kind == "weak" and key not in WEAK_COPYLEFT_EXCEPTIONS:
            problems.append(f"{key}: weak copyleft licence {licence_texts(dist)} with no documented "
                            f"reason in WEAK_COPYLEFT_EXCEPTIONS ({via})")
    assert not problems, "\n".join(problems)


def test_weak_copyleft_exceptions_are_still_true() -> None:
    """Each documented exception is still in the runtime tree, under the licence given."""
    tree = runtime_tree()
    for name, (licence, _why) in WEAK_COPYLEFT_EXCEPTIONS.items():
        assert name in tree, f"{name} left the runtime tree: drop its exception"
        dist = tree[name][0]
        assert dist is not None and any(licence in text for text in licence_texts(dist)), name


def test_reference_tools_are_test_only() -> None:
    """surt (AGPL-3.0) and cdxj-indexer, which brings it, are in the ``test`` extra only."""
    tree = runtime_tree()
    assert "surt" not in tree and "cdxj-indexer" not in tree
    requires = metadata.distribution(DISTRIBUTION).requires or []
    test_only = {canonicalize_name(Requirement(r).name) for r in requires if "extra ==" in r}
    assert {"surt", "cdxj-indexer"} <= test_only


def test_detector_knows_copyleft_when_it_sees_it() -> None:
    """The check would catch the licence this change removed (surt declares AGPL-3.0 by
    classifier only) and lets permissive and dual licences through."""
    pytest.importorskip("surt")
    assert copyleft(metadata.distribution("surt")) == "strong"
    assert copyleft(metadata.distribution("certifi")) == "weak"
    for permissive in ("warcio", "scrapy", "cryptography", "isal", "lxml"):
        assert copyleft(metadata.distribution(permissive)) is None, permissive


def test_runtime_code_imports_no_copyleft_module(tmp_path: Path) -> None:
    """Index, WACZ and replay keys work with surt and cdxj_indexer unimportable."""
    script = textwrap.dedent(
        """
        import io, sys, zipfile
        sys.modules["surt"] = None
        sys.modules["cdxj_indexer"] = None
        from pathlib import Path
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.warcwriter import WARCWriter
        from newsarchive.replay.index_lookup import request_key
        from newsarchive.archive_tools.wacz import write_wacz
        from newsarchive.warc.index import index_archives

        root = Path(sys.argv[1])
        with open(root / "a.warc.gz", "wb") as fh:
            writer = WARCWriter(fh, gzip=True)
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                "http://www.example.com/a?b=2&a=1", "response", payload=io.BytesIO(b"<p>x</p>"),
                http_headers=http))
        [(index, lines)] = index_archives([root])
        write_wacz([root], root / "a.wacz")
        key = request_key("http://example.com/f", "POST", b"q=1",
                          "application/x-www-form-urlencoded")
        print(lines, index.read_text().split(" ", 1)[0], key)
        """
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True,
                          cwd=REPO_ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "com,example)/a?a=1&b=2", "com,example)/f?__wb_method=post&q=1"]


# Apache License 2.0, sections 1-9 up to "END OF TERMS AND CONDITIONS", whitespace
# collapsed and https read as http: the same in every copy checked (cdxj-indexer's,
# cryptography's, packaging's, yarl's)
_APACHE_TERMS_SHA256 = "09ae9bf1886f530f7338889ef805f37b288ec6adedd1e1e32058921acf05a782"


def test_licence_file_is_apache_2() -> None:
    text = (REPO_ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.split()[:5] == ["Apache", "License", "Version", "2.0,", "January"]
    terms = " ".join(text[: text.index("END OF TERMS AND CONDITIONS")].replace("https://", "http://").split())
    assert hashlib.sha256(terms.encode()).hexdigest() == _APACHE_TERMS_SHA256, "not the standard terms"


def test_licence_is_declared_and_shipped() -> None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "Apache-2.0"
    assert "LICENSE" in project["license-files"]
    meta = metadata.distribution(DISTRIBUTION).metadata
    assert meta.get("License-Expression") == "Apache-2.0"
    assert "LICENSE" in (meta.get_all("License-File") or []), "reinstall: pip install -e '.[test]'"
