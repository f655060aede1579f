-- requeue (shared prelude, put in front of confirm.lua and release.lua when they
-- are loaded): puts a released volunteer back in the queue for her languages.
-- It uses the key layout both scripts share:
--
-- KEYS[1]      volunteers hash      (member -> volunteer record, JSON)
-- KEYS[5]      today's calls hash   (member -> calls taken today)
-- KEYS[6]      queue zset           (entries "<lang>|<rank>|<available-at>|<member>")
-- ARGV[1]      highest rank that calls taken today can add
--
-- and reads `now` (ms) as its caller's argument.

local function entry(code, rank, at, member)
  return string.format('%s|%03d|%013d|%s', code, rank, at, member)
end

-- Put a released volunteer back in the queue for her languages, available at
-- `at` (the previous one, if `at` is nil), ranked with today's calls.
local function requeue(member, at, now)
  local max_calls_rank = tonumber(ARGV[1])
  local rec = redis.call('HGET', KEYS[1], member)
  if not rec then return end
  local v = cjson.decode(rec)
  v.at = at or v.prev_at or now
  v.call, v.held, v.prev_at, v.ranks = nil, nil, nil, nil
  if next(v.langs) == nil then
    redis.call('HDEL', KEYS[1], member)
    return
  end
  if v.checked_in then
    local calls
    v.ranks = {}
    for code, e in pairs(v.langs) do
      local rank = e[2]
      if e[3] == 1 then
        calls = calls or tonumber(redis.call('HGET', KEYS[5], member) or 0)
        rank = rank + math.min(calls, max_calls_rank)
      end
      v.ranks[code] = rank
      redis.call('ZADD', KEYS[6], 0, entry(code, rank, v.at, member))
    end
  end
  redis.call('HSET', KEYS[1], member, cjson.encode(v))
end
