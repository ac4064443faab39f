"""WARC archiving: every HTTP exchange of a crawl, recorded faithfully and replayable.

Modules (import what you need; this package imports nothing heavy on purpose):

- ``handler``         download handler that records what actually crossed the wire
- ``capture``         downloader middleware handing each exchange to the archiver
- ``archiver``        exchange -> request/response/revisit records, written and indexed
- ``writer_process``  the archiver in a child process (another core), and the pipe to it
- ``records``         WARC record headers and block bytes (digests included)
- ``writer``          file naming, per-record gzip, ``.open`` -> rename, rollover
- ``recovery``        finishing the ``.open`` files a killed crawl left behind
- ``locks``           ``flock`` locks: a dead writer's file, index updates between processes
- ``revisits``        payload-digest deduplication across crawls into one directory
- ``index`` / ``reader``  CDXJ indexing and robust reading
- ``coverage``        the ``index.cdxj.files`` manifest: which files an index covers, whole
- ``healing``         merging finished files an index lacks, when a crawl opens the directory
- ``atomic``          files replaced whole (temporary file, fsync, rename)
"""
