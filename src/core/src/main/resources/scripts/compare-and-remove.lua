-- Removes a due-queue entry only if it still has the score the sweeper selected it with: an event
-- that re-queued the user meanwhile (with a new due time) keeps its entry.
-- KEYS[1] the queue   ARGV[1] the user   ARGV[2] the score as read
if tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]) or '-1') == tonumber(ARGV[2]) then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0
