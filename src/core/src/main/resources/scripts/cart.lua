-- A cart change (after update-prelude.lua and cart-lib.lua).
-- ARGV[ARG] action   [ARG+1] cart id   [ARG+2] sku ('' for CART_CLEARED)   [ARG+3] category
-- [ARG+4] quantity   [ARG+5] unit price in base minor units
if erased_since(event_time) then
  return stale_result(false)
end
-- Reading and checking: the cart as replayed with this change must stay within the limits.
-- The profile's version, the cart's newest time, base and view: one call to the hash.
local late, stored = read_profile('cart', CART_FIELDS)
local op = {t = event_time, k = dedup_key, a = ARGV[ARG], cart = ARGV[ARG + 1], sku = ARGV[ARG + 2],
  cat = ARGV[ARG + 3], q = tonumber(ARGV[ARG + 4]), p = tonumber(ARGV[ARG + 5])}
local plan = cart_plan(op, stored)
if not plan then
  -- Older than the cart's base: its place in the order is gone, so it is skipped (and counted).
  remember_event()
  return stale_result(true)
end
local problem = cart_problem(plan, max_quantity, max_amount, max_total)
if problem then
  return refused(problem)
end

-- Writing.
remember_event()
cart_commit(plan, put)
return applied_result(late)
