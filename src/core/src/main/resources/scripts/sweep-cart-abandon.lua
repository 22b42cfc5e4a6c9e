-- An active cart untouched for ARGV[ARG] ms becomes abandoned (after sweep-prelude.lua, cart-lib.lua).
-- Answers {decision, the cart's event time}.
local at = number_field('src:cart:event_at')
if redis.call('HGET', profile, 'cart:status') ~= 'active' then
  return {'nothing', at}
end
if at > now - tonumber(ARGV[ARG]) then
  return {'not-due', at}
end
cart_apply({t = now, k = 'sweeper', a = 'ABANDONED', cart = redis.call('HGET', profile, 'cart:id')})
return {'abandoned', at}
