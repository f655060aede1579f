-- queue (shared prelude, put in front of every script that writes or checks
-- queue entries when it is loaded; see routing/scripts.py): the queue entry
-- format, and queueing a volunteer in each of her languages. It touches only
-- the keys its caller passes in (each caller gives its own KEYS[n]) and reads
-- no KEYS or ARGV itself.
--
-- Preludes:   none
--
-- entry(code, rank, at, member) -> string
--   The queue member "<lang>|<rank, 3 digits>|<available-at ms, 13 digits>|<member>"
--   (routing.keys.queue_entry writes the same).
-- enqueue(queue, today, max_calls_rank, member, v)
--   queue           queue zset key     (entries as entry() writes them, score 0)
--   today           today's calls hash key (member -> calls taken today)
--   max_calls_rank  highest rank that calls taken today can add (number)
--   member          the volunteer's member
--   v               her decoded record: every language of v.langs
--                   ({code: [tier, base rank, counts calls 0|1]}) gets an entry
--                   available at v.at; v.ranks is set to the ranks queued.
--   The caller stores the record.

local function entry(code, rank, at, member)
  return string.format('%s|%03d|%013d|%s', code, rank, at, member)
end

local function enqueue(queue, today, max_calls_rank, member, v)
  local calls
  v.ranks = {}
  for code, e in pairs(v.langs) do
    local rank = e[2]
    if e[3] == 1 then
      calls = calls or tonumber(redis.call('HGET', today, member) or 0)
      rank = rank + math.min(calls, max_calls_rank)
    end
    v.ranks[code] = rank
    redis.call('ZADD', queue, 0, entry(code, rank, v.at, member))
  end
end
