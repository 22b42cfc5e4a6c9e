-- A change of the customer row (Debezium), after update-prelude.lua.
-- Changes are ordered by their position in the database log (lsn, then transaction id), passed
-- as one zero-padded string so that plain string comparison orders them and no precision is lost.
-- ARGV[ARG] op (c, u, r, d)   [ARG+1] position   [ARG+2] n, then n (field, value) pairs to set,
-- then the fields to remove (columns that became null).
local op = ARGV[ARG]
local position = ARGV[ARG + 1]

local erased_position = redis.call('HGET', erased_key, 'position')
if erased_position and position <= erased_position then
  return stale_result(false)
end
local current = redis.call('HGET', profile, 'customer:position')
if current and position <= current then
  -- An older (or the same) change than the one applied: skipped, and counted by the caller.
  remember_event()
  return stale_result(false)
end

if op == 'd' then
  -- Right to erasure: every key of the user goes; only a tombstone (no personal data) stays for
  -- the retention window, so an older event arriving later cannot bring the profile back.
  redis.call('DEL', profile, applied, KEYS[3], KEYS[4], erased_key)
  redis.call('HSET', erased_key, 'event_at', event_time, 'position', position)
  redis.call('PEXPIRE', erased_key, retention)
  return {'erased', 0, 0}
end

remember_event()
local late = is_late('customer')
local n = tonumber(ARGV[ARG + 2])
local i = ARG + 3
for _ = 1, n do
  redis.call('HSET', profile, 'customer:' .. ARGV[i], ARGV[i + 1])
  i = i + 2
end
for j = i, #ARGV do
  redis.call('HDEL', profile, 'customer:' .. ARGV[j])
end
redis.call('HSET', profile, 'customer:position', position, 'customer:op', op)
touch_source('customer')
return applied_result(late)
