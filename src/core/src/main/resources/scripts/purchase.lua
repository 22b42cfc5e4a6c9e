-- A completed purchase (after update-prelude.lua and cart-lib.lua).
-- ARGV[ARG] order id   [ARG+1] order total in base minor units   [ARG+2] how many recent SKUs to keep
-- [ARG+3] the cart the order was placed from ('' if unknown)
-- [ARG+4] n, the number of categories, then n triples: category, quantity, spend in base minor units
-- then the order's distinct SKUs. (erasure-lib.lua replays these arguments from the journal: keep
-- the two in step.)
if erased_since(event_time) then
  return stale_result(false)
end
remember_event()
local late = is_late('purchase')
local recent = KEYS[3]
local order_id = ARGV[ARG]

-- Additive aggregates: applied exactly once (the prelude saw to that), in any order, so an
-- event behind the lateness bound is still safe to add.
redis.call('HINCRBY', profile, 'purchase:count', 1)
redis.call('HINCRBY', profile, 'purchase:spend_minor', ARGV[ARG + 1])

local n = tonumber(ARGV[ARG + 4])
local i = ARG + 5
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
redis.call('ZREMRANGEBYRANK', recent, 0, -(tonumber(ARGV[ARG + 2]) + 1))

-- An order placed from the shopper's live cart converts it (see cart-lib.lua).
local cart_id = ARGV[ARG + 3]
if cart_id ~= '' then
  cart_apply({t = event_time, k = dedup_key, a = 'CONVERTED', cart = cart_id, order = order_id})
end

-- Kept for the lateness window: an erasure arriving after this purchase rebuilds from it.
journal_purchase()
touch_source('purchase')
return applied_result(late)
