-- set_volunteer: store what the schedules and check-ins say about one
-- volunteer (the languages she is on shift for now, and whether she is checked
-- in) and queue her accordingly. Idempotent.
-- A volunteer held by a call is not disturbed: her new languages are stored
-- and apply when the call releases her. A free volunteer keeps her place; one
-- who just started, or checked in again, is idle from now (her wrap-up rest,
-- if any, still counts). A hold that no call record knows of is dropped.
--
-- KEYS[1]      volunteers hash      (member -> volunteer record, JSON)
-- KEYS[2]      calls hash           (call key -> call record, JSON)
-- KEYS[3]      today's calls hash   (member -> calls taken today)
-- KEYS[4..]    the language queues, in the order of the codes in ARGV[2]
-- ARGV[1]      rank span (ms)
-- ARGV[2]      language codes of KEYS[4..], comma-separated
-- ARGV[3]      highest rank that calls taken today can add
-- ARGV[4]      member
-- ARGV[5]      now (ms)
-- ARGV[6]      "1" when checked in, "0" when paused
-- ARGV[7]      her languages, JSON {code: [tier, base rank, counts calls 0|1]};
--              {} means off shift in every language
-- Returns 1 when she is queued (free or resting), else 0.

local span = tonumber(ARGV[1])
local max_calls_rank = tonumber(ARGV[3])
local member = ARGV[4]
local now = tonumber(ARGV[5])
local checked_in = ARGV[6] == '1'
local langs = cjson.decode(ARGV[7])
local on_shift = next(langs) ~= nil

local raw = redis.call('HGET', KEYS[1], member)
local v = raw and cjson.decode(raw)
if v and v.call then
  local holds = false
  local call = redis.call('HGET', KEYS[2], v.call)
  if call then
    for _, h in ipairs(cjson.decode(call).held) do
      if h[1] == member then holds = true end
    end
  end
  if not holds then
    v.at = v.prev_at or now
    v.call, v.held, v.prev_at = nil, nil, nil
  end
end
local was_queued = v and not v.call and v.checked_in and next(v.langs) ~= nil

if not on_shift then
  if v and v.call then
    v.langs = langs
    redis.call('HSET', KEYS[1], member, cjson.encode(v))
  elseif v then
    redis.call('HDEL', KEYS[1], member)
  end
elseif not v then
  v = {at = now}
end
if v and on_shift then
  v.langs = langs
  v.checked_in = checked_in
  if not v.call and checked_in and not was_queued then v.at = math.max(v.at, now) end
  redis.call('HSET', KEYS[1], member, cjson.encode(v))
end

local queued = on_shift and checked_in and not v.call
local calls
local n = 4
for code in string.gmatch(ARGV[2], '[^,]+') do
  local entry = queued and langs[code]
  if entry then
    local rank = entry[2]
    if entry[3] == 1 then
      calls = calls or tonumber(redis.call('HGET', KEYS[3], member) or 0)
      rank = rank + math.min(calls, max_calls_rank)
    end
    redis.call('ZADD', KEYS[n], rank * span + v.at, member)
  else
    redis.call('ZREM', KEYS[n], member)
  end
  n = n + 1
end
return queued and 1 or 0
