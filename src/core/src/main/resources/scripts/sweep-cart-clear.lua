-- An abandoned cart untouched for ARGV[ARG] ms is cleared (after sweep-prelude.lua, cart-lib.lua).
local at = number_field('src:cart:event_at')
if redis.call('HGET', profile, 'cart:status') ~= 'abandoned' then
  return {'nothing', at}
end
if at > now - tonumber(ARGV[ARG]) then
  return {'not-due', at}
end
cart_apply({t = now, k = 'sweeper', a = 'EXPIRED', cart = redis.call('HGET', profile, 'cart:id')})
return {'cleared', at}
