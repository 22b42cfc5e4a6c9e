-- A customer change: one HMGET (the tombstone's position among the fields), the fields removed
-- (when any), one HSET.
redis.call('HMGET', profile, 'version', 'src:customer:event_at', 'erased:position', 'customer:position', 'customer:kept')
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
