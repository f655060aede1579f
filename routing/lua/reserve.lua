-- reserve: take the best free volunteers of one language for a call, and mark
-- them busy (ringing) in every language at once, with a ring lease.
-- Idempotent per call key: a call key seen before gets its current holders
-- back and reserves nobody new.
--
-- KEYS[1]      volunteers hash  (member -> volunteer record, JSON)
-- KEYS[2]      calls hash       (call key -> call record, JSON)
-- KEYS[3]      leases zset      (call key -> lease expiry, ms)
-- KEYS[4]      finished zset    (call key -> end of its idempotency window, ms)
-- KEYS[5..]    the language queues (member -> rank * span + available-at ms),
--              in the order of the codes in ARGV[2]
-- ARGV[1]      rank span (ms)
-- ARGV[2]      language codes of KEYS[5..], comma-separated
-- ARGV[3]      backup rank: ranks >= it are taken only when no lower (regular) rank was
-- ARGV[4]      call key
-- ARGV[5]      now (ms)
-- ARGV[6]      ring lease (ms)
-- ARGV[7]      idempotency window (ms), kept for a call key that got nobody
-- ARGV[8]      position (1-based) of the call's language among the queues
-- ARGV[9]      count: how many volunteers to take
-- ARGV[10]     peek: extra queue members to read, for the decision log
-- ARGV[11..]   members to exclude (already tried for this call)
-- Returns {status, taken members, considered {member, score, ...}, queue size}
-- with status "new", or "replayed" when the call key was seen before.

local span = tonumber(ARGV[1])
local backup_rank = tonumber(ARGV[3])
local call_key = ARGV[4]
local now = tonumber(ARGV[5])

local call = redis.call('HGET', KEYS[2], call_key)
if call then
  local held = {}
  for _, h in ipairs(cjson.decode(call).held) do held[#held + 1] = h[1] end
  return {'replayed', held, {}, 0}
end
local window = redis.call('ZSCORE', KEYS[4], call_key)
if window then
  if tonumber(window) > now then return {'replayed', {}, {}, 0} end
  redis.call('ZREM', KEYS[4], call_key)
end

local queue_of = {}
local n = 5
for code in string.gmatch(ARGV[2], '[^,]+') do
  queue_of[code] = KEYS[n]
  n = n + 1
end
local queue = KEYS[4 + tonumber(ARGV[8])]
local count = tonumber(ARGV[9])
local peek = tonumber(ARGV[10])
local excluded, n_excluded = {}, 0
for i = 11, #ARGV do
  excluded[ARGV[i]] = true
  n_excluded = n_excluded + 1
end

-- Walk the queue rank by rank; within a rank, members whose available-at time
-- has come are those with scores in [rank * span, rank * span + now].
local taken, records, considered = {}, {}, {}
local rank = 0
local regular_taken = false
while #taken < count and not (rank >= backup_rank and regular_taken) do
  local low = rank * span
  local found = redis.call('ZRANGEBYSCORE', queue, low, low + now, 'WITHSCORES',
    'LIMIT', 0, count - #taken + n_excluded + peek)
  for i = 1, #found, 2 do
    local member = found[i]
    considered[#considered + 1] = member
    considered[#considered + 1] = found[i + 1]
    if #taken < count and not excluded[member] then
      local raw = redis.call('HGET', KEYS[1], member)
      local v = raw and cjson.decode(raw)
      if v and not v.call then
        taken[#taken + 1] = member
        records[#records + 1] = v
        regular_taken = regular_taken or rank < backup_rank
      else
        redis.call('ZREM', queue, member) -- stray member: heal, never hand it out
      end
    end
  end
  if #taken >= count then break end
  local following = redis.call('ZRANGEBYSCORE', queue, low + span, '+inf', 'WITHSCORES',
    'LIMIT', 0, 1)
  if #following == 0 then break end
  rank = math.floor(tonumber(following[2]) / span)
end

if #taken == 0 then
  redis.call('ZADD', KEYS[4], now + tonumber(ARGV[7]), call_key)
  return {'new', {}, considered, redis.call('ZCARD', queue)}
end

local held = {}
for i, member in ipairs(taken) do
  local v = records[i]
  for code in pairs(v.langs) do
    local q = queue_of[code]
    if q then redis.call('ZREM', q, member) end
  end
  v.call = call_key
  v.held = 'ringing'
  v.prev_at = v.at
  redis.call('HSET', KEYS[1], member, cjson.encode(v))
  held[i] = {member, 'ringing'}
end
redis.call('HSET', KEYS[2], call_key, cjson.encode({held = held}))
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[6]), call_key)
return {'new', taken, considered, redis.call('ZCARD', queue)}
