"""``newsarchive check``: what a crawl would find on one listing page, without crawling.

* :mod:`~newsarchive.site_check.target`: the spider a crawl would run, built, never started;
* :mod:`~newsarchive.site_check.fetch`: one bounded GET per page, as a Scrapy response;
* :mod:`~newsarchive.site_check.robots`: whether robots.txt lets the crawl fetch it;
* :mod:`~newsarchive.site_check.report`: the spider's callbacks run on the pages, and
  what each selector or automatic rule found;
* :mod:`~newsarchive.site_check.run`: one check, listing page then first article;
* :mod:`~newsarchive.site_check.render`: the result as text or JSON;
* :mod:`~newsarchive.site_check.infer` and :mod:`~newsarchive.site_check.toml_out`: the
  site definition the page suggests, as TOML to start a site file from.

Nothing here writes a file.
"""
