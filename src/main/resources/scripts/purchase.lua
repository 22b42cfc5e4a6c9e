-- A completed purchase (after update-prelude.lua).
-- ARGV[5] order id    ARGV[6] order total in base minor units    ARGV[7] how many recent SKUs to keep
-- ARGV[8] n, the number of categories, then n triples: category, quantity, spend in base minor units
-- then the order's distinct SKUs.
local recent = KEYS[3]
local order_id = ARGV[5]

-- Additive aggregates: applied exactly once (the prelude saw to that), in any order.
redis.call('HINCRBY', profile, 'purchase:count', 1)
redis.call('HINCRBY', profile, 'purchase:spend_minor', ARGV[6])

local n = tonumber(ARGV[8])
local i = 9
for _ = 1, n do
  local category = ARGV[i]
  redis.call('HINCRBY', profile, 'affinity:' .. category .. ':count', ARGV[i + 1])
  redis.call('HINCRBY', profile, 'affinity:' .. category .. ':spend_minor', ARGV[i + 2])
  i = i + 3
end

-- The last purchase: newest event time wins; equal times are broken by the larger order id, so
-- any delivery order ends in the same state.
local last_at = tonumber(redis.call('HGET', profile, 'purchase:last_at') or '-1')
local last_order = redis.call('HGET', profile, 'purchase:last_order') or ''
if event_time > last_at or (event_time == last_at and order_id > last_order) then
  redis.call('HSET', profile, 'purchase:last_at', event_time, 'purchase:last_order', order_id)
end

-- Recent SKUs scored by purchase time; GT keeps a SKU's newest time when an older event arrives late.
for j = i, #ARGV do
  redis.call('ZADD', recent, 'GT', event_time, ARGV[j])
end
redis.call('ZREMRANGEBYRANK', recent, 0, -(tonumber(ARGV[7]) + 1))

touch_source('purchase')
return applied_version()
