-- confirm: the volunteer answered and accepted: ringing -> on call, with the
-- call lease. Every other volunteer the call key holds is released at once,
-- back to her place in the queues (outcome "cancelled"). Idempotent.
--
-- KEYS[1]      volunteers hash      (member -> volunteer record, JSON)
-- KEYS[2]      calls hash           (call key -> call record, JSON)
-- KEYS[3]      leases zset          (call key -> lease expiry, ms)
-- KEYS[4]      today's calls hash   (member -> calls taken today)
-- KEYS[5..]    the language queues, in the order of the codes in ARGV[2]
-- ARGV[1]      rank span (ms)
-- ARGV[2]      language codes of KEYS[5..], comma-separated
-- ARGV[3]      highest rank that calls taken today can add
-- ARGV[4]      call key
-- ARGV[5]      member of the volunteer who accepted
-- ARGV[6]      now (ms)
-- ARGV[7]      call lease (ms)
-- Returns {1, released members} when the call key holds her, else {0, {}}.

local span = tonumber(ARGV[1])
local max_calls_rank = tonumber(ARGV[3])
local call_key = ARGV[4]
local accepted = ARGV[5]
local now = tonumber(ARGV[6])

local queue_of = {}
local n = 5
for code in string.gmatch(ARGV[2], '[^,]+') do
  queue_of[code] = KEYS[n]
  n = n + 1
end

-- Put a released volunteer back in the queues of her languages, available at `at`.
local function requeue(member, at)
  local raw = redis.call('HGET', KEYS[1], member)
  if not raw then return end
  local v = cjson.decode(raw)
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
        calls = calls or tonumber(redis.call('HGET', KEYS[4], member) or 0)
        rank = rank + math.min(calls, max_calls_rank)
      end
      redis.call('ZADD', q, rank * span + at, member)
    end
  end
end

local raw = redis.call('HGET', KEYS[2], call_key)
if not raw then return {0, {}} end
local held = cjson.decode(raw).held
local mine
for _, h in ipairs(held) do
  if h[1] == accepted then mine = h end
end
if not mine then return {0, {}} end
if mine[2] == 'on_call' then return {1, {}} end

local released = {}
for _, h in ipairs(held) do
  if h[1] ~= accepted then
    local v = cjson.decode(redis.call('HGET', KEYS[1], h[1]))
    requeue(h[1], v.prev_at or now)
    released[#released + 1] = h[1]
  end
end
local v = cjson.decode(redis.call('HGET', KEYS[1], accepted))
v.held = 'on_call'
redis.call('HSET', KEYS[1], accepted, cjson.encode(v))
redis.call('HSET', KEYS[2], call_key, cjson.encode({held = {{accepted, 'on_call'}}}))
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[7]), call_key)
return {1, released}
