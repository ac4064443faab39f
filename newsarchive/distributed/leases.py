"""Leases: a request popped from the queue stays in Redis until its worker is done with it.

scrapy-redis pops a request and forgets it: a worker killed then loses it. Here the pop
moves it, atomically (one Lua script), from ``JOB:requests`` into the worker's
``JOB:leases:WORKER`` hash. The worker deletes the lease once the response is archived
and its items written; it renews its heartbeat in ``JOB:workers`` every third of the
lease timeout. Any worker that finds a heartbeat older than the timeout puts that
worker's leases back in the queue (:meth:`LeaseBoard.reap`). Deadlines use the Redis
server's clock, so workers on machines whose clocks differ agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1000000 "

# Requeue every lease of every worker whose deadline has passed. KEYS: queue, workers.
# ARGV: lease key prefix. Returns {requeued, dead worker...}.
_REAP = _NOW + """
local dead = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
local n = 0
for _, w in ipairs(dead) do
  local h = ARGV[1] .. w
  local all = redis.call('HGETALL', h)
  for i = 2, #all, 2 do
    local v = all[i]
    local sp = string.find(v, ' ', 1, true)
    redis.call('ZADD', KEYS[1], string.sub(v, 1, sp - 1), string.sub(v, sp + 1))
    n = n + 1
  end
  redis.call('DEL', h)
  redis.call('ZREM', KEYS[2], w)
end
local out = {n}
for _, w in ipairs(dead) do table.insert(out, w) end
return out
"""

# KEYS: queue, workers, dupefilter, run counter. ARGV: prefix, worker, timeout.
# Reap, then join; a worker joining an empty job (nobody alive, nothing queued) starts a
# new run (its number goes up): the fingerprints of the last one are dropped. Returns {fresh, requeued}.
_JOIN = _REAP.replace("local out = {n}", "local requeued = n") .replace(
    "for _, w in ipairs(dead) do table.insert(out, w) end\nreturn out", """
local fresh = 0
if redis.call('ZCARD', KEYS[2]) == 0 and redis.call('ZCARD', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[3])
  redis.call('INCR', KEYS[4])
  fresh = 1
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[2])
return {fresh, requeued}
""")

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

# KEYS: queue, workers, my leases, dupefilter. ARGV: worker, lease ids to hand back...
# Leave the job: listed leases go back to the queue, the others are done. The last
# worker out of a finished run drops its fingerprints. Returns {handed back, run over}.
_LEAVE = """
local n = 0
for i = 2, #ARGV do
  local v = redis.call('HGET', KEYS[3], ARGV[i])
  if v then
    local sp = string.find(v, ' ', 1, true)
    redis.call('ZADD', KEYS[1], string.sub(v, 1, sp - 1), string.sub(v, sp + 1))
    n = n + 1
  end
end
redis.call('DEL', KEYS[3])
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


@dataclass
class Reaped:
    requeued: int
    workers: list[str]


class LeaseBoard:
    """The lease operations of one worker on one job (each one atomic in Redis)."""

    def __init__(self, server: Any, keys: Any, worker: str, timeout: float) -> None:
        self.server = server
        self.keys = keys
        self.worker = worker
        self.timeout = float(timeout)
        self._reap = server.register_script(_REAP)
        self._join = server.register_script(_JOIN)
        self._pop = server.register_script(_POP)
        self._push = server.register_script(_PUSH)
        self._beat = server.register_script(_BEAT)
        self._leave = server.register_script(_LEAVE)
        self._status = server.register_script(_STATUS)

    @property
    def my_leases(self) -> str:
        return self.keys.leases(self.worker)

    def join(self) -> tuple[bool, int]:
        """Register this worker; ``(new run, requests requeued from dead workers)``."""
        fresh, requeued = self._join(keys=[self.keys.queue, self.keys.workers, self.keys.dupefilter, self.keys.run],
                                     args=[self.keys.lease_prefix, self.worker, self.timeout])
        return bool(fresh), int(requeued)

    def pop(self) -> tuple[str, bytes] | None:
        """Take the best queued request: ``(lease id, serialized request)``, or ``None``."""
        got = self._pop(keys=[self.keys.queue, self.keys.workers, self.my_leases, self.keys.lease_seq],
                        args=[self.worker, self.timeout])
        if not got:
            return None
        lease, data = got
        return (lease.decode() if isinstance(lease, bytes) else str(lease)), data

    def push(self, score: float, data: bytes, fingerprint: str | None) -> bool:
        """Queue a serialized request unless ``fingerprint`` was seen in this run."""
        return bool(self._push(keys=[self.keys.queue, self.keys.dupefilter], args=[score, data, fingerprint or ""]))

    def release(self, leases: list[str]) -> None:
        """These requests are done: their leases end."""
        if leases:
            self.server.hdel(self.my_leases, *leases)

    def beat(self) -> bool:
        """Renew this worker's heartbeat; ``True`` when it had been declared dead meanwhile."""
        return bool(self._beat(keys=[self.keys.workers], args=[self.worker, self.timeout]))

    def reap(self) -> Reaped:
        """Put the leases of workers whose heartbeat expired back in the queue."""
        got = self._reap(keys=[self.keys.queue, self.keys.workers], args=[self.keys.lease_prefix])
        return Reaped(int(got[0]), [w.decode() if isinstance(w, bytes) else str(w) for w in got[1:]])

    def status(self) -> tuple[int, int]:
        """``(requests queued, leases held by the other live workers)``."""
        queued, held = self._status(keys=[self.keys.queue, self.keys.workers],
                                    args=[self.keys.lease_prefix, self.worker])
        return int(queued), int(held)

    def leave(self, hand_back: list[str]) -> tuple[int, bool]:
        """Leave the job, handing back ``hand_back``; ``(handed back, the run is over)``."""
        n, over = self._leave(keys=[self.keys.queue, self.keys.workers, self.my_leases, self.keys.dupefilter],
                              args=[self.worker, *hand_back])
        return int(n), bool(over)
