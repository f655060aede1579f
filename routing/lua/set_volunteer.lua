-- set_volunteer: store what the schedules and check-ins say about one
-- volunteer (the languages she is on shift for now, and whether she is checked
-- in) and queue her accordingly. Idempotent.
-- A volunteer held by a call is not disturbed: her new languages are stored
-- and apply when the call releases her. A free volunteer keeps her place (her
-- ranks are recomputed, e.g. with today's calls); one who just started, or
-- checked in again, is idle from now (her wrap-up rest, if any, still counts).
-- A hold that no call record knows of is dropped.
--
-- KEYS[1]      volunteers hash      (member -> volunteer record, JSON)
-- KEYS[2]      calls hash           (call key -> call record, JSON)
-- KEYS[3]      today's calls hash   (member -> calls taken today)
-- KEYS[4]      queue zset           (entries "<lang>|<rank>|<available-at>|<member>")
-- ARGV[1]      highest rank that calls taken today can add
-- ARGV[2]      member
-- ARGV[3]      now (ms)
-- ARGV[4]      "1" when checked in, "0" when paused
-- ARGV[5]      her languages, JSON {code: [tier, base rank, counts calls 0|1]};
--              {} means off shift in every language
-- Returns 1 when she is queued (free or resting), else 0.
-- Preludes:   queue.lua

local max_calls_rank = tonumber(ARGV[1])
local member = ARGV[2]
local now = tonumber(ARGV[3])
local checked_in = ARGV[4] == '1'
local langs = cjson.decode(ARGV[5])
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
if v and v.ranks then
  for code, rank in pairs(v.ranks) do
    redis.call('ZREM', KEYS[4], entry(code, rank, v.at, member))
  end
  v.ranks = nil
end
local was_queued = v and not v.call and v.checked_in and next(v.langs) ~= nil

if not on_shift then
  if v and v.call then
    v.langs = langs
    redis.call('HSET', KEYS[1], member, cjson.encode(v))
  elseif v then
    redis.call('HDEL', KEYS[1], member)
  end
  return 0
end

v = v or {at = now}
v.langs = langs
v.checked_in = checked_in
local queued = checked_in and not v.call
if queued then
  if not was_queued then v.at = math.max(v.at, now) end
  enqueue(KEYS[4], KEYS[3], max_calls_rank, member, v)
end
redis.call('HSET', KEYS[1], member, cjson.encode(v))
return queued and 1 or 0
