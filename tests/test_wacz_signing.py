"""Signed WACZ files: made with a P-384 key, checked by ``newsarchive verify``, by py-wacz and by
a real browser's WebCrypto the way ReplayWeb.page checks them; tampering is found."""

from __future__ import annotations

import base64
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from chromium import DevTools, browser  # noqa: F401 - browser is a fixture
from conftest import run_cli
from newsarchive.archive_tools.wacz import write_wacz
from newsarchive.archive_tools.wacz_check import check_package
from newsarchive.archive_tools.wacz_signing import (
    SigningKeyError,
    load_signing_key,
    signed_data,
    write_new_key,
)
from test_wacz import validate
from warc_builders import Capture, write_warc


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "warc"
    root.mkdir()
    write_warc(root / "crawl.warc.gz", [Capture("http://news.example.org/", date="2024-03-01T10:00:00Z"),
                                        Capture("http://news.example.org/a", date="2024-03-01T10:00:01Z")])
    return root


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "key.pem"
    write_new_key(path)
    return path


def signed_wacz(archive: Path, key_file: Path, out: Path) -> Path:
    done = run_cli("wacz", str(archive), "-o", str(out), "--sign-key", str(key_file))
    assert done.returncode == 0, done.stderr
    return out


def digest_of(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("datapackage-digest.json"))


def rewrite(path: Path, changes: dict[str, bytes]) -> None:
    """Rewrite the ZIP with some members' bytes replaced, everything else as it was."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, changes.get(info.filename, src.read(info)))
    tmp.replace(path)


def test_signed_package_verifies(archive: Path, key_file: Path, tmp_path: Path) -> None:
    out = signed_wacz(archive, key_file, tmp_path / "crawl.wacz")
    signed = digest_of(out)["signedData"]
    key = load_signing_key(key_file)
    public = base64.b64encode(key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).decode()
    assert signed["publicKey"] == public and signed["hash"] == digest_of(out)["hash"]
    assert len(base64.b64decode(signed["signature"])) == 96  # WebCrypto's r || s for P-384
    assert signed["software"].startswith("newsarchive ")
    with zipfile.ZipFile(out) as zf:  # one clock reading for both (py-wacz rejects two)
        assert signed["created"] == json.loads(zf.read("datapackage.json"))["created"]
    check = check_package(out)
    assert check.ok and check.signature is not None and check.signature.ok, check.problems
    assert check.resources == 4  # the WARC, the index, pages.jsonl... as datapackage.json lists them
    done = run_cli("verify", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "package ok" in done.stdout and "signed by key" in done.stdout


def test_py_wacz_accepts_a_signed_package(archive: Path, key_file: Path, tmp_path: Path) -> None:
    out = signed_wacz(archive, key_file, tmp_path / "crawl.wacz")
    done = validate(out)
    assert done.returncode == 0, done.stdout + done.stderr


def test_browser_webcrypto_verifies_the_signature(browser: DevTools, archive: Path,  # noqa: F811
                                                  key_file: Path, tmp_path: Path) -> None:
    """What ReplayWeb.page does (wabac.js certutils): import the SPKI key as P-384, verify
    ECDSA/SHA-256 over the hash string; a changed hash must not verify."""
    signed = digest_of(signed_wacz(archive, key_file, tmp_path / "crawl.wacz"))["signedData"]
    page = tmp_path / "blank.html"
    page.write_text("<!doctype html><title>webcrypto</title>")
    browser.call("Page.navigate", url=page.resolve().as_uri())
    browser.wait_for("Page.loadEventFired")
    script = """(async (s, hash) => {
        const bytes = b => Uint8Array.from(atob(b), c => c.charCodeAt(0));
        const key = await crypto.subtle.importKey("spki", bytes(s.publicKey),
            {name: "ECDSA", namedCurve: "P-384"}, true, ["verify"]);
        return await crypto.subtle.verify({name: "ECDSA", hash: "SHA-256"}, key, bytes(s.signature),
            new TextEncoder().encode(hash));
    })"""
    for hash_text, expected in ((signed["hash"], True), (signed["hash"][:-1] + "0", False)):
        if hash_text == signed["hash"] and not expected:
            continue
        result = browser.call("Runtime.evaluate", awaitPromise=True, returnByValue=True,
                              expression=f"{script}({json.dumps(signed)}, {json.dumps(hash_text)})")
        assert result["result"].get("value") is (hash_text == signed["hash"]), result


def test_a_changed_warc_is_found(archive: Path, key_file: Path, tmp_path: Path) -> None:
    out = signed_wacz(archive, key_file, tmp_path / "crawl.wacz")
    with zipfile.ZipFile(out) as zf:
        name = next(n for n in zf.namelist() if n.startswith("archive/"))
        data = bytearray(zf.read(name))
    data[-1] ^= 1
    rewrite(out, {name: bytes(data)})
    check = check_package(out)
    assert check.problems == [f"{name}: hash differs from datapackage.json's (the file changed)"]
    done = run_cli("verify", str(out))
    assert done.returncode == 1 and "hash differs" in done.stdout


def test_a_changed_package_breaks_the_signature(archive: Path, key_file: Path, tmp_path: Path) -> None:
    """Someone edits datapackage.json and recomputes the digest: the signature gives it away."""
    import hashlib

    out = signed_wacz(archive, key_file, tmp_path / "crawl.wacz")
    with zipfile.ZipFile(out) as zf:
        package = json.loads(zf.read("datapackage.json"))
    package["title"] = "not what was archived"
    data = json.dumps(package).encode()
    digest = digest_of(out)
    digest["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    rewrite(out, {"datapackage.json": data, "datapackage-digest.json": json.dumps(digest).encode()})
    assert check_package(out).problems == ["signature: signedData signs another hash than datapackage.json's"]
    digest["signedData"]["hash"] = digest["hash"]  # and the signed hash too: the signature no longer matches
    rewrite(out, {"datapackage-digest.json": json.dumps(digest).encode()})
    (problem,) = check_package(out).problems
    assert problem.startswith("signature: the signature does not match")
    other = ec.generate_private_key(ec.SECP384R1())  # re-signed with another key: valid, but not our key
    digest["signedData"] = signed_data(digest["hash"], other, "someone else")
    rewrite(out, {"datapackage-digest.json": json.dumps(digest).encode()})
    check = check_package(out)
    assert check.ok and check.signature is not None
    assert check.signature.public_key != digest_of(signed_wacz(archive, key_file, tmp_path / "b.wacz"))[
        "signedData"]["publicKey"]  # which is why the summary names the key


def test_unsigned_package_and_not_a_wacz(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "plain.wacz"
    write_wacz([archive], out)
    check = check_package(out)
    assert check.ok and check.signature is None and "not signed" in check.summary()
    junk = tmp_path / "junk.wacz"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    assert check_package(junk).problems[0].startswith("cannot read the ZIP")


def test_bad_keys_get_one_line(archive: Path, tmp_path: Path) -> None:
    p256 = tmp_path / "p256.pem"
    p256.write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("hello")
    for key, words in ((p256, "P-384"), (garbage, "not a PEM private key"), (tmp_path / "none.pem", "No such file")):
        with pytest.raises(SigningKeyError, match=words):
            load_signing_key(key)
        done = run_cli("wacz", str(archive), "-o", str(tmp_path / "x.wacz"), "--sign-key", str(key))
        assert done.returncode == 2, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and words in done.stderr and "Traceback" not in done.stderr
        assert not (tmp_path / "x.wacz").exists()
    with pytest.raises(FileExistsError):
        write_new_key(p256)  # never overwrites a key
