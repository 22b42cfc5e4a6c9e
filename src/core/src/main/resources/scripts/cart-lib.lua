-- The live cart, kept in event-time order whatever order its operations arrive in.
-- The profile field cart:base holds the cart as of the lateness horizon (JSON); KEYS[4] holds the
-- operations since then, scored by event time, members "<dedup key>|<json>" so operations with
-- equal times replay in one fixed order. Each new operation is inserted at its place and the
-- cart is replayed from the base; operations that fall behind the horizon are folded into it.
-- The result is written to cart:* fields of the profile for readers.
-- Operations: ITEM_ADDED (adds q), ITEM_REMOVED, QUANTITY_SET (q, 0 removes), CART_CLEARED,
-- CONVERTED (a purchase of this cart: clears it and marks it converted), and the sweeper's
-- ABANDONED (an active cart left alone too long) and EXPIRED (an abandoned cart, cleared). The
-- sweeper's operations are not the shopper's: they do not move the cart's time.
local cart_log = KEYS[4]

local function cart_decode(json)
  if json then
    return cjson.decode(json)
  end
  return {t = -1, updated = -1, status = 'empty', id = '', order = '', lines = {}}
end

local function cart_step(state, op)
  if op.a == 'ABANDONED' or op.a == 'EXPIRED' then
    if state.id == op.cart and op.a == 'ABANDONED' and state.status == 'active' then
      state.status = 'abandoned'
    elseif state.id == op.cart and op.a == 'EXPIRED' and state.status == 'abandoned' then
      state.lines = {}
      state.status = 'expired'
    end
    return
  end
  if op.a == 'CONVERTED' then
    if state.id ~= op.cart then
      -- An order from another cart: it stays in the log (a late operation may yet make that
      -- cart the live one) but changes nothing now, not even the cart's time.
      return
    end
    state.lines = {}
    state.status = 'converted'
    state.order = op.order
  else
    if state.id ~= op.cart then
      -- Another cart id: the shopper started a new cart, which replaces the old one.
      state.lines = {}
      state.id = op.cart
      state.order = ''
    end
    if op.a == 'ITEM_ADDED' then
      local line = state.lines[op.sku]
      local quantity = op.q + (line and line.q or 0)
      state.lines[op.sku] = {q = quantity, p = op.p, c = op.cat}
    elseif op.a == 'ITEM_REMOVED' then
      state.lines[op.sku] = nil
    elseif op.a == 'QUANTITY_SET' then
      if op.q == 0 then
        state.lines[op.sku] = nil
      else
        state.lines[op.sku] = {q = op.q, p = op.p, c = op.cat}
      end
    elseif op.a == 'CART_CLEARED' then
      state.lines = {}
    end
    state.status = next(state.lines) and 'active' or 'empty'
  end
  if op.t > state.updated then
    state.updated = op.t
  end
end

-- Replays the cart from base (the cart as of the horizon) through the operations in KEYS[4] (at
-- least one), folds
-- the operations that fell behind the lateness horizon into the base, and writes the result. The
-- cart source's freshness (src:cart:*) follows the replayed cart: its event time is the newest
-- operation in effect, and it counts as written only when the cart changed.
local function cart_replay(base)
  local entries = redis.call('ZRANGE', cart_log, 0, -1, 'WITHSCORES')
  local horizon = tonumber(entries[#entries]) - lateness
  local first_kept = #entries + 1
  for i = 1, #entries, 2 do
    if tonumber(entries[i + 1]) >= horizon then
      first_kept = i
      break
    end
    local member = entries[i]
    cart_step(base, cjson.decode(string.sub(member, string.find(member, '|', 1, true) + 1)))
  end
  if first_kept > 1 then
    base.t = horizon
    redis.call('ZREMRANGEBYSCORE', cart_log, '-inf', '(' .. horizon)
  end
  local base_json = cjson.encode(base)
  local state = cjson.decode(base_json)
  for i = first_kept, #entries, 2 do
    local member = entries[i]
    cart_step(state, cjson.decode(string.sub(member, string.find(member, '|', 1, true) + 1)))
  end
  local value, items = 0, 0
  for _, line in pairs(state.lines) do
    value = value + line.q * line.p
    items = items + line.q
  end
  local view = {'cart:id', state.id, 'cart:status', state.status, 'cart:order', state.order,
    'cart:lines', next(state.lines) and cjson.encode(state.lines) or '{}',
    'cart:value_minor', string.format('%.0f', value), 'cart:items', string.format('%.0f', items),
    'cart:updated_at', string.format('%.0f', state.updated)}
  local old = redis.call('HMGET', profile, view[1], view[3], view[5], view[7], view[9], view[11], view[13])
  local changed = false
  for j = 1, 7 do
    if old[j] ~= view[2 * j] then
      changed = true
    end
  end
  redis.call('HSET', profile, 'cart:base', base_json)
  -- A profile that never had a cart (an order naming an unknown cart) gets no cart fields.
  if changed and state.id ~= '' then
    redis.call('HSET', profile, unpack(view))
    redis.call('HSET', profile, 'src:cart:event_at', state.updated, 'src:cart:written_at', now)
  end
end

-- Places one operation in the cart's history and writes the replayed cart. Returns false,
-- changing nothing, when the operation is older than the base: the lateness window for it has
-- closed.
local function cart_apply(op)
  local base = cart_decode(redis.call('HGET', profile, 'cart:base'))
  if op.t < base.t then
    return false
  end
  redis.call('ZADD', cart_log, op.t, op.k .. '|' .. cjson.encode(op))
  cart_replay(base)
  return true
end
