"""Tools over a finished archive: verification (``newsarchive verify``), WACZ packaging
(``newsarchive wacz``) and their progress line. Indexing lives with the WARC code
(:mod:`newsarchive.warc.index`), replay in :mod:`newsarchive.replay`."""
