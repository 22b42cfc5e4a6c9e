-- A rebuild starts the new generation with an erased user's tombstone (KEYS[1], the user's
-- profile:{id}:erased of that generation), so that events of the user at or before the erasure,
-- replayed from the topics, are stale there as they were here. Only where none is yet: a resumed
-- rebuild must not put back an older erasure over one it has applied since. ARGV[1] event time,
-- ARGV[2] log position, ARGV[3] how long it stays (ms), as update-prelude.lua's tombstones do.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'event_at', ARGV[1], 'position', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
