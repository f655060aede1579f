-- release: the call key lets go of everybody it holds. Each goes back to the
-- queues of the languages she is on shift for (if checked in):
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
-- KEYS[6..]    the language queues, in the order of the codes in ARGV[2]
-- ARGV[1]      rank span (ms)
-- ARGV[2]      language codes of KEYS[6..], comma-separated
-- ARGV[3]      highest rank that calls taken today can add
-- ARGV[4]      call key
-- ARGV[5]      now (ms)
-- ARGV[6]      outcome: talked | missed | cancelled | lapsed
-- ARGV[7]      wrap-up rest (ms)
-- ARGV[8]      idempotency window (ms)
-- ARGV[9]      how long today's calls hash is kept (ms)
-- ARGV[10]     "1": release only if the lease has lapsed (lease <= now)
-- Returns {released members, their outcomes}.

local span = tonumber(ARGV[1])
local max_calls_rank = tonumber(ARGV[3])
local call_key = ARGV[4]
local now = tonumber(ARGV[5])
local outcome = ARGV[6]

if ARGV[10] == '1' then
  local lease = redis.call('ZSCORE', KEYS[3], call_key)
  if not lease or tonumber(lease) > now then return {{}, {}} end
end
local raw = redis.call('HGET', KEYS[2], call_key)
if not raw then return {{}, {}} end

local queue_of = {}
local n = 6
for code in string.gmatch(ARGV[2], '[^,]+') do
  queue_of[code] = KEYS[n]
  n = n + 1
end

-- Put a released volunteer back in the queues of her languages, available at `at`.
local function requeue(member, at)
  local rec = redis.call('HGET', KEYS[1], member)
  if not rec then return end
  local v = cjson.decode(rec)
  v.call, v.held, v.prev_at = nil, nil, nil
  v.at = at
  if next(v.langs) == nil then
    redis.call('HDEL', KEYS[1], member)
    return
  end
  redis.call('HSET', KEYS[1], member, cjson.encode(v))
  if not v.checked_in then return end
  local calls
  for code, entry in pairs(v.langs) do
    local q = queue_of[code]
    if q then
      local rank = entry[2]
      if entry[3] == 1 then
        calls = calls or tonumber(redis.call('HGET', KEYS[5], member) or 0)
        rank = rank + math.min(calls, max_calls_rank)
      end
      redis.call('ZADD', q, rank * span + at, member)
    end
  end
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
    at = now + tonumber(ARGV[7])
    redis.call('HINCRBY', KEYS[5], member, 1)
    redis.call('PEXPIRE', KEYS[5], tonumber(ARGV[9]))
  elseif result == 'cancelled' then
    local rec = redis.call('HGET', KEYS[1], member)
    at = (rec and cjson.decode(rec).prev_at) or now
  end
  requeue(member, at)
  members[#members + 1] = member
  outcomes[#outcomes + 1] = result
end
redis.call('HDEL', KEYS[2], call_key)
redis.call('ZREM', KEYS[3], call_key)
redis.call('ZADD', KEYS[4], now + tonumber(ARGV[8]), call_key)
return {members, outcomes}
