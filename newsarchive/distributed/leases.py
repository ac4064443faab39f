"""Leases: a request popped from the queue stays in Redis until its worker is done with it.

scrapy-redis pops a request and forgets it: a worker killed then loses it. Here the pop
moves it, atomically (one Lua script), from ``JOB:requests`` into the worker's
``JOB:leases:WORKER`` hash. The worker deletes the lease once the response is archived
and its items written; it renews its heartbeat in ``JOB:workers`` every third of the
lease timeout. Any worker that finds a heartbeat older than the timeout puts that
worker's leases back in the queue (:meth:`LeaseBoard.reap`). Deadlines use the Redis
server's clock, so workers on machines whose clocks differ agree. A worker that died
between writing an item to its feed and recording it (:mod:`~newsarchive.distributed.exports`)
has its leases taken over rather than requeued, until the reaper has settled that item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1000000 "

# A lease's value is "score request": put_back queues the request again at its score;
# put_all_back does it for every lease of an HGETALL reply and returns how many.
_PUT_BACK = """
local function put_back(queue, v)
  local sp = string.find(v, ' ', 1, true)
  redis.call('ZADD', queue, string.sub(v, 1, sp - 1), string.sub(v, sp + 1))
end
local function put_all_back(queue, all)
  for i = 2, #all, 2 do put_back(queue, all[i]) end
  return #all / 2
end
"""

# The reap shared by _REAP and _JOIN. KEYS: queue, workers, my leases, my export markers.
# ARGV: lease prefix, marker prefix, me. For each worker whose deadline has passed: its
# leases go back to the queue, unless it died writing items (export markers left): then
# its leases and markers move to me, to be requeued once I have settled the markers
# (exports.settle). Returns requeued, dead workers, adopted lease ids.
_REAP_BODY = _NOW + _PUT_BACK + """
local function reap()
  local dead = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
  local n = 0
  local adopted = {}
  for _, w in ipairs(dead) do
    local h = ARGV[1] .. w
    local m = ARGV[2] .. w
    local all = redis.call('HGETALL', h)
    if w ~= ARGV[3] and redis.call('EXISTS', m) == 1 then
      for i = 1, #all, 2 do
        redis.call('HSET', KEYS[3], all[i], all[i + 1])
        table.insert(adopted, all[i])
      end
      local marks = redis.call('HGETALL', m)
      for i = 1, #marks, 2 do redis.call('HSET', KEYS[4], marks[i], marks[i + 1]) end
      redis.call('DEL', m)
    else
      n = n + put_all_back(KEYS[1], all)
    end
    redis.call('DEL', h)
    redis.call('ZREM', KEYS[2], w)
  end
  return n, dead, adopted
end
"""

_REAP = _REAP_BODY + """
local n, dead, adopted = reap()
return {n, dead, adopted}
"""

# KEYS: as _REAP, then dupefilter, run counter. ARGV: as _REAP, then timeout.
# Reap, then join; a worker joining an empty job (nobody alive, nothing queued) starts a
# new run (its number goes up): the fingerprints of the last one are dropped.
# Returns {fresh, requeued, dead, adopted}.
_JOIN = _REAP_BODY + """
local n, dead, adopted = reap()
local fresh = 0
if redis.call('ZCARD', KEYS[2]) == 0 and redis.call('ZCARD', KEYS[1]) == 0 and #adopted == 0 then
  redis.call('DEL', KEYS[5])
  redis.call('INCR', KEYS[6])
  fresh = 1
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[3])
return {fresh, n, dead, adopted}
"""

# KEYS: queue, my leases. ARGV: lease ids. Put these leases of mine back in the queue.
_REQUEUE = _PUT_BACK + """
local n = 0
for i = 1, #ARGV do
  local v = redis.call('HGET', KEYS[2], ARGV[i])
  if v then
    put_back(KEYS[1], v)
    redis.call('HDEL', KEYS[2], ARGV[i])
    n = n + 1
  end
end
return n
"""

# KEYS: queue, workers, my leases, lease seq. ARGV: worker, timeout.
# Pop the best request into my leases. Returns {lease id, data} or nil.
_POP = _NOW + """
local item = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #item == 0 then return nil end
redis.call('ZREM', KEYS[1], item[1])
local id = redis.call('INCR', KEYS[4])
redis.call('HSET', KEYS[3], id, item[2] .. ' ' .. item[1])
return {id, item[1]}
"""

# KEYS: queue, dupefilter. ARGV: score, request, fingerprint ("" to skip the filter).
# One round trip for scrapy-redis's two (SADD the fingerprint, then ZADD). Returns 1 if queued.
_PUSH = """
if ARGV[3] ~= '' and redis.call('SADD', KEYS[2], ARGV[3]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
return 1
"""

# KEYS: workers. ARGV: worker, timeout. Returns 1 when the worker had been reaped.
_BEAT = _NOW + """
return redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
"""

# KEYS: queue, workers, my leases, dupefilter, my export markers. ARGV: worker.
# Leave the job: the leases still held (requests not finished, or adopted and not yet
# requeued) go back to the queue. The last worker out of a finished run drops its
# fingerprints. Returns {handed back, run over}.
_LEAVE = _PUT_BACK + """
local n = put_all_back(KEYS[1], redis.call('HGETALL', KEYS[3]))
redis.call('DEL', KEYS[3], KEYS[5])
redis.call('ZREM', KEYS[2], ARGV[1])
local over = 0
if redis.call('ZCARD', KEYS[2]) == 0 and redis.call('ZCARD', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[4])
  over = 1
end
return {n, over}
"""

# KEYS: queue, workers. ARGV: prefix, worker. Returns {queued, leases of other live workers}.
_STATUS = _NOW + """
local held = 0
for _, w in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], now, '+inf')) do
  if w ~= ARGV[2] then held = held + redis.call('HLEN', ARGV[1] .. w) end
end
return {redis.call('ZCARD', KEYS[1]), held}
"""


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


@dataclass
class Reaped:
    requeued: int
    workers: list[str]
    adopted: list[str] = field(default_factory=list)
    """Lease ids taken over from workers that died writing items: mine to requeue
    (:meth:`LeaseBoard.requeue`) once their export markers are settled."""


class LeaseBoard:
    """The lease operations of one worker on one job (each one atomic in Redis)."""

    def __init__(self, server: Any, keys: Any, worker: str, timeout: float) -> None:
        self.server = server
        self.keys = keys
        self.worker = worker
        self.timeout = float(timeout)
        self._reap = server.register_script(_REAP)
        self._join = server.register_script(_JOIN)
        self._requeue = server.register_script(_REQUEUE)
        self._pop = server.register_script(_POP)
        self._push = server.register_script(_PUSH)
        self._beat = server.register_script(_BEAT)
        self._leave = server.register_script(_LEAVE)
        self._status = server.register_script(_STATUS)

    @property
    def my_leases(self) -> str:
        return self.keys.leases(self.worker)

    @property
    def my_markers(self) -> str:
        return self.keys.exporting(self.worker)

    def _reap_keys(self) -> list[str]:
        return [self.keys.queue, self.keys.workers, self.my_leases, self.my_markers]

    def _reap_args(self) -> list[Any]:
        return [self.keys.lease_prefix, self.keys.exporting_prefix, self.worker]

    def join(self) -> tuple[bool, Reaped]:
        """Register this worker; ``(new run, what was reaped from dead workers)``."""
        fresh, requeued, dead, adopted = self._join(keys=[*self._reap_keys(), self.keys.dupefilter, self.keys.run],
                                                    args=[*self._reap_args(), self.timeout])
        return bool(fresh), Reaped(int(requeued), [_text(w) for w in dead], [_text(i) for i in adopted])

    def pop(self) -> tuple[str, bytes] | None:
        """Take the best queued request: ``(lease id, serialized request)``, or ``None``."""
        got = self._pop(keys=[self.keys.queue, self.keys.workers, self.my_leases, self.keys.lease_seq],
                        args=[self.worker, self.timeout])
        if not got:
            return None
        lease, data = got
        return _text(lease), data

    def push(self, score: float, data: bytes, fingerprint: str | None) -> bool:
        """Queue a serialized request unless ``fingerprint`` was seen in this run."""
        return bool(self._push(keys=[self.keys.queue, self.keys.dupefilter], args=[score, data, fingerprint or ""]))

    def release(self, leases: list[str]) -> None:
        """These requests are done: their leases end."""
        if leases:
            self.server.hdel(self.my_leases, *leases)

    def requeue(self, leases: list[str]) -> int:
        """Put these leases of mine back in the queue; returns how many were there."""
        return int(self._requeue(keys=[self.keys.queue, self.my_leases], args=leases)) if leases else 0

    def beat(self) -> bool:
        """Renew this worker's heartbeat; ``True`` when it had been declared dead meanwhile."""
        return bool(self._beat(keys=[self.keys.workers], args=[self.worker, self.timeout]))

    def reap(self) -> Reaped:
        """Put the leases of workers whose heartbeat expired back in the queue (or take
        them over, see :class:`Reaped`)."""
        requeued, dead, adopted = self._reap(keys=self._reap_keys(), args=self._reap_args())
        return Reaped(int(requeued), [_text(w) for w in dead], [_text(i) for i in adopted])

    def status(self) -> tuple[int, int]:
        """``(requests queued, leases held by the other live workers)``."""
        queued, held = self._status(keys=[self.keys.queue, self.keys.workers],
                                    args=[self.keys.lease_prefix, self.worker])
        return int(queued), int(held)

    def leave(self) -> tuple[int, bool]:
        """Leave the job, handing back every lease still held; ``(handed back, the run is over)``."""
        n, over = self._leave(keys=[self.keys.queue, self.keys.workers, self.my_leases, self.keys.dupefilter,
                                    self.my_markers], args=[self.worker])
        return int(n), bool(over)
