-- renew: extend a call's lease from now: the call lease once somebody is on
-- the call, the ring lease while it is still ringing.
--
-- KEYS[1]      calls hash     (call key -> call record, JSON)
-- KEYS[2]      leases zset    (call key -> lease expiry, ms)
-- ARGV[1]      call key
-- ARGV[2]      now (ms)
-- ARGV[3]      ring lease (ms)
-- ARGV[4]      call lease (ms)
-- Returns 1 when the call key holds somebody, else 0.
-- Preludes:   none

local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local lease = tonumber(ARGV[3])
for _, h in ipairs(cjson.decode(raw).held) do
  if h[2] == 'on_call' then lease = tonumber(ARGV[4]) end
end
redis.call('ZADD', KEYS[2], tonumber(ARGV[2]) + lease, ARGV[1])
return 1
