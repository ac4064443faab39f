"""WARC archiving: every HTTP exchange of a crawl, recorded faithfully and replayable.

Modules (import what you need; this package imports nothing heavy on purpose):

- ``handler``   download handler that records what actually crossed the wire
- ``capture``   downloader middleware that turns each exchange into WARC records
- ``records``   exchange -> WARC record headers and block bytes (digests included)
- ``writer``    file naming, per-record gzip, ``.open`` -> rename, rollover
- ``revisits``  payload-digest deduplication across crawls into one directory
- ``index`` / ``reader``  CDXJ indexing and robust reading
"""
