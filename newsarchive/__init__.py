"""newsarchive: crawl paginated news listings into clean items and a faithful WARC archive."""

from newsarchive.items import Article

__version__ = "0.1.0"

__all__ = ["Article", "__version__"]
