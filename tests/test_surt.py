"""Our SURT keys are the ``surt`` package's, key for key (it is AGPL-3.0: a test tool only).

Index keys must not change when the implementation does: an index written before would
stop finding its own captures. The reference is ``surt.surt(url)``, what cdxj-indexer
and pywb use, with the system resolver taken out of it (``surt`` looks up dotted
numeric hosts; an offline numeric-only lookup keeps it deterministic and answers the
same as the C library's ``inet_aton``).
"""

from __future__ import annotations

import socket
import string
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.warc.surt import surt

reference = pytest.importorskip("surt", reason="the surt package is a test tool: pip install -e '.[test]'")


def _numeric_only(name: Any) -> tuple[Any, list[str], list[str]]:
    """``gethostbyname_ex`` without the network: numeric IPv4 forms only."""
    info = socket.getaddrinfo(name, None, socket.AF_INET, 0, 0, socket.AI_NUMERICHOST)
    return name, [], [info[0][4][0]]


@contextmanager
def offline_reference() -> Iterator[Callable[[str], str]]:
    with mock.patch("socket.gethostbyname_ex", _numeric_only):
        yield lambda url: _outcome(reference.surt, url)


def _outcome(fn: Callable[[str], str], url: str) -> str:
    """The key, or ``<error>``: any error, as callers fall back to the URL on any."""
    try:
        return fn(url)
    except Exception:  # that it fails is the outcome compared
        return "<error>"


# (url, key): what surt 0.3.1 gives; each is checked against the package too
TRICKY = [
    ("http://www.example.com/", "com,example)/"),
    ("https://WWW.Example.COM:443/a/b/?b=2&a=1#frag", "com,example)/a/b?a=1&b=2"),
    ("HTTP://EXAMPLE.COM/X", "com,example)/x"),
    ("http://www1.example.com:80/", "com,example)/"),
    ("http://www42.x.com/", "com,x)/"),
    ("http://wwwx.example.com/", "com,example,wwwx)/"),
    ("http://user:pass@host.com:8080/path", "com,host:8080)/path"),
    ("http://example.com/?", "com,example)/"),
    ("http://example.com?", "com,example)/"),
    ("http://example.com/#only", "com,example)/"),
    ("http://example.com/%7Euser/%2541", "com,example)/~user/a"),
    ("http://example.com/%252525252541", "com,example)/a"),
    ("http://example.com/%", "com,example)/%25"),
    ("http://example.com/a?%41=%62", "com,example)/a?a=b"),
    ("http://%77ww.example.com/", "com,example)/"),
    ("http://Bücher.de/straße?ä=ü", "de,xn--bcher-kva)/stra%c3%9fe?%c3%a4=%c3%bc"),
    ("http://xn--bcher-kva.de/", "de,xn--bcher-kva)/"),
    ("http://exa mple.com/", "com,exa%20mple)/"),
    ("http://[::1]:8080/x", "::1:8080)/x"),
    ("http://[FE80::1%25Eth0]/", "fe80::1%25eth0)/"),
    ("http://example.com./a", "com,example)/a"),
    ("http://..example..com../", "com,example)/"),
    ("http://3232235777/", "1,1,168,192)/"),
    ("http://0300.0250.1.1/", "1,1,168,192)/"),
    ("http://10.1/", "1,0,0,10)/"),
    ("http://1.08/", "08,1)/"),
    ("http://0.9/", "9,0)/"),
    ("http://999.1.1.1/", "1,1,1,999)/"),
    ("http://1.2.3.4.5/", "5,4,3,2,1)/"),
    ("http://00/", "0,0,0,0)/"),
    ("http://0x7f.1/", "1,0x7f)/"),
    ("http://example.com:/x", "com,example)/x"),
    ("http://example.com:0/x", "com,example)/x"),
    ("https://example.com:8443", "com,example:8443)/"),
    ("ftp://ftp.example.com:21/pub/", "com,example,ftp:21)/pub"),
    ("http://example.com:abc/x", "<error>"),
    ("http://example.com:99999/x", "<error>"),
    (":foo", "<error>"),
    ("http://example.com/a;jsessionid=0123456789abcdef0123456789abcdef",
     "com,example)/a;jsessionid=0123456789abcdef0123456789abcdef"),
    ("http://example.com/a?jsessionid=0123456789ABCDEF0123456789abcdef&x=1", "com,example)/a?x=1"),
    ("http://example.com/a?x=1&PHPSESSID=0123456789abcdef0123456789abcdef", "com,example)/a?&x=1"),
    ("http://example.com/a?x=1&sid=0123456789abcdef0123456789abcdef&y", "com,example)/a?x=1&y"),
    ("http://example.com/a?ASPSESSIONIDabcdefgh=abcdefghijklmnopqrstuvwx&z=1", "com,example)/a?z=1"),
    ("http://example.com/a?cfid=12&cftoken=34&z=1", "com,example)/a?z=1"),
    ("http://example.com/a?z=1&CFID=12&CFTOKEN=34", "com,example)/a?&z=1"),
    ("http://example.com/(S(abcdefghijklmnopqrstuvwx))/page.aspx?x", "com,example)/page.aspx?x"),
    ("http://example.com/x/(abcdefghijklmnopqrstuvwx)/default.aspx", "com,example)/x/default.aspx"),
    ("http://example.com/x/(a(abcdefghijklmnopqrstuvwx)b(abcdefghijklmnopqrstuvwx))/y/default.aspx",
     "com,example)/x/y/default.aspx"),
    ("http://http://https://example.com/", "com,example)/"),
    ("example.com/path", "com,example)/path"),
    ("//example.com/path", "com,example)/path"),
    ("http:////www.vikings.com/x", "com,vikings)/x"),
    ("http:example.com/x", "com,example)/x"),
    ("http://@/foo/bar", "foo)/bar"),
    ("http://", "http:"),
    ("http:///", "http:/"),
    ("http://../a/./b", "http:/a/./b"),
    ("mailto:Someone@Example.com", "mailto:someone@example.com"),
    ("dns:www.example.com", "dns:www.example.com"),
    ("filedesc://foo.arc", "filedesc://foo.arc"),
    ("http://a.com/./b/../../c//d/", "com,a)/../c/d"),
    ("  http://example.com/ tab\there \n", "com,example)/%20tabhere"),
    ("http://example.com/\x01\x7f", "com,example)/%01%7f"),
    ("http://example.com/?a&a=&b=1&a=0", "com,example)/?a&a=&a=0&b=1"),
    ("", "-"),
    (" \r\n", "<error>"),
]


@pytest.mark.parametrize(("url", "key"), TRICKY)
def test_tricky_urls(url: str, key: str) -> None:
    assert _outcome(surt, url) == key
    with offline_reference() as ref:
        assert ref(url) == key


_SESSION = "0123456789abcdefABCDEF0123456789"  # 32 alphanumerics
_LETTERS24 = "abcdefghijklmnopqrstuvwx"
_PIECES = [
    "", ".", "..", "%2e", "%2E%2e", "%252e", "%2F", "%", "%g1", "%41", "%2541", "%25%34%31",
    "A", "a", "ü", "例", " ", "+", "~", ";", "(", ")", "index.ASPX", "default.aspx", "x.aspx?",
    f"(S({_LETTERS24}))", f"({_LETTERS24})", f"(a({_LETTERS24})B({_LETTERS24.upper()}))",
    f"({_LETTERS24[:-1]})", f";jsessionid={_SESSION}", "\\", "|", "^", "`", '"', "<", "'",
]
_ARGS = [
    "", "a", "a=", "=", "a=1", "A=2", "b", "b=%41", "%26=%3D", "ü=ü", "a=b=c",
    f"jsessionid={_SESSION}", f"JSESSIONID={_SESSION}x", f"phpsessid={_SESSION}", f"sid={_SESSION}",
    f"xsid={_SESSION[:-1]}", f"ASPSESSIONIDABCDEFGH={_LETTERS24}", f"aspsessionidabcdefgh={_LETTERS24[:-1]}",
    "cfid=1", "cftoken=2", "cfid=1&cftoken=2", "CFID=a&CFTOKEN=b", "cfid=&cftoken=2", "cfid=cfid=1",
]
_LABELS = [
    "www", "www1", "WWW2", "wwwx", "example", "Example", "com", "co", "uk", "xn--bcher-kva", "bücher",
    "例え", "%77ww", "ex%2Eample", "", "-", "_", "a b", "0", "00", "01", "08", "0300", "1", "10", "255",
    "256", "4294967295", "4294967296", "0x10", "99999999999",
]
_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6)
_label = st.one_of(st.sampled_from(_LABELS), st.text(alphabet=string.ascii_letters + string.digits + "-%.", max_size=6))
_host = st.one_of(
    st.lists(_label, min_size=1, max_size=5).map(".".join),
    st.integers(min_value=0, max_value=2**33).map(str),
    st.lists(st.integers(min_value=0, max_value=300).map(str), min_size=1, max_size=5).map(".".join),
    st.sampled_from(["[::1]", "[FE80::1%25eth0]", "[2001:DB8::A]", "[::ffff:1.2.3.4]", "[", "]", "[x]"]),
    _text,
)
_url = st.builds(
    lambda space, scheme, user, host, port, path, query, fragment, tail: (
        space + scheme + user + host + port + path + query + fragment + tail
    ),
    st.sampled_from(["", " ", "\t", "\n"]),
    st.sampled_from(["http://", "https://", "HTTP://", "Https://", "ftp://", "dns:", "mailto:", "", "//",
                     "http:", "http:///", "http:////", "http://http://", "https://http://", "file:///",
                     "x-y.z+1:", "1http://"]),
    st.sampled_from(["", "user@", "user:pass@", "@", "a%40b@", "u@v@"]),
    _host,
    st.sampled_from(["", ":", ":80", ":443", ":8080", ":0", ":65535", ":65536", ":abc", "::", ":٣", ":080"]),
    st.lists(st.one_of(st.sampled_from(_PIECES), _text), max_size=6).map(lambda segs: "".join("/" + s for s in segs)),
    st.one_of(st.just(""), st.just("?"),
              st.lists(st.one_of(st.sampled_from(_ARGS), _text), max_size=6).map(lambda a: "?" + "&".join(a))),
    st.sampled_from(["", "#", "#frag", "#a?b=c", "#%41"]),
    st.sampled_from(["", " ", "\r\n", "\x0b"]),
)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_url)
def test_same_keys_as_surt_on_generated_urls(url: str) -> None:
    with offline_reference() as ref:
        assert _outcome(surt, url) == ref(url)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40))
def test_same_keys_as_surt_on_any_text(text: str) -> None:
    with offline_reference() as ref:
        for url in (text, "http://" + text, "http://example.com/" + text, "http://example.com/?" + text):
            assert _outcome(surt, url) == ref(url)


_HOSTILE: list[tuple[str, Callable[[int], str], Callable[[int], str]]] = [
    # (what, url for size n, its key)
    ("nested escapes", lambda n: "http://example.com/" + "%25" * n + "41",
     lambda n: "com,example)/" + "%25" * (n - 1) + "a"),
    ("broken escapes", lambda n: "http://example.com/" + "%2" * n + "5",
     lambda n: "com,example)/" + "%252" * (n - 1) + "%25"),
    ("path session id candidates", lambda n: "http://example.com/" + "/(" * n + ".aspx",
     lambda n: "com,example)" + "/(" * n + ".aspx"),
    ("many path session ids", lambda n: "http://example.com" + f"/(S({_LETTERS24}))" * n + "/p.aspx",
     lambda n: "com,example)" + f"/(s({_LETTERS24}))" * (n - 1) + "/p.aspx"),
    ("cfid candidates", lambda n: "http://example.com/?" + "cfid=" * n + "&cftoken=1",
     lambda n: "com,example)/?" + "cfid=" * (n - 2)),
    ("jsessionid candidates", lambda n: "http://example.com/?" + "jsessionid=" * n,
     lambda n: "com,example)/?" + "jsessionid=" * n),
    ("many arguments", lambda n: "http://example.com/?" + "a&" * n,
     lambda n: "com,example)/?&" + "a&" * (n - 1) + "a"),
]


@pytest.mark.parametrize(("what", "url", "key"), _HOSTILE, ids=[h[0] for h in _HOSTILE])
def test_bounded_work_on_hostile_urls(what: str, url: Callable[[int], str], key: Callable[[int], str]) -> None:
    """Inputs that make backtracking matchers or unescaping level by level slow: the same
    keys as surt where it copes, and done in one pass each at sizes it would not."""
    with offline_reference() as ref:
        assert surt(url(500)) == ref(url(500)) == key(500)
    assert surt(url(50_000)) == key(50_000)
