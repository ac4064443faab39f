"""Where article URLs come from: listing pages, feeds, sitemaps.

A site's articles are found on *listing sources*: paginated HTML listings (the
``[listing]`` selectors of a site definition), and the machine-readable lists most news
sites publish anyway. :mod:`~newsarchive.sources.listing_spider` walks them all; the other
modules read those documents into plain data, which the spider turns each entry into a teaser and handles it
exactly like a listing teaser (archived ones skipped, failed ones retried, walks resumed).

- :mod:`~newsarchive.sources.syndication`: RSS 2.0, RSS 1.0 (RDF) and Atom feeds, read
  with feedparser from the archived response body, and their pagination (RFC 5005
  ``rel="next"``, WordPress's ``?paged=N``);
- :mod:`~newsarchive.sources.sitemaps`: sitemap indexes, url sets, gzipped sitemaps and
  Google News sitemaps, read with Scrapy's sitemap parser.

Nothing here fetches anything: every document comes from a response the crawl archived,
so a replay reads the same entries.
"""
