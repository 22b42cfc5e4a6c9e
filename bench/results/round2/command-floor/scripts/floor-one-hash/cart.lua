-- A cart change: one HMGET (the tombstone, the cart and its log), one HSET.
local names = {'version', 'src:cart:event_at', 'erased:event_at'}
for i = 1, #CART_FIELDS do
  names[#names + 1] = CART_FIELDS[i]
end
redis.call('HMGET', profile, unpack(names))
local fields = {}
cart_write(fields, ARGV[ARG], ARGV[ARG + 1], ARGV[ARG + 2], ARGV[ARG + 3], ARGV[ARG + 4], ARGV[ARG + 5])
return write_profile(fields, 'cart')
