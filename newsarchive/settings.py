"""Scrapy settings for the newsarchive project (``scrapy.cfg`` points here).

Every ``NEWSARCHIVE_*`` setting is documented in the README; override any of them with
``-s NAME=VALUE`` on the command line, like any Scrapy setting.
"""

BOT_NAME = "newsarchive"

# The top-level ``spiders/`` package holds one small module per site.
SPIDER_MODULES = ["newsarchive.spiders"]  # the repository's spiders/, installed under newsarchive
NEWSPIDER_MODULE = "newsarchive.spiders"

USER_AGENT = "newsarchive/0.1 (+https://github.com/newsarchive/newsarchive)"
ROBOTSTXT_OBEY = True

# Polite to real sites: AutoThrottle adapts each site's delay to its response time, aiming
# at about 2 requests in flight (never more than 8); a busy server is asked less often.
# Loopback hosts (a local mirror, the sample site) are exempt unless
# NEWSARCHIVE_THROTTLE_LOOPBACK; replay lifts all of it (no server to spare).
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_DELAY = 0  # the floor under AutoThrottle's delay
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
NEWSARCHIVE_THROTTLE_LOOPBACK = False
RETRY_TIMES = 2
# A callback yields at most a page of teasers; Scrapy's default (100) starts 100 item
# workers per response for nothing (measured: replay 17% faster at 8, same output).
CONCURRENT_ITEMS = 8

# Bounded work per page: a news page is well under a few MiB; a body (decoded size, so a
# gzip or brotli bomb too) over DOWNLOAD_MAXSIZE is abandoned, counted and logged
# (fetch_error "too_large"), never parsed. Scrapy's defaults are 1 GiB / 32 MiB.
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024

# Pages are read by parsel; keep HTTP errors visible to errbacks and stats.
HTTPERROR_ALLOWED_CODES: list[int] = []

# WARC archive: the handler records what crossed the wire, the middleware (nearest the
# handler, before decompression and redirects) writes request/response records.
DOWNLOAD_HANDLERS = {
    "http": "newsarchive.warc.handler.WireRecordingDownloadHandler",
    "https": "newsarchive.warc.handler.WireRecordingDownloadHandler",
}
DOWNLOADER_MIDDLEWARES = {
    # article redirects to other hosts fail visibly (an errback), not silently
    "newsarchive.job.redirects.OffsiteRedirectMiddleware": 55,
    # pages whose declared charset is wrong or missing are decoded as what they are
    "newsarchive.extraction.charset.CharsetRepairMiddleware": 580,
    "newsarchive.warc.capture.WarcCaptureMiddleware": 950,
}
NEWSARCHIVE_WARC_ENABLED = True
NEWSARCHIVE_WARC_DIR = "archive"
NEWSARCHIVE_WARC_MAX_SIZE = 1_000_000_000
NEWSARCHIVE_WARC_DIGEST = "sha1"
NEWSARCHIVE_WARC_REVISITS = True
NEWSARCHIVE_WARC_INDEX_BUFFER = 2 << 20  # bytes of the open file's index lines in memory; more spill to disk
# Records are built and written by a writer process, on another core; items wait in
# WarcPointerPipeline until the records they point at are on disk.
NEWSARCHIVE_WARC_WRITER_PROCESS = True
# Request records never hold proxy credentials (Proxy-Authorization is always redacted);
# these request headers are redacted too. [] keeps them all (but the proxy's).
NEWSARCHIVE_WARC_REDACT_HEADERS = ["Authorization", "Cookie"]

# Learns text repeated across most pages (ticker, header date, labels) for BoilerplatePipeline;
# after HttpErrorMiddleware (50) so error pages are not learned from.
SPIDER_MIDDLEWARES = {
    "newsarchive.extraction.boilerplate.BoilerplateLearnerMiddleware": 100,
}

ITEM_PIPELINES = {
    "newsarchive.pipelines.BoilerplatePipeline": 100,
    "newsarchive.pipelines.CleanPipeline": 200,
    "newsarchive.pipelines.ValidatePipeline": 300,
    "newsarchive.pipelines.DedupePipeline": 400,
    "newsarchive.warc.provenance.WarcPointerPipeline": 500,
}

# Item cleaning (see README "Cleaning, boilerplate and duplicates").
NEWSARCHIVE_SEEN_FILE = None  # `newsarchive crawl --out DIR` uses DIR/seen-urls.txt

# Job state (newsarchive.job): listing walks and failed articles, beside the seen file
# unless set. A failed article is tried again by up to 5 later runs, the first after an
# hour, each later one after twice the previous wait.
NEWSARCHIVE_STATE_FILE = None
NEWSARCHIVE_RETRY_FILE = None
NEWSARCHIVE_RETRY_FAILED_TIMES = 5
NEWSARCHIVE_RETRY_FAILED_DELAY = 3600
NEWSARCHIVE_BOILERPLATE_MIN_SHARE = 0.6
NEWSARCHIVE_BOILERPLATE_MIN_PAGES = 5
# Once the learned blocks are settled (after SAMPLE_AFTER pages), read 1 page in SAMPLE_EVERY.
NEWSARCHIVE_BOILERPLATE_SAMPLE_AFTER = 200
NEWSARCHIVE_BOILERPLATE_SAMPLE_EVERY = 10
NEWSARCHIVE_BOILERPLATE_PATTERNS: list[str] = []

# Each run's items are sorted (newest first, then URL) when the crawl ends, so output is
# stable across runs and a replay is byte-identical to the live crawl.
EXTENSIONS = {
    "newsarchive.job.item_feed.SortedFeeds": 0,
    # the job's listing walks and failed articles; after the feed exporter (item_scraped)
    "newsarchive.job.JobState": 1000,
    "scrapy.extensions.throttle.AutoThrottle": None,
    "newsarchive.politeness.AutoThrottle": 0,
    "newsarchive.job.progress.CrawlProgress": 500,
    "newsarchive.job.slowest_pages.SlowestPages": 500,
}
# The slowest fetches of each run, kept for runs.jsonl and `newsarchive report` (0: none).
NEWSARCHIVE_SLOWEST_PAGES = 20
# Progress while a crawl runs (newsarchive.job.progress): a live line on a terminal, else
# a log line every NEWSARCHIVE_PROGRESS_INTERVAL seconds; "log" or "off" to choose.
NEWSARCHIVE_PROGRESS = "auto"
NEWSARCHIVE_PROGRESS_INTERVAL = 30.0
LOGSTATS_INTERVAL = 0.0  # Scrapy's once-a-minute "Crawled N pages": the line above says more
NEWSARCHIVE_SORT_ITEMS = True

# Offline replay: `-s NEWSARCHIVE_REPLAY=PATH[,PATH...]` answers every request from the
# archive (WARC/ARC files, directories, WACZ); the add-on does nothing when it is empty.
ADDONS = {"newsarchive.replay.ReplayAddon": 0, "newsarchive.distributed.addon.RedisAddon": 0}
NEWSARCHIVE_REPLAY = ""
NEWSARCHIVE_REPLAY_AT = ""  # timestamp: with several runs, the run in progress then; else the nearest capture
NEWSARCHIVE_REPLAY_RUN = 0  # replay run N of a job's archive alone (0: no filter)
NEWSARCHIVE_REPLAY_DAMAGED = "fail"  # a request whose every capture is damaged: "fail" or "replay" what is there

# Many workers on one crawl (newsarchive.distributed, README "Many workers on one crawl"):
# REDIS_URL (scrapy-redis's name) makes this crawl a worker of the job NEWSARCHIVE_REDIS_JOB
# (default: the spider name); a worker silent for NEWSARCHIVE_REDIS_LEASE_TIMEOUT seconds
# has the requests it held put back in the queue for the others.
REDIS_URL = None
NEWSARCHIVE_REDIS_JOB = None
NEWSARCHIVE_REDIS_LEASE_TIMEOUT = 30.0

FEED_EXPORT_ENCODING = "utf-8"
# Local feeds are written unbuffered: a killed crawl never loses an exported item.
FEED_STORAGES = {
    "": "newsarchive.job.item_feed.DurableFileFeedStorage",
    "file": "newsarchive.job.item_feed.DurableFileFeedStorage",
}
FEED_EXPORT_FIELDS = None

LOG_LEVEL = "INFO"
# Scrapy re-parses each callback's source on every response to warn about generators that
# return a value (a development aid): about 1 ms per page for nothing here.
WARN_ON_GENERATOR_RETURN_VALUE = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's remote control runs Python sent to a local HTTP port and writes a job
# file into the user's profile: neither belongs in an archival crawl or an offline replay.
REMOTE_CONTROL_ENABLED = False
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
