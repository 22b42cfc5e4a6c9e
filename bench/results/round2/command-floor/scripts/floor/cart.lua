-- A cart change's commands (see update-prelude.lua): the erasure check, the one HMGET, the log
-- read for the replay, the applied-event record, the log entry, the one HSET.
redis.call('HGET', erased_key, 'event_at')
local names = {'version', 'src:cart:event_at'}
for i = 1, #CART_FIELDS do
  names[#names + 1] = CART_FIELDS[i]
end
redis.call('HMGET', profile, unpack(names))
redis.call('ZRANGE', cart_log, 0, -1, 'WITHSCORES')
remember_event()
local fields = {}
cart_write(fields, ARGV[ARG], ARGV[ARG + 1], ARGV[ARG + 2], ARGV[ARG + 3], ARGV[ARG + 4], ARGV[ARG + 5])
return write_profile(fields, 'cart')
