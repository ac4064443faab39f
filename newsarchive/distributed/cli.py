"""``newsarchive crawl --redis URL``: the settings of a worker, checked before any request."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from newsarchive.distributed.keys import job_name

_SCHEMES = ("redis", "rediss", "unix")


def redis_settings(url: str | None, job: str | None, spider: str, spider_args: Mapping[str, str],
                   settings: Mapping[str, str] | None = None) -> dict[str, str]:
    """``REDIS_URL`` and ``NEWSARCHIVE_REDIS_JOB`` for this command; ``ValueError`` says
    what is wrong (no URL, a bad one, no scrapy-redis, a Redis that does not answer)."""
    from newsarchive.runner.crawl_job import resolve_spider

    if not url:
        raise ValueError("--redis-job needs --redis redis://HOST:PORT/DB")
    timeout = (settings or {}).get("NEWSARCHIVE_REDIS_LEASE_TIMEOUT")
    if timeout is not None and not float(timeout) > 0:
        raise ValueError(f"-s NEWSARCHIVE_REDIS_LEASE_TIMEOUT: must be more than 0 seconds, got {timeout!r}")
    if urlsplit(url).scheme not in _SCHEMES:
        raise ValueError(f"--redis {redacted(url)!r}: expected redis://HOST:PORT/DB (or rediss://, unix://)")
    try:
        import redis
        import scrapy_redis  # noqa: F401
    except ImportError:
        raise ValueError("--redis needs scrapy-redis and redis-py: pip install 'newsarchive[redis]'") from None
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
        client.ping()
        client.close()
    except (redis.RedisError, ValueError, OSError) as exc:
        raise ValueError(f"--redis {redacted(url)}: cannot reach Redis: {exc}") from None
    name, args = resolve_spider(spider)
    args.update(spider_args)
    return {"REDIS_URL": url, "NEWSARCHIVE_REDIS_JOB": job or job_name(name, args)}


def redacted(url: str) -> str:
    """``url`` without its password (error messages and logs are not for secrets)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return parts._replace(netloc=f"{user}:***@{netloc}").geturl()
