-- A completed purchase (after update-prelude.lua and cart-lib.lua).
-- ARGV[ARG] order id   [ARG+1] order total in base minor units   [ARG+2] how many recent SKUs to keep
-- [ARG+3] the cart the order was placed from ('' if unknown)
-- [ARG+4] n, the number of categories, then n triples: category, quantity, spend in base minor units
-- then the order's distinct SKUs. (erasure-lib.lua replays these arguments from the journal: keep
-- the two in step.)
if erased_since(event_time) then
  return stale_result(false)
end
local recent = KEYS[3]
local order_id = ARGV[ARG]
local total = tonumber(ARGV[ARG + 1])
local n = tonumber(ARGV[ARG + 4])
local skus_from = ARG + 5 + 3 * n

-- Reading and checking, in one call to the hash: the running totals after this order must stay
-- within the limits, and every number read must be one.
local fields = {'purchase:count', 'purchase:spend_minor', 'purchase:last_at', 'purchase:last_order'}
for i = ARG + 5, skus_from - 1, 3 do
  fields[#fields + 1] = 'affinity:' .. ARGV[i] .. ':count'
  fields[#fields + 1] = 'affinity:' .. ARGV[i] .. ':spend_minor'
end
local late, stored = read_profile('purchase', fields)
local function after(field, add)
  return integer_of(field, stored[field]) + add
end
if after('purchase:count', 1) > max_total then
  return refused('purchase-count')
end
if after('purchase:spend_minor', total) > max_total then
  return refused('spend')
end
for i = ARG + 5, skus_from - 1, 3 do
  local category = ARGV[i]
  if after('affinity:' .. category .. ':count', tonumber(ARGV[i + 1])) > max_total then
    return refused('category-count', category)
  end
  if after('affinity:' .. category .. ':spend_minor', tonumber(ARGV[i + 2])) > max_total then
    return refused('category-spend', category)
  end
end
local last_at = integer_of('purchase:last_at', stored['purchase:last_at'], -1)
local last_order = stored['purchase:last_order'] or ''
redis.call('ZCARD', recent) -- fails here, not half-way through the writes, if the key is not a sorted set
-- An order placed from the shopper's live cart converts it (see cart-lib.lua).
local cart_id = ARGV[ARG + 3]
local cart = nil
if cart_id ~= '' then
  cart = cart_plan({t = event_time, k = dedup_key, a = 'CONVERTED', cart = cart_id, order = order_id})
  local problem = cart and cart_problem(cart, max_quantity, max_amount, max_total)
  if problem then
    return refused(problem)
  end
end

-- Writing.
remember_event()
-- Additive aggregates: applied exactly once (the prelude saw to that), in any order, so an
-- event behind the lateness bound is still safe to add.
redis.call('HINCRBY', profile, 'purchase:count', 1)
redis.call('HINCRBY', profile, 'purchase:spend_minor', ARGV[ARG + 1])
for i = ARG + 5, skus_from - 1, 3 do
  local category = ARGV[i]
  redis.call('HINCRBY', profile, 'affinity:' .. category .. ':count', ARGV[i + 1])
  redis.call('HINCRBY', profile, 'affinity:' .. category .. ':spend_minor', ARGV[i + 2])
end

-- The last purchase: newest event time wins; equal times are broken by the larger order id, so
-- any delivery order ends in the same state.
if event_time > last_at or (event_time == last_at and order_id > last_order) then
  redis.call('HSET', profile, 'purchase:last_at', event_time, 'purchase:last_order', order_id)
end

-- Recent SKUs scored by purchase time; GT keeps a SKU's newest time when an older event arrives late.
for j = skus_from, #ARGV do
  redis.call('ZADD', recent, 'GT', event_time, ARGV[j])
end
redis.call('ZREMRANGEBYRANK', recent, 0, -(tonumber(ARGV[ARG + 2]) + 1))

if cart then
  cart_commit(cart)
end

-- Kept for the lateness window: an erasure arriving after this purchase rebuilds from it.
journal_purchase()
touch_source('purchase')
return applied_result(late)
