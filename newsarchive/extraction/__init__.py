"""What is extracted from a page: selectors, article fields, dates, JSON-LD, languages,
charsets, and the cleaning of what was extracted (boilerplate, whitespace, entities).

Everything here is a plain function over a page's HTML or text, shared by the live crawl,
replay and ``newsarchive check``; nothing fetches or writes anything.
"""
