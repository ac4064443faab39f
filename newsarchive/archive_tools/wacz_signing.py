"""Anonymous WACZ signatures (WACZ Signing and Verification 0.1.0), made and checked offline.

A signed WACZ says "whoever holds this key made this package, and nothing in it changed
since": ``datapackage-digest.json`` gets a ``signedData`` object whose ``signature`` is
an ECDSA signature (curve P-384, SHA-256) of the package's ``hash`` string, next to the
``publicKey`` that checks it. That is the spec's *anonymous* signature, the one
ArchiveWeb.page makes and ReplayWeb.page verifies with the browser's WebCrypto, so the
signature is encoded as WebCrypto encodes it (``r || s``, 48 bytes each) and the key as
base64 SubjectPublicKeyInfo DER. Tying the key to a person or a domain is up to whoever
publishes it (the spec's domain + timestamp variant needs a certificate authority and a
timestamp server: not offline).

The key is a PEM file (``openssl ecparam -name secp384r1 -genkey -noout -out key.pem``,
or :func:`write_new_key`). ``cryptography`` (Apache-2.0 or BSD) does the maths; Scrapy
depends on it already.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

EllipticCurvePrivateKey = ec.EllipticCurvePrivateKey

CURVE_BYTES = 48  # P-384: what ReplayWeb.page imports anonymous keys as
_MAX_KEY_FILE = 64 * 1024


class SigningKeyError(ValueError):
    """The signing key cannot be used; the message says why, in one line."""


def load_signing_key(path: str | os.PathLike[str], password: bytes | None = None) -> ec.EllipticCurvePrivateKey:
    """The P-384 private key in the PEM file ``path`` (a password from the caller, if any)."""
    path = Path(path)
    try:
        if path.stat().st_size > _MAX_KEY_FILE:
            raise SigningKeyError(f"{path}: too large for a key file")
        data = path.read_bytes()
    except OSError as exc:
        raise SigningKeyError(f"{path}: {exc.strerror or exc}") from exc
    try:
        key = serialization.load_pem_private_key(data, password=password)
    except TypeError as exc:  # encrypted without a password, or a password for a plain key
        raise SigningKeyError(f"{path}: {exc}") from exc
    except ValueError as exc:
        raise SigningKeyError(f"{path}: not a PEM private key ({exc})") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP384R1):
        raise SigningKeyError(f"{path}: WACZ anonymous signatures need an ECDSA P-384 (secp384r1) key")
    return key


def write_new_key(path: str | os.PathLike[str]) -> ec.EllipticCurvePrivateKey:
    """Make a P-384 key and write it to ``path`` (PEM, readable by its owner only); never overwrites."""
    key = ec.generate_private_key(ec.SECP384R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return key


def public_key_text(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> str:
    """The ``publicKey`` of ``signedData``: base64 SubjectPublicKeyInfo DER."""
    public = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode("ascii")


def signed_data(package_hash: str, key: ec.EllipticCurvePrivateKey, software: str,
                created: datetime | None = None) -> dict[str, Any]:
    """The ``signedData`` object for a package whose digest file says ``hash: package_hash``."""
    der = key.sign(package_hash.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    raw = r.to_bytes(CURVE_BYTES, "big") + s.to_bytes(CURVE_BYTES, "big")
    when = (created or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return {
        "hash": package_hash,
        "created": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "software": software,
        "signature": base64.b64encode(raw).decode("ascii"),
        "publicKey": public_key_text(key),
    }


@dataclass(frozen=True)
class SignatureCheck:
    """What checking a ``signedData`` object found: ``ok``, and why not in one line."""

    ok: bool
    problem: str = ""
    public_key: str = ""
    created: str = ""


def check_signed_data(signed: Any, package_hash: str) -> SignatureCheck:
    """Check an anonymous ``signedData`` against the package hash it must sign."""
    if not isinstance(signed, dict):
        return SignatureCheck(False, "signedData is not an object")
    public_text, signature_text = signed.get("publicKey"), signed.get("signature")
    created = str(signed.get("created") or "")
    if not isinstance(public_text, str) or not isinstance(signature_text, str):
        what = "domain signatures (domainCert) are not checked offline" if signed.get("domainCert") else \
            "signedData has no publicKey and signature"
        return SignatureCheck(False, what, created=created)
    if signed.get("hash") != package_hash:
        return SignatureCheck(False, "signedData signs another hash than datapackage.json's", public_text, created)
    try:
        public = serialization.load_der_public_key(base64.b64decode(public_text, validate=True))
        raw = base64.b64decode(signature_text, validate=True)
    except ValueError as exc:
        return SignatureCheck(False, f"unreadable publicKey or signature ({exc})", public_text, created)
    if not isinstance(public, ec.EllipticCurvePublicKey):
        return SignatureCheck(False, "publicKey is not an ECDSA key", public_text, created)
    size = (public.curve.key_size + 7) // 8
    if len(raw) != 2 * size:
        return SignatureCheck(False, f"signature is {len(raw)} bytes, not {2 * size}", public_text, created)
    der = encode_dss_signature(int.from_bytes(raw[:size], "big"), int.from_bytes(raw[size:], "big"))
    try:
        public.verify(der, package_hash.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return SignatureCheck(False, "the signature does not match: the package changed, or another key signed it",
                              public_text, created)
    return SignatureCheck(True, "", public_text, created)
