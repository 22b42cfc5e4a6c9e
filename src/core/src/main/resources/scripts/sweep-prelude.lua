-- Shared head of the sweeper's check-and-act scripts. Each decides, from the profile as it is
-- now, whether the entry it was handed is still due, and acts in the same atomic step, so an
-- entry refreshed between the sweeper's select and this script is left alone.
-- KEYS as in update-prelude.lua.
-- ARGV[1] now (ms)   ARGV[2] lateness bound (ms; the cart history uses it)   ARGV[3..] the script's own
local profile = KEYS[1]
local now = tonumber(ARGV[1])
local lateness = tonumber(ARGV[2])
local ARG = 3

local function number_field(name)
  return tonumber(redis.call('HGET', profile, name) or '-1')
end

local function newest_event()
  return math.max(number_field('src:purchase:event_at'), number_field('src:cart:event_at'), number_field('src:customer:event_at'))
end

-- No profile (erased, expired, or never written) while the user still has an index or queue entry:
-- the caller takes the user out of every index and queue. This finishes an erasure whose index
-- clean-up was interrupted (the app died between the erasure and its index update).
if redis.call('EXISTS', profile) == 0 then
  return {'gone', -1}
end
