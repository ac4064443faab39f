"""Offline replay of WARC/WACZ archives into Scrapy spiders (see ``handler``)."""

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

# Imported on first use: `newsarchive verify` reads captures (index_lookup) and must not
# load Scrapy for the add-on and the download handler.
_NAMES = {
    "WARC_META": "newsarchive.warc.provenance",
    "ReplayAddon": "newsarchive.replay.addon",
    "CaptureMissing": "newsarchive.replay.handler",
    "ReplayDownloadHandler": "newsarchive.replay.handler",
    "replay_paths": "newsarchive.replay.handler",
    "replayed_at": "newsarchive.replay.handler",
    "CaptureIndex": "newsarchive.replay.index_lookup",
    "CaptureResolver": "newsarchive.replay.index_lookup",
    "request_key": "newsarchive.replay.index_lookup",
}


def __getattr__(name: str) -> Any:
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'newsarchive.replay' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


if TYPE_CHECKING:
    from newsarchive.replay.addon import ReplayAddon
    from newsarchive.replay.handler import CaptureMissing, ReplayDownloadHandler, replay_paths, replayed_at
    from newsarchive.replay.index_lookup import CaptureIndex, CaptureResolver, request_key
    from newsarchive.warc.provenance import WARC_META

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
