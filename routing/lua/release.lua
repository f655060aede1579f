-- release: the call key lets go of everybody it holds. Each goes back to the
-- queue for the languages she is on shift for (if checked in):
--   talked    -> after her wrap-up rest (and one more call counted today)
--   missed    -> at the end of the queue (no answer, declined)
--   cancelled -> where she was before the call
--   lapsed    -> the lease ran out: ringing counts as missed, on call as talked
-- The call key is then kept until the end of its idempotency window, so that
-- reserving with it again reserves nobody. Idempotent.
--
-- KEYS[1]      volunteers hash      (member -> volunteer record, JSON)
-- KEYS[2]      calls hash           (call key -> call record, JSON)
-- KEYS[3]      leases zset          (call key -> lease expiry, ms)
-- KEYS[4]      finished zset        (call key -> end of its idempotency window, ms)
-- KEYS[5]      today's calls hash   (member -> calls taken today)
-- KEYS[6]      queue zset           (entries "<lang>|<rank>|<available-at>|<member>")
-- ARGV[1]      highest rank that calls taken today can add
-- ARGV[2]      call key
-- ARGV[3]      now (ms)
-- ARGV[4]      outcome: talked | missed | cancelled | lapsed
-- ARGV[5]      wrap-up rest (ms)
-- ARGV[6]      idempotency window (ms)
-- ARGV[7]      how long today's calls hash is kept (ms)
-- ARGV[8]      "1": release only if the lease has lapsed (lease <= now)
-- Returns {released members, their outcomes}.
-- Preludes:   queue.lua, requeue.lua

local call_key = ARGV[2]
local now = tonumber(ARGV[3])
local outcome = ARGV[4]
local max_calls_rank = tonumber(ARGV[1])

if ARGV[8] == '1' then
  local lease = redis.call('ZSCORE', KEYS[3], call_key)
  if not lease or tonumber(lease) > now then return {{}, {}} end
end
local raw = redis.call('HGET', KEYS[2], call_key)
if not raw then
  redis.call('ZREM', KEYS[3], call_key) -- a lease without a call: drop it
  return {{}, {}}
end

local members, outcomes = {}, {}
for _, h in ipairs(cjson.decode(raw).held) do
  local member = h[1]
  local result = outcome
  if result == 'lapsed' then
    result = (h[2] == 'on_call') and 'talked' or 'missed'
  end
  local at = now
  if result == 'talked' then
    at = now + tonumber(ARGV[5])
    redis.call('HINCRBY', KEYS[5], member, 1)
    redis.call('PEXPIRE', KEYS[5], tonumber(ARGV[7]))
  elseif result == 'cancelled' then
    at = nil
  end
  requeue(KEYS[1], KEYS[5], KEYS[6], max_calls_rank, member, at, now)
  members[#members + 1] = member
  outcomes[#outcomes + 1] = result
end
redis.call('HDEL', KEYS[2], call_key)
redis.call('ZREM', KEYS[3], call_key)
redis.call('ZADD', KEYS[4], now + tonumber(ARGV[6]), call_key)
return {members, outcomes}
