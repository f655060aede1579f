-- confirm: the volunteer answered and accepted: ringing -> on call, with the
-- call lease. Every other volunteer the call key holds is released at once,
-- back to her place in the queue (outcome "cancelled"). Idempotent.
--
-- KEYS[1]      volunteers hash      (member -> volunteer record, JSON)
-- KEYS[2]      calls hash           (call key -> call record, JSON)
-- KEYS[3]      leases zset          (call key -> lease expiry, ms)
-- KEYS[4]      today's calls hash   (member -> calls taken today)
-- KEYS[5]      queue zset           (entries "<lang>|<rank>|<available-at>|<member>")
-- ARGV[1]      highest rank that calls taken today can add
-- ARGV[2]      call key
-- ARGV[3]      member of the volunteer who accepted
-- ARGV[4]      now (ms)
-- ARGV[5]      call lease (ms)
-- Returns {1, released members} when the call key holds her, else {0, {}}.
-- Preludes:   queue.lua, requeue.lua

local call_key = ARGV[2]
local accepted = ARGV[3]
local now = tonumber(ARGV[4])
local max_calls_rank = tonumber(ARGV[1])

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
    requeue(KEYS[1], KEYS[4], KEYS[5], max_calls_rank, h[1], nil, now)
    released[#released + 1] = h[1]
  end
end
local v = cjson.decode(redis.call('HGET', KEYS[1], accepted))
v.held = 'on_call'
redis.call('HSET', KEYS[1], accepted, cjson.encode(v))
redis.call('HSET', KEYS[2], call_key, cjson.encode({held = {{accepted, 'on_call'}}}))
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[5]), call_key)
return {1, released}
