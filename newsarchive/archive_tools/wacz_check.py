"""Check a WACZ as a package: every file its ``datapackage.json`` lists, the digest, the signature.

``newsarchive verify`` reads the WARCs inside a WACZ record by record; this is the other
half, what WACZ 1.1.1 and its signing spec ask a validator to do: each resource's
``hash`` and ``bytes`` match the member in the ZIP, ``datapackage-digest.json`` holds
the SHA-256 of ``datapackage.json``, and a ``signedData`` object there (anonymous
signatures, :mod:`~newsarchive.archive_tools.wacz_signing`) verifies. Members are hashed
as streams, so a WACZ of any size is checked in constant memory.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsarchive.archive_tools.wacz_signing import SignatureCheck, check_signed_data

_BLOCK = 1 << 20
_MAX_JSON = 64 * 1024 * 1024  # datapackage.json lists one line per file: generous, still bounded


@dataclass
class PackageCheck:
    """What :func:`check_package` found in one WACZ."""

    path: str
    resources: int = 0
    problems: list[str] = field(default_factory=list)
    signature: SignatureCheck | None = None
    """None when the package is not signed."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        signed = ("not signed" if self.signature is None else
                  f"signed by key {self.signature.public_key[-16:]} at {self.signature.created or '?'}"
                  if self.signature.ok else "signature INVALID")
        state = "ok" if self.ok else f"{len(self.problems)} problem(s)"
        return f"{self.path}: package {state}: {self.resources} file(s) checked against datapackage.json, {signed}"


def check_package(path: str | os.PathLike[str], progress: Callable[[str], Any] | None = None) -> PackageCheck:
    """Check the WACZ at ``path``; problems are one line each, never an exception for bad input."""
    result = PackageCheck(str(path))
    try:
        with zipfile.ZipFile(path) as zf:
            _check(zf, result, progress)
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        result.problems.append(f"cannot read the ZIP: {exc}")
    return result


def _check(zf: zipfile.ZipFile, result: PackageCheck, progress: Callable[[str], Any] | None) -> None:
    members = {info.filename: info for info in zf.infolist()}
    package_bytes = _read_small(zf, members, "datapackage.json", result)
    if package_bytes is None:
        return
    try:
        package = json.loads(package_bytes)
    except ValueError as exc:
        result.problems.append(f"datapackage.json is not JSON: {exc}")
        return
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list):
        result.problems.append("datapackage.json has no resources list")
        resources = []
    for number, resource in enumerate(resources, 1):
        if progress is not None:
            progress(f"checking file {number} of {len(resources)} in {Path(result.path).name}")
        _check_resource(zf, members, resource, result)
    listed = {r.get("path") for r in resources if isinstance(r, dict)}
    for name in sorted(members):
        if name.startswith(("archive/", "indexes/", "pages/")) and name not in listed and not name.endswith("/"):
            result.problems.append(f"{name}: in the ZIP but not listed in datapackage.json")
    _check_digest(zf, members, package_bytes, result)


def _check_resource(zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], resource: Any,
                    result: PackageCheck) -> None:
    if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
        result.problems.append(f"datapackage.json: a resource without a path: {str(resource)[:80]}")
        return
    name = resource["path"]
    info = members.get(name)
    if info is None:
        result.problems.append(f"{name}: listed in datapackage.json, missing from the ZIP")
        return
    result.resources += 1
    hasher, size = hashlib.sha256(), 0
    try:
        with zf.open(info) as fh:
            while block := fh.read(_BLOCK):
                hasher.update(block)
                size += len(block)
    except (OSError, zipfile.BadZipFile, EOFError, ValueError) as exc:  # a CRC error is BadZipFile
        result.problems.append(f"{name}: unreadable in the ZIP: {exc}")
        return
    expected = str(resource.get("hash") or "")
    if expected and expected != f"sha256:{hasher.hexdigest()}":
        result.problems.append(f"{name}: hash differs from datapackage.json's (the file changed)")
    if isinstance(resource.get("bytes"), int) and resource["bytes"] != size:
        result.problems.append(f"{name}: {size} bytes, datapackage.json says {resource['bytes']}")


def _check_digest(zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], package_bytes: bytes,
                  result: PackageCheck) -> None:
    digest_bytes = _read_small(zf, members, "datapackage-digest.json", result)
    if digest_bytes is None:
        return
    try:
        digest = json.loads(digest_bytes)
    except ValueError as exc:
        result.problems.append(f"datapackage-digest.json is not JSON: {exc}")
        return
    actual = "sha256:" + hashlib.sha256(package_bytes).hexdigest()
    if not isinstance(digest, dict) or digest.get("hash") != actual:
        result.problems.append("datapackage-digest.json: hash differs from datapackage.json's (the package changed)")
        return
    if "signedData" in digest:
        result.signature = check_signed_data(digest["signedData"], actual)
        if not result.signature.ok:
            result.problems.append(f"signature: {result.signature.problem}")


def _read_small(zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], name: str,
                result: PackageCheck) -> bytes | None:
    info = members.get(name)
    if info is None:
        result.problems.append(f"no {name} in the ZIP: not a WACZ")
        return None
    if info.file_size > _MAX_JSON:
        result.problems.append(f"{name}: {info.file_size} bytes, too large to be a WACZ's")
        return None
    try:
        return zf.read(info)
    except (OSError, zipfile.BadZipFile, EOFError, ValueError) as exc:
        result.problems.append(f"{name}: unreadable in the ZIP: {exc}")
        return None
