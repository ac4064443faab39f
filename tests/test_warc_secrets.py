"""Nothing secret goes into an archive: proxy credentials never, Authorization and Cookie
by default (``NEWSARCHIVE_WARC_REDACT_HEADERS``).

The crawls go through a real forward HTTP proxy on 127.0.0.1 (:class:`AuthProxy`, here)
that insists on ``Proxy-Authorization: Basic ...``, with credentials given the two ways
Scrapy takes them: ``http_proxy=http://user:pass@host:port`` in the environment of a
``newsarchive crawl`` and ``request.meta["proxy"]``. Then every byte the crawl left (WARC
files decompressed, index, items, runs, log at INFO) is searched for the secrets.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import socket
import subprocess
import sys
import threading
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import pytest_twisted
import scrapy
from warcio.archiveiterator import ArchiveIterator

from newsarchive.warc.archiver import Archiver, WarcSettings, WireExchange
from newsarchive.warc.redaction import MARKER, RequestRedactor, header_names, policy, scrub_text, strip_userinfo
from warc_crawl import RawServer, Rec, all_records, crawl, raw, tool, warc_files

REPO_ROOT = Path(__file__).resolve().parent.parent

PROXY_USER, PROXY_PASSWORD = "crawler", "Pr0xy-S3cret!"
PROXY_TOKEN = base64.b64encode(f"{PROXY_USER}:{PROXY_PASSWORD}".encode()).decode()
SITE_TOKEN = base64.b64encode(b"editor:S1te-Passw0rd").decode()
SITE_SESSION = "sess-7f3a9c0d51e2"


def basic(token: str) -> str:
    return f"Basic {token}"


# -- a forward proxy that wants credentials ----------------------------------------------


class AuthProxy:
    """An HTTP/1.1 forward proxy on 127.0.0.1 requiring ``Proxy-Authorization``.

    Absolute-form requests (``GET http://127.0.0.1:PORT/path HTTP/1.1``) with the right
    Basic credentials are forwarded to that loopback server in origin form, without the
    proxy's own headers; anything else gets a 407 (no or wrong credentials), a 403 (not
    a loopback target: no test reaches past 127.0.0.1) or a 501 (CONNECT). One request per
    client connection (``Connection: close``), so the framing stays simple.
    """

    def __init__(self, user: str, password: str) -> None:
        self.expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.received: list[bytes] = []  # every request as it arrived, credentials included
        self.denied = 0
        self._lock = threading.Lock()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def url_with(self, user: str, password: str) -> str:
        return f"http://{user}:{password}@127.0.0.1:{self.port}"

    def __enter__(self) -> AuthProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._sock.close()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            request = _read_request(conn)
            if request is None:
                return
            with self._lock:
                self.received.append(request)
            conn.sendall(self._answer(request))
        except OSError:
            pass
        finally:
            conn.close()

    def _answer(self, request: bytes) -> bytes:
        head, _, body = request.partition(b"\r\n\r\n")
        request_line, *lines = head.split(b"\r\n")
        method, target, version = request_line.split(b" ", 2)
        headers = [(name.strip().lower(), value.strip()) for name, _, value in (line.partition(b":") for line in lines)]
        auth = dict(headers).get(b"proxy-authorization", b"").decode("latin-1")
        if auth != self.expected:
            with self._lock:
                self.denied += 1
            return (b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                    b"Content-Length: 0\r\nConnection: close\r\n\r\n")  # fmt: skip
        if method == b"CONNECT":
            return b"HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        url = urlsplit(target.decode("ascii"))
        if url.hostname != "127.0.0.1" or url.port is None:
            return b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        hop = {b"proxy-authorization", b"proxy-connection", b"connection", b"keep-alive"}
        path = (url.path or "/") + (f"?{url.query}" if url.query else "")
        forwarded = [method + b" " + path.encode() + b" " + version]
        forwarded += [line for line, (name, _) in zip(lines, headers) if name not in hop]
        forwarded.append(b"Connection: close")
        with socket.create_connection(("127.0.0.1", url.port), timeout=30) as upstream:
            upstream.sendall(b"\r\n".join(forwarded) + b"\r\n\r\n" + body)
            response = _read_response(upstream, method == b"HEAD")
        rhead, _, rbody = response.partition(b"\r\n\r\n")
        status, *rlines = rhead.split(b"\r\n")
        rlines = [line for line in rlines if line.partition(b":")[0].strip().lower() not in hop]
        return b"\r\n".join([status, *rlines, b"Connection: close"]) + b"\r\n\r\n" + rbody


def _read_request(conn: socket.socket) -> bytes | None:
    buf = b""
    while b"\r\n\r\n" not in buf:
        data = conn.recv(65536)
        if not data:
            return None
        buf += data
    head, _, rest = buf.partition(b"\r\n\r\n")
    length = _content_length(head) or 0
    while len(rest) < length:
        data = conn.recv(65536)
        if not data:
            break
        rest += data
    return head + b"\r\n\r\n" + rest


def _content_length(head: bytes) -> int | None:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return None


def _read_response(sock: socket.socket, head_only: bool) -> bytes:
    """One whole response (Content-Length, chunked, or read to the end)."""
    buf = b""

    def more() -> bool:
        nonlocal buf
        data = sock.recv(65536)
        buf += data
        return bool(data)

    while b"\r\n\r\n" not in buf:
        if not more():
            return buf
    head, _, _ = buf.partition(b"\r\n\r\n")
    start = len(head) + 4
    status = int(head.split(b" ", 2)[1])
    if head_only or status in (204, 304) or 100 <= status < 200:
        return buf[:start]
    length = _content_length(head)
    chunked = re.search(rb"(?im)^transfer-encoding:.*chunked", head) is not None
    if chunked:
        pos = start
        while True:
            while b"\r\n" not in buf[pos:]:
                if not more():
                    return buf
            line_end = buf.index(b"\r\n", pos)
            size = int(buf[pos:line_end].split(b";")[0], 16)
            pos = line_end + 2
            if size == 0:
                while not buf[pos:].startswith(b"\r\n") and b"\r\n\r\n" not in buf[pos - 2 :]:
                    if not more():
                        return buf
                end = pos + 2 if buf[pos:].startswith(b"\r\n") else buf.index(b"\r\n\r\n", pos - 2) + 4
                return buf[:end]
            while len(buf) < pos + size + 2:
                if not more():
                    return buf
            pos += size + 2
    if length is not None:
        while len(buf) < start + length:
            if not more():
                break
        return buf[: start + length]
    while more():
        pass
    return buf


# -- reading everything back ----------------------------------------------------------------


def every_byte(path: Path) -> bytes:
    """A file's bytes, and for gzip files (WARCs: one member per record) their contents too."""
    data = path.read_bytes()
    if path.name.endswith((".gz", ".gz.open")):
        out, rest = [data], data
        while rest:
            member = zlib.decompressobj(31)
            out.append(member.decompress(rest))
            rest = member.unused_data
        return b"\n".join(out)
    return data


def leaked(paths: list[Path], secrets: list[str]) -> list[tuple[str, str]]:
    found = []
    for path in paths:
        data = every_byte(path)
        found += [(str(path), secret) for secret in secrets if secret.encode() in data]
    return found


def warcio_check(directory: Path) -> list[Rec]:
    files = warc_files(directory)
    assert files, f"no WARC files in {directory}"
    result = tool("warcio", "check", "-v", *map(str, files))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "digest fail" not in result.stdout
    return all_records(directory)


def warcinfo_fields(rec: Rec) -> dict[str, str]:
    assert rec.rec_type == "warcinfo"
    lines = rec.block.decode().split("\r\n")
    return dict(line.split(": ", 1) for line in lines if line)


def redacted_as_stored(sent: bytes, names: tuple[str, ...]) -> bytes:
    """The request as a redacting archive must store it (computed independently of the code)."""
    pattern = rb"(?im)^(" + b"|".join(re.escape(n.encode()) for n in names) + rb"):[^\r\n]*"
    return re.sub(pattern, rb"\1: <redacted>", sent)


SECRETS = [PROXY_PASSWORD, PROXY_TOKEN, f"{PROXY_USER}:{PROXY_PASSWORD}", SITE_TOKEN, "S1te-Passw0rd"]


# -- unit: the redaction itself ---------------------------------------------------------------


def test_redact_request_keeps_names_order_body_and_drops_values() -> None:
    sent = (
        b"GET http://user:pw@127.0.0.1:8/p?q=1 HTTP/1.1\r\n"
        b"Host: 127.0.0.1:8\r\n"
        b"authorization: Basic c2VjcmV0\r\n"
        b"X-Folded: a\r\n b\r\n"
        b"Proxy-Authorization: Basic cHJveHk6cHc=\r\n"
        b"  continued-secret\r\n"
        b"Cookie: sid=1\r\n"
        b"Accept: */*\r\n\r\n"
        b"Authorization: body is never touched"
    )
    stored, names = RequestRedactor().redact(sent)
    assert stored == (
        b"GET http://127.0.0.1:8/p?q=1 HTTP/1.1\r\n"
        b"Host: 127.0.0.1:8\r\n"
        b"authorization: <redacted>\r\n"
        b"X-Folded: a\r\n b\r\n"
        b"Proxy-Authorization: <redacted>\r\n"
        b"Cookie: <redacted>\r\n"
        b"Accept: */*\r\n\r\n"
        b"Authorization: body is never touched"
    )
    assert names == ["Authorization", "Proxy-Authorization", "Cookie"]
    # nothing configured: only the proxy's credentials go, and the URL's userinfo
    kept, names = RequestRedactor([]).redact(sent)
    assert b"authorization: Basic c2VjcmV0\r\n" in kept and b"Cookie: sid=1\r\n" in kept
    assert b"cHJveHk6cHc=" not in kept and b"continued-secret" not in kept and b"user:pw" not in kept
    assert names == ["Proxy-Authorization"]
    clean = b"GET /p HTTP/1.1\r\nHost: h\r\n\r\n"
    assert RequestRedactor().redact(clean) == (clean, [])
    assert RequestRedactor().redact(clean)[0] is clean  # nothing to do: not even a copy


def test_policy_and_setting_values() -> None:
    assert policy(["Cookie", "authorization", "X-Api-Key"]) == ("authorization", "Cookie", "Proxy-Authorization",
                                                                "X-Api-Key")
    assert policy([]) == policy(["proxy-authorization"]) == ("Proxy-Authorization",)  # cannot be turned off
    assert header_names("Authorization, Cookie,,cookie") == ("Authorization", "Cookie")
    assert header_names('["X-Token"]') == ("X-Token",) and header_names("") == ()
    with pytest.raises(ValueError, match="NEWSARCHIVE_WARC_REDACT_HEADERS"):
        header_names(["Bad Header"])
    with pytest.raises(ValueError, match="NEWSARCHIVE_WARC_REDACT_HEADERS"):
        WarcSettings(redact_headers=("a:b",))
    from scrapy.settings import Settings

    def configured(**values: Any) -> tuple[str, ...]:
        return WarcSettings.from_settings(Settings(values)).redact_headers

    assert configured() == ("Authorization", "Cookie")  # the default
    assert configured(NEWSARCHIVE_WARC_REDACT_HEADERS="") == ()  # `-s NEWSARCHIVE_WARC_REDACT_HEADERS=`
    assert configured(NEWSARCHIVE_WARC_REDACT_HEADERS="Cookie,X-Api-Key") == ("Cookie", "X-Api-Key")
    assert configured(NEWSARCHIVE_WARC_REDACT_HEADERS=["Authorization"]) == ("Authorization",)


def test_userinfo_goes_from_urls() -> None:
    assert strip_userinfo("http://u:p@h:1/a@b?c=@") == "http://h:1/a@b?c=@"
    assert strip_userinfo("https://u:p@ss@h/") == "https://h/"  # a raw "@" in the password too
    assert strip_userinfo("http://h/a@b") == "http://h/a@b"
    assert scrub_text("proxy=http://u:secret@10.0.0.1:3128, other=ftp://a@b/x") == "proxy=http://10.0.0.1:3128, other=ftp://b/x"


def test_archiver_redacts_records_and_declares_it(tmp_path: Path) -> None:
    """The archiver is where every request record passes: target URI, request line and
    headers are cleaned there, the block digest covers what is stored, and the warcinfo
    (of every file) says what was redacted; no URL credentials in any warcinfo value."""
    from datetime import datetime, timezone

    sent = (b"GET http://u:UrlSecret@127.0.0.1:9/p HTTP/1.1\r\nHost: 127.0.0.1:9\r\n"
            b"Proxy-Authorization: Basic " + PROXY_TOKEN.encode() + b"\r\n"
            b"Authorization: Basic " + SITE_TOKEN.encode() + b"\r\nCookie: sid=" + SITE_SESSION.encode() + b"\r\n\r\n")  # fmt: skip
    wire = WireExchange(sent, datetime.now(timezone.utc), b"HTTP/1.1 200 OK", [b"Content-Length: 2"], "127.0.0.1")
    info = [("software", "test"), ("scrapy-setting", f"SOME_PROXY=http://{PROXY_USER}:{PROXY_PASSWORD}@10.1.1.1:3128")]
    for directory, configured, kept in ((tmp_path / "default", None, False), (tmp_path / "kept", (), True)):
        settings = WarcSettings(directory=directory) if configured is None else WarcSettings(
            directory=directory, redact_headers=configured)
        archiver = Archiver(settings, "t", info)
        outcome = archiver.archive("http://u:UrlSecret@127.0.0.1:9/p", wire, b"ok", None)
        archiver.close()
        recs = warcio_check(directory)
        fields = warcinfo_fields(recs[0])
        assert fields["redacted"] == ("Proxy-Authorization" if kept else "Authorization, Cookie, Proxy-Authorization")
        assert fields["scrapy-setting"] == "SOME_PROXY=http://10.1.1.1:3128"
        (req,) = [r for r in recs if r.rec_type == "request"]
        assert all(r.uri == "http://127.0.0.1:9/p" for r in recs[1:])
        assert req.block.startswith(b"GET http://127.0.0.1:9/p HTTP/1.1\r\n")
        assert b"Proxy-Authorization: <redacted>\r\n" in req.block
        assert (b"Authorization: Basic " + SITE_TOKEN.encode() in req.block) is kept
        assert (b"Cookie: sid=" + SITE_SESSION.encode() in req.block) is kept
        assert outcome.redacted == (["Proxy-Authorization"] if kept else ["Proxy-Authorization", "Authorization", "Cookie"])
        secrets = [PROXY_PASSWORD, PROXY_TOKEN, "UrlSecret"] + ([] if kept else [SITE_TOKEN, SITE_SESSION])
        assert leaked(sorted(directory.iterdir()), secrets) == []


# -- a crawl through the proxy, in this process ---------------------------------------------------


def login_site() -> dict[str, Any]:
    """``/login`` sets a session cookie and redirects to ``/home``, which Scrapy's cookie
    middleware then asks for with ``Cookie: ...; sid=...``."""
    return {
        "/login": raw(b"HTTP/1.1 302 Found\r\nLocation: /home\r\nSet-Cookie: sid=" + SITE_SESSION.encode()
                      + b"; Path=/; HttpOnly\r\nContent-Length: 0\r\n\r\n"),
        "/home": raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 19\r\n\r\n<p>welcome home</p>"),
    }


@pytest.mark.parametrize(
    ("configured", "writer_process"),
    [(None, True), ([], False), (["Cookie"], True)],
    ids=["default", "keep-all", "cookie-only"],
)
@pytest_twisted.ensureDeferred
async def test_crawl_through_proxy_archives_no_credentials(tmp_path: Path, configured: list[str] | None,
                                                           writer_process: bool) -> None:
    redacting = ("Authorization", "Cookie") if configured is None else tuple(configured)
    stored_names = (*redacting, "Proxy-Authorization")
    settings: dict[str, Any] = {"NEWSARCHIVE_WARC_WRITER_PROCESS": writer_process, "CONCURRENT_REQUESTS": 1}
    if configured is not None:
        settings["NEWSARCHIVE_WARC_REDACT_HEADERS"] = configured
    with RawServer(login_site()) as site, AuthProxy(PROXY_USER, PROXY_PASSWORD) as proxy:
        login = scrapy.Request(site.url + "/login", headers={"Authorization": basic(SITE_TOKEN)},
                               cookies={"pref": "dark"}, meta={"proxy": proxy.url_with(PROXY_USER, PROXY_PASSWORD)})
        results, stats = await crawl(tmp_path / "warc", [login], **settings)
    # the exchange really carried every secret, through the proxy
    assert [(r.url, r.status, r.body) for r in results] == [(site.url + "/home", 200, b"<p>welcome home</p>")]
    assert proxy.denied == 0 and len(proxy.received) == 2
    assert all(basic(PROXY_TOKEN).encode() in sent and basic(SITE_TOKEN).encode() in sent for sent in proxy.received)
    assert b"Cookie: pref=dark; sid=" + SITE_SESSION.encode() in proxy.received[1]
    # the site got them in origin form, without the proxy's credentials
    assert [r.split(b" ", 2)[1] for r in site.received] == [b"/login", b"/home"]
    assert all(b"Authorization: " + basic(SITE_TOKEN).encode() in r and b"Proxy-Authorization" not in r
               for r in site.received)

    recs = warcio_check(tmp_path / "warc")  # block digests: over what is stored
    requests = [r for r in recs if r.rec_type == "request"]
    # byte for byte what the proxy received, but for the redacted values
    assert sorted(r.block for r in requests) == sorted(redacted_as_stored(s, stored_names) for s in proxy.received)
    assert all(r.block.startswith(b"GET http://127.0.0.1:") for r in requests)  # absolute form: it went via the proxy
    assert all(b"Proxy-Authorization: <redacted>\r\n" in r.block for r in requests)
    kept_auth = "Authorization" not in redacting
    kept_cookie = "Cookie" not in redacting
    assert all((b"Authorization: " + basic(SITE_TOKEN).encode() in r.block) is kept_auth for r in requests)
    home = next(r for r in requests if r.uri.endswith("/home"))
    assert (b"sid=" + SITE_SESSION.encode() in home.block) is kept_cookie
    assert (b"Cookie: <redacted>\r\n" in home.block) is not kept_cookie
    # what the site served is kept: its Set-Cookie too
    (login_response,) = [r for r in recs if r.rec_type == "response" and r.uri.endswith("/login")]
    assert b"Set-Cookie: sid=" + SITE_SESSION.encode() + b"; Path=/; HttpOnly\r\n" in login_response.block
    fields = warcinfo_fields(recs[0])
    assert fields["redacted"] == ", ".join(sorted(stored_names, key=str.lower))
    assert stats["newsarchive/warc/redacted/Proxy-Authorization"] == 2
    assert stats.get("newsarchive/warc/redacted/Authorization", 0) == (0 if kept_auth else 2)
    assert stats.get("newsarchive/warc/redacted/Cookie", 0) == (0 if kept_cookie else 2)

    secrets = [PROXY_PASSWORD, PROXY_TOKEN] + ([] if kept_auth else [SITE_TOKEN])
    assert leaked(sorted((tmp_path / "warc").iterdir()), secrets) == []
    verify = subprocess.run([sys.executable, "-m", "newsarchive", "verify", str(tmp_path / "warc")],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0, verify.stdout + verify.stderr

    if configured is None:  # the redacted archive replays as the site was crawled
        from newsarchive.replay import REPLAY_DOWNLOAD_HANDLERS

        replayed, _ = await crawl(tmp_path / "again", [site.url + "/login"], DOWNLOAD_HANDLERS=REPLAY_DOWNLOAD_HANDLERS,
                                  NEWSARCHIVE_REPLAY=str(tmp_path / "warc"))
        assert [(r.url, r.status, r.body) for r in replayed] == [(site.url + "/home", 200, b"<p>welcome home</p>")]


# -- `newsarchive crawl` with http_proxy=http://user:pass@... ------------------------------------


def test_newsarchive_crawl_with_proxy_credentials_leaves_no_secret(tmp_path: Path, sample_site: Any) -> None:
    """The whole job directory and the log at INFO, after a real crawl of the sample site
    (whose /latest/ sets two cookies) through the proxy, with an Authorization header."""
    out = tmp_path / "job"
    log = tmp_path / "crawl.log"
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "http_proxy", "https_proxy", "all_proxy")}
    with AuthProxy(PROXY_USER, PROXY_PASSWORD) as proxy:
        env["http_proxy"] = proxy.url_with(PROXY_USER, PROXY_PASSWORD)
        headers = {"Authorization": basic(SITE_TOKEN), "Accept": "text/html"}
        crawl_run = subprocess.run(
            [sys.executable, "-m", "newsarchive", "crawl", "timesca", "--out", str(out), "-a", f"base_url={sample_site.url}",
             "-a", "max_pages=1", "-s", f"DEFAULT_REQUEST_HEADERS={json.dumps(headers)}", "-s", f"LOG_FILE={log}",
             "--log-level", "INFO"],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    assert crawl_run.returncode == 0, crawl_run.stdout + crawl_run.stderr + log.read_text()
    # every request went through the proxy, with its credentials, the site's token and cookies
    assert proxy.denied == 0 and len(proxy.received) > 5
    assert all(basic(PROXY_TOKEN).encode() in sent and basic(SITE_TOKEN).encode() in sent for sent in proxy.received)
    cookies = [sent for sent in proxy.received if b"\r\nCookie: " in sent]
    assert cookies and all(b"wp_session=" in sent for sent in cookies)
    session = re.search(rb"wp_session=([0-9a-f]+)", cookies[0]).group(1).decode()

    recs = warcio_check(out / "warc")
    requests = [r for r in recs if r.rec_type == "request"]
    assert len(requests) == len(proxy.received)
    assert sorted(r.block for r in requests) == sorted(
        redacted_as_stored(s, ("Authorization", "Cookie", "Proxy-Authorization")) for s in proxy.received)
    assert sum(b"\r\nCookie: <redacted>\r\n" in r.block for r in requests) == len(cookies)
    assert not any(session.encode() in r.block for r in requests)
    assert any(session.encode() in r.block for r in recs if r.rec_type == "response")  # Set-Cookie kept
    for path in warc_files(out / "warc"):
        with open(path, "rb") as fh:
            info = next(iter(ArchiveIterator(fh)))
            body = info.content_stream().read().decode()
        assert "redacted: Authorization, Cookie, Proxy-Authorization\r\n" in body

    files = [p for p in sorted(out.rglob("*")) if p.is_file()]
    assert {p.name for p in files} >= {"items.jsonl", "runs.jsonl", "index.cdxj"}
    text = crawl_run.stdout + crawl_run.stderr + log.read_text()
    assert "INFO" in text and "request headers redacted: Authorization, Cookie, Proxy-Authorization" in text
    assert leaked(files + [log], SECRETS) == []
    assert [s for s in SECRETS if s in crawl_run.stdout + crawl_run.stderr] == []
    runs = [json.loads(line) for line in (out / "runs.jsonl").read_text().splitlines()]
    assert runs[-1]["stats"]["newsarchive/warc/redacted/Proxy-Authorization"] == len(requests)

    verify = subprocess.run([sys.executable, "-m", "newsarchive", "verify", str(out / "warc"), "--items",
                             str(out / "items.jsonl")], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_proxy_refuses_requests_without_credentials() -> None:
    """The test proxy is a real check: without the right credentials nothing gets through."""
    with AuthProxy(PROXY_USER, PROXY_PASSWORD) as proxy:
        for auth in (b"", b"Proxy-Authorization: Basic " + base64.b64encode(b"crawler:wrong") + b"\r\n"):
            with socket.create_connection(("127.0.0.1", proxy.port)) as conn:
                conn.sendall(b"GET http://127.0.0.1:9/ HTTP/1.1\r\nHost: 127.0.0.1:9\r\n" + auth + b"\r\n")
                assert conn.recv(65536).startswith(b"HTTP/1.1 407 ")
        assert proxy.denied == 2
