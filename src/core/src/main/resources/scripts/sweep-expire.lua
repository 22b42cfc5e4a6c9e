-- A profile with no event of any source for ARGV[ARG] ms is deleted (after sweep-prelude.lua).
-- Unlike an erasure it leaves no tombstone: nobody asked to be forgotten, the data just aged out.
local newest = newest_event()
if newest > now - tonumber(ARGV[ARG]) then
  return {'not-due', newest}
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[6])
return {'expired', newest}
