"""scrapy-redis's duplicate filter, with newsarchive's idea of the same URL.

A teaser found on a listing page and in a feed may differ by tracking parameters or
percent-encoding case; the single-process spider requests it once (it compares
:func:`~newsarchive.job.dedupe.canonical_url`), so the workers' shared fingerprints use
that form too. The fingerprint stays scrapy-redis's (SHA-1 of method, URL and body).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from scrapy_redis.dupefilter import RFPDupeFilter

from newsarchive.job.dedupe import canonical_url


class CanonicalDupeFilter(RFPDupeFilter):
    def request_fingerprint(self, request: Any) -> str:
        data = {"method": str(request.method), "url": canonical_url(request.url), "body": (request.body or b"").hex()}
        return hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()
