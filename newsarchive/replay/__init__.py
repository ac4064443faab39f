"""Offline replay of WARC/WACZ archives into Scrapy spiders (see ``handler``)."""

import sys
import types
from typing import Any

from newsarchive.warc.provenance import WARC_META
from newsarchive.replay.addon import ReplayAddon
from newsarchive.replay.handler import (
    CaptureMissing,
    ReplayDownloadHandler,
    replay_paths,
    replayed_at,
)
from newsarchive.replay.index_lookup import CaptureIndex, CaptureResolver, request_key

REPLAY_DOWNLOAD_HANDLERS = {
    "http": "newsarchive.replay.handler.ReplayDownloadHandler",
    "https": "newsarchive.replay.handler.ReplayDownloadHandler",
}
"""What ``DOWNLOAD_HANDLERS`` must say for ``-s NEWSARCHIVE_REPLAY=...`` to work."""

__all__ = [
    "REPLAY_DOWNLOAD_HANDLERS",
    "WARC_META",
    "CaptureIndex",
    "CaptureMissing",
    "CaptureResolver",
    "ReplayAddon",
    "ReplayDownloadHandler",
    "replay_paths",
    "replayed_at",
    "request_key",
]


class _CallablePackage(types.ModuleType):
    """This package is also ``newsarchive.replay(...)``, the function (see
    :func:`newsarchive.runner.replay`): importing any ``newsarchive.replay.*`` module sets
    the package as the ``newsarchive.replay`` attribute, so the package must answer the call."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from newsarchive.runner import replay

        return replay(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
