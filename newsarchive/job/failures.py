"""One short name per way an article page can fail, for stats, logs and ``fetch_error``.

Names are stable (users filter items and stats on them): ``http_404``, ``http_503``,
``timeout``, ``data_loss``, ``redirect_loop``, ``offsite_redirect``, ``robots_txt``,
``refused_scheme``, ``too_large``, ``damaged_capture`` (replay: the only capture is damaged), ``dns``, ``connection_refused``, ``connection_lost``, ``url_too_long``, or the
exception's class name for anything else.
"""

from __future__ import annotations

from twisted.python.failure import Failure

#: Failures a later run cannot cure: recorded, never retried.
PERMANENT = frozenset({"url_too_long"})


def failure_reason(failure: Failure) -> str:
    """The name of what went wrong in ``failure`` (a request's errback argument)."""
    from scrapy.exceptions import IgnoreRequest
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.internet import error as net

    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    given = getattr(failure.value, "newsarchive_reason", None)  # e.g. a replayed failure
    if isinstance(given, str) and given:
        return given
    if failure.check(IgnoreRequest):
        message = str(failure.value)
        if "max redirections" in message:
            return "redirect_loop"
        if "offsite" in message.lower():
            return "offsite_redirect"
        if "robots.txt" in message:
            return "robots_txt"
        if message.startswith("refused a "):
            return "refused_scheme"
        if "DOWNLOAD_MAXSIZE" in message or "maxsize" in message:
            return "too_large"
        return "ignored"
    if failure.check(net.TimeoutError, net.TCPTimedOutError):
        return "timeout"
    if failure.check(net.DNSLookupError):
        return "dns"
    if failure.check(net.ConnectionRefusedError):
        return "connection_refused"
    name = failure.type.__name__ if failure.type else "error"
    if name in ("CancelledError", "DownloadCancelledError") and "max size" in str(failure.value).lower().replace("maxsize", "max size"):
        return "too_large"
    if "DataLoss" in name or name == "PotentialDataLoss":
        return "data_loss"
    if name in ("ConnectionLost", "ConnectionDone", "ResponseNeverReceived", "ResponseFailed"):
        return "connection_lost"
    return name
