-- requeue (shared prelude, put in front of confirm.lua and release.lua when
-- they are loaded, after queue.lua, whose enqueue() it uses): puts a released
-- volunteer back in the queue for her languages. It touches only the keys its
-- caller passes in and reads no KEYS or ARGV itself.
--
-- Preludes:   queue.lua
--
-- requeue(volunteers, today, queue, max_calls_rank, member, at, now)
--   volunteers      volunteers hash key (member -> volunteer record, JSON)
--   today           today's calls hash key (member -> calls taken today)
--   queue           queue zset key
--   max_calls_rank  highest rank that calls taken today can add (number)
--   member          the released volunteer's member
--   at              when she is available again (ms); nil: where she was before
--                   the call
--   now             now (ms)
--   Her record loses its hold; it is deleted when she is on shift in no
--   language; if she is checked in, she is queued in each of her languages,
--   ranked with today's calls.

local function requeue(volunteers, today, queue, max_calls_rank, member, at, now)
  local rec = redis.call('HGET', volunteers, member)
  if not rec then return end
  local v = cjson.decode(rec)
  v.at = at or v.prev_at or now
  v.call, v.held, v.prev_at, v.ranks = nil, nil, nil, nil
  if next(v.langs) == nil then
    redis.call('HDEL', volunteers, member)
    return
  end
  if v.checked_in then
    enqueue(queue, today, max_calls_rank, member, v)
  end
  redis.call('HSET', volunteers, member, cjson.encode(v))
end
