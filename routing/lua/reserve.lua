-- reserve: take the best free volunteers of one language for a call, and mark
-- them busy (ringing) in every language at once, with a ring lease.
-- Idempotent per call key: a call key seen before gets its current holders
-- back and reserves nobody new.
--
-- KEYS[1]      volunteers hash  (member -> volunteer record, JSON)
-- KEYS[2]      calls hash       (call key -> call record, JSON)
-- KEYS[3]      leases zset      (call key -> lease expiry, ms)
-- KEYS[4]      finished zset    (call key -> end of its idempotency window, ms)
-- KEYS[5]      queue zset       (entries "<lang>|<rank>|<available-at>|<member>", score 0)
-- ARGV[1]      backup rank: ranks >= it are taken only when no regular rank was
-- ARGV[2]      call key
-- ARGV[3]      now (ms)
-- ARGV[4]      ring lease (ms)
-- ARGV[5]      idempotency window (ms), kept for a call key that got nobody
-- ARGV[6]      language code
-- ARGV[7]      count: how many volunteers to take
-- ARGV[8]      explain: -1 to return no explanation (quicker); else how many
--              extra queue entries to read for the decision log
-- ARGV[9..]    members to exclude (already tried for this call)
-- Returns {status, taken members, considered entries, entries of the language};
-- status is "new", or "replayed" when the call key was seen before; considered
-- is empty and the count 0 unless asked to explain.
-- Preludes:   queue.lua

local backup_rank = tonumber(ARGV[1])
local call_key = ARGV[2]
local now = tonumber(ARGV[3])

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

local code = ARGV[6]
local prefix = code .. '|'
local count = tonumber(ARGV[7])
local explain = tonumber(ARGV[8]) >= 0
local peek = math.max(tonumber(ARGV[8]), 0)
local excluded, n_excluded = {}, 0
for i = 9, #ARGV do
  excluded[ARGV[i]] = true
  n_excluded = n_excluded + 1
end

-- Walk the language's entries rank by rank; within a rank, those whose
-- available-at time has come are the range [block, block .. now .. '|~'].
local taken, records, considered = {}, {}, {}
local rank = 0
local regular_taken = false
while #taken < count and not (rank >= backup_rank and regular_taken) do
  local block = prefix .. string.format('%03d|', rank)
  local offset = 0
  repeat
    local found = redis.call('ZRANGEBYLEX', KEYS[5], '[' .. block,
      '[' .. block .. string.format('%013d', now) .. '|~',
      'LIMIT', offset, count - #taken + n_excluded + peek)
    local healed = 0
    for _, e in ipairs(found) do
      local member = string.sub(e, -12)
      if explain then considered[#considered + 1] = e end
      if #taken < count and not excluded[member] then
        local raw = redis.call('HGET', KEYS[1], member)
        local v = raw and cjson.decode(raw)
        if v and not v.call and v.ranks and v.ranks[code]
            and entry(code, v.ranks[code], v.at, member) == e then
          taken[#taken + 1] = member
          records[#records + 1] = v
          regular_taken = regular_taken or rank < backup_rank
        else
          redis.call('ZREM', KEYS[5], e) -- a stale entry: heal, never hand it out
          healed = healed + 1
        end
      end
    end
    offset = offset + #found - healed
  until healed == 0 or #taken >= count
  if #taken >= count then break end
  local following = redis.call('ZRANGEBYLEX', KEYS[5], '(' .. block .. '~', '[' .. prefix .. '~',
    'LIMIT', 0, 1)
  if #following == 0 then break end
  rank = tonumber(string.sub(following[1], #prefix + 1, #prefix + 3))
end

local size = 0
if explain then size = redis.call('ZLEXCOUNT', KEYS[5], '[' .. prefix, '[' .. prefix .. '~') end
if #taken == 0 then
  redis.call('ZADD', KEYS[4], now + tonumber(ARGV[5]), call_key)
  return {'new', {}, considered, size}
end

local held = {}
for i, member in ipairs(taken) do
  local v = records[i]
  for c, r in pairs(v.ranks) do
    redis.call('ZREM', KEYS[5], entry(c, r, v.at, member))
  end
  v.ranks = nil
  v.call = call_key
  v.held = 'ringing'
  v.prev_at = v.at
  redis.call('HSET', KEYS[1], member, cjson.encode(v))
  held[i] = {member, 'ringing'}
end
redis.call('HSET', KEYS[2], call_key, cjson.encode({held = held}))
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[4]), call_key)
return {'new', taken, considered, size}
