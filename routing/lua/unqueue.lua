-- unqueue: remove queue entries that do not belong there (left by a bug or a
-- hand edit), used by rebuild. An entry is kept if it is exactly what its
-- volunteer's record says it should be, so calling this with entries that
-- became right in the meantime does no harm.
--
-- KEYS[1]      volunteers hash   (member -> volunteer record, JSON)
-- KEYS[2]      queue zset        (entries "<lang>|<rank>|<available-at>|<member>")
-- ARGV[1..]    queue entries to check
-- Returns how many entries were removed.
-- Preludes:   queue.lua

local removed = 0
for i = 1, #ARGV do
  local e = ARGV[i]
  local code = string.match(e, '^(.*)|%d%d%d|%d+|%d+$')
  local member = string.sub(e, -12)
  local raw = redis.call('HGET', KEYS[1], member)
  local v = raw and cjson.decode(raw)
  local rank = code and v and not v.call and v.ranks and v.ranks[code]
  if not (rank and entry(code, rank, v.at, member) == e) then
    removed = removed + redis.call('ZREM', KEYS[2], e)
  end
end
return removed
