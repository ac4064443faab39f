"""Site spiders: one small module per site. ``scrapy list`` finds every spider here."""
