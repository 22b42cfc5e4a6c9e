-- A customer change's commands (see update-prelude.lua): the erasure tombstone's position, the
-- one HMGET, the applied-event record, the fields removed (when any), the one HSET.
redis.call('HGET', erased_key, 'position')
redis.call('HMGET', profile, 'version', 'src:customer:event_at', 'customer:position', 'customer:kept')
if ARGV[ARG] == 'd' then
  return {'erased', 1, 0}
end
remember_event()
local n = tonumber(ARGV[ARG + 2])
local fields = {}
for i = ARG + 3, ARG + 2 + 2 * n, 2 do
  fields[#fields + 1] = 'customer:' .. ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
end
local m_at = ARG + 3 + 2 * n
local m = tonumber(ARGV[m_at])
if m > 0 then
  local removed = {}
  for i = m_at + 1, m_at + m do
    removed[#removed + 1] = 'customer:' .. ARGV[i]
  end
  redis.call('HDEL', profile, unpack(removed))
end
fields[#fields + 1] = 'customer:position'
fields[#fields + 1] = ARGV[ARG + 1]
fields[#fields + 1] = 'customer:op'
fields[#fields + 1] = ARGV[ARG]
return write_profile(fields, 'customer')
