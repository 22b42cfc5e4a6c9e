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
local cart_id = ARGV[ARG + 3]

-- What this purchase reads of the profile, in one call to the hash: the running totals it adds to,
-- the last purchase, and the live cart's fields when the order names a cart (see cart_plan).
local function fields_to_read()
  local fields = {'purchase:count', 'purchase:spend_minor', 'purchase:last_at', 'purchase:last_order'}
  for i = ARG + 5, skus_from - 1, 3 do
    fields[#fields + 1] = 'affinity:' .. ARGV[i] .. ':count'
    fields[#fields + 1] = 'affinity:' .. ARGV[i] .. ':spend_minor'
  end
  if cart_id ~= '' then
    for _, field in ipairs(CART_FIELDS) do
      fields[#fields + 1] = field
    end
  end
  return fields
end

-- The running totals after this order (field, value, ... for the one write of the profile hash),
-- each checked to be a number and to stay within the limit; else nil and the refusal's code (and
-- category) of the first that would pass it.
local function totals_after_order(stored)
  local totals = {}
  local function past_limit(field, add)
    local value = integer_of(field, stored[field]) + add
    totals[#totals + 1] = field
    totals[#totals + 1] = value
    return value > max_total
  end
  if past_limit('purchase:count', 1) then
    return nil, 'purchase-count'
  end
  if past_limit('purchase:spend_minor', total) then
    return nil, 'spend'
  end
  for i = ARG + 5, skus_from - 1, 3 do
    local category = ARGV[i]
    if past_limit('affinity:' .. category .. ':count', tonumber(ARGV[i + 1])) then
      return nil, 'category-count', category
    end
    if past_limit('affinity:' .. category .. ':spend_minor', tonumber(ARGV[i + 2])) then
      return nil, 'category-spend', category
    end
  end
  return totals
end

-- Recent SKUs scored by purchase time; GT keeps a SKU's newest time when an older event arrives late.
local function add_recent_skus()
  local skus = {'ZADD', recent, 'GT'}
  for j = skus_from, #ARGV do
    skus[#skus + 1] = event_time
    skus[#skus + 1] = ARGV[j]
  end
  if #skus > 3 then
    redis.call(unpack(skus))
    redis.call('ZREMRANGEBYRANK', recent, 0, -(tonumber(ARGV[ARG + 2]) + 1))
  end
end

-- Keeps an applied purchase's arguments for the lateness window, scored by its event time, so that
-- an erasure that arrives after it can rebuild the purchase aggregates from the purchases newer
-- than the erasure (erasure-lib.lua). Entries older than this event by more than the lateness
-- bound go: an erasure that far behind the newest purchase finds the window closed.
local function journal_purchase()
  redis.call('ZADD', journal, event_time, dedup_key .. '|' .. cjson.encode({unpack(ARGV, ARG)}))
  redis.call('ZREMRANGEBYSCORE', journal, '-inf', '(' .. (event_time - lateness))
end

-- Reading and checking: the running totals and the converted cart must stay within the limits,
-- and every number read must be one.
local late, stored = read_profile('purchase', fields_to_read())
local totals, problem, category = totals_after_order(stored)
if problem then
  return refused(problem, category)
end
local last_at = integer_of('purchase:last_at', stored['purchase:last_at'], -1)
local last_order = stored['purchase:last_order'] or ''
-- An order placed from the shopper's live cart converts it (see cart-lib.lua).
local cart = nil
if cart_id ~= '' then
  cart = cart_plan({t = event_time, k = dedup_key, a = 'CONVERTED', cart = cart_id, order = order_id}, stored)
  problem = cart and cart_problem(cart, max_quantity, max_amount, max_total)
  if problem then
    return refused(problem)
  end
end

-- Writing. The first write is the one that can still fail on a key of the wrong type (the recent
-- SKUs are not read before): if it does, nothing has been written. (The applied-event set and the
-- profile were read above, the cart log by cart_plan.)
add_recent_skus()
remember_event()
-- Additive aggregates: applied exactly once (the prelude saw to that), in any order, so an
-- event behind the lateness bound is still safe to add.
for i = 1, #totals, 2 do
  put(totals[i], totals[i + 1])
end
-- The last purchase: newest event time wins; equal times are broken by the larger order id, so
-- any delivery order ends in the same state.
if event_time > last_at or (event_time == last_at and order_id > last_order) then
  put('purchase:last_at', event_time)
  put('purchase:last_order', order_id)
end
if cart then
  cart_commit(cart, put)
end
-- Kept for the lateness window: an erasure arriving after this purchase rebuilds from it.
journal_purchase()
touch_source('purchase')
return applied_result(late)
