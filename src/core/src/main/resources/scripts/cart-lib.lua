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

-- The profile fields cart_plan() reads: the base, then the view (cart_replan() compares it, so an
-- unchanged cart writes no view). An update script reads them in its one HMGET and passes them in.
local CART_FIELDS = {'cart:base', 'cart:id', 'cart:status', 'cart:order', 'cart:lines', 'cart:value_minor', 'cart:items', 'cart:updated_at'}

local function cart_decode(json)
  if json then
    return cjson.decode(json)
  end
  return {t = -1, updated = -1, status = 'empty', id = '', order = '', lines = {}}
end

-- The sweeper's operations: they relabel or empty the cart they were meant for, if it is still as
-- the sweeper judged it. They are not the shopper's, so they leave the cart's time alone.
local function sweeper_step(state, op)
  if state.id ~= op.cart then
    return
  end
  if op.a == 'ABANDONED' and state.status == 'active' then
    state.status = 'abandoned'
  elseif op.a == 'EXPIRED' and state.status == 'abandoned' then
    state.lines = {}
    state.status = 'expired'
  end
end

-- A shopper's change of the cart's lines (ITEM_ADDED, ITEM_REMOVED, QUANTITY_SET, CART_CLEARED).
local function change_lines(state, op)
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
end

local function shopper_step(state, op)
  if state.id ~= op.cart then
    -- Another cart id: the shopper started a new cart, which replaces the old one.
    state.lines = {}
    state.id = op.cart
    state.order = ''
  end
  change_lines(state, op)
  state.status = next(state.lines) and 'active' or 'empty'
end

-- Replays one operation on a cart (the form of cart:base: t, updated, status, id, order, lines).
local function cart_step(state, op)
  if op.a == 'ABANDONED' or op.a == 'EXPIRED' then
    sweeper_step(state, op)
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
    shopper_step(state, op)
  end
  if op.t > state.updated then
    state.updated = op.t
  end
end

-- Redis orders a sorted set's members of equal score by their bytes (memcmp, then length); Lua's
-- '<' on strings follows the server's collation locale. Replaying in Redis's order needs Redis's.
local function bytes_before(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then
      return x < y
    end
  end
  return #a < #b
end

-- The operation a log member "<dedup key>|<json>" holds.
local function logged_operation(member)
  return cjson.decode(string.sub(member, string.find(member, '|', 1, true) + 1))
end

-- Folds the operations further behind the newest than the lateness bound into base, so the log
-- stays bounded. Answers the first entry kept and, when some were folded, the new horizon (base.t):
-- the log is trimmed there.
local function fold_behind_horizon(base, entries)
  local horizon = entries[#entries][1] - lateness
  local first_kept = #entries + 1
  for i = 1, #entries do
    if entries[i][1] >= horizon then
      first_kept = i
      break
    end
    cart_step(base, logged_operation(entries[i][2]))
  end
  if first_kept == 1 then
    return 1, nil
  end
  base.t = horizon
  return first_kept, horizon
end

-- The cart:* fields readers see (in CART_FIELDS' order after cart:base) and the cart's totals.
local function cart_view(state)
  local value, items = 0, 0
  for _, line in pairs(state.lines) do
    value = value + line.q * line.p
    items = items + line.q
  end
  local view = {'cart:id', state.id, 'cart:status', state.status, 'cart:order', state.order,
    'cart:lines', next(state.lines) and cjson.encode(state.lines) or '{}',
    'cart:value_minor', string.format('%.0f', value), 'cart:items', string.format('%.0f', items),
    'cart:updated_at', string.format('%.0f', state.updated)}
  return view, value, items
end

-- Whether the view differs from the profile's: an unchanged cart writes no view.
-- stored: the profile's CART_FIELDS by name, when the caller has read them (else read here).
local function view_changed(view, stored)
  if not stored then
    local old = redis.call('HMGET', profile, view[1], view[3], view[5], view[7], view[9], view[11], view[13])
    stored = {}
    for j = 1, 7 do
      stored[view[2 * j - 1]] = old[j]
    end
  end
  for j = 1, 13, 2 do
    if stored[view[j]] ~= view[j + 1] then
      return true
    end
  end
  return false
end

-- Replays the cart from base (the cart as of the horizon) through the operations (entries, in the
-- log's order: {score, member}, at least one), folding those that fell behind the lateness horizon
-- into the base, and answers what would be written, writing nothing. The cart source's freshness
-- (src:cart:*) follows the replayed cart: its event time is the newest operation in effect, and it
-- counts as written only when the cart changed.
-- stored: the profile's CART_FIELDS by name, when the caller has read them (else read here).
local function cart_replan(base, entries, stored)
  local first_kept, trim = fold_behind_horizon(base, entries)
  local base_json = cjson.encode(base)
  local state = cjson.decode(base_json) -- a copy: the base stays as of the horizon
  for i = first_kept, #entries do
    cart_step(state, logged_operation(entries[i][2]))
  end
  local view, value, items = cart_view(state)
  return {trim = trim, base_json = base_json, state = state, value = value, items = items, view = view,
    changed = view_changed(view, stored)}
end

-- The cart's operation log as entries for cart_replan.
local function cart_entries()
  local stored = redis.call('ZRANGE', cart_log, 0, -1, 'WITHSCORES')
  local entries = {}
  for i = 1, #stored, 2 do
    entries[#entries + 1] = {tonumber(stored[i + 1]), stored[i]}
  end
  return entries
end

-- The log's entries as they would be after ZADD of member at score: the member at its place (by
-- score, then by bytes as Redis orders them), and not twice if it is there already.
local function entries_with(score, member)
  local entries, placed = {}, false
  for _, entry in ipairs(cart_entries()) do
    if entry[2] ~= member then
      if not placed and (score < entry[1] or (score == entry[1] and bytes_before(member, entry[2]))) then
        entries[#entries + 1] = {score, member}
        placed = true
      end
      entries[#entries + 1] = entry
    end
  end
  if not placed then
    entries[#entries + 1] = {score, member}
  end
  return entries
end

-- Plans placing one operation in the cart's history, reading only: the log with the operation at
-- its place and the replayed cart. Returns nil, planning nothing, when the operation is older than
-- the base: the lateness window for it has closed. cart_commit(plan) writes it; in between the
-- caller checks the plan (cart_problem).
-- stored: the profile's CART_FIELDS by name, when the caller has read them (else read here).
local function cart_plan(op, stored)
  local base_json
  if stored then
    base_json = stored['cart:base']
  else
    base_json = redis.call('HGET', profile, 'cart:base')
  end
  local base = cart_decode(base_json or nil)
  if op.t < base.t then
    return nil
  end
  local member = op.k .. '|' .. cjson.encode(op)
  local plan = cart_replan(base, entries_with(op.t, member), stored)
  plan.score, plan.member = op.t, member
  return plan
end

-- Why the planned cart cannot be kept, or nil: a line holding more units than one line may, a
-- line or the whole cart worth more than the limits, more units than a running total may reach.
-- Checked on the cart as replayed, before anything is written.
local function cart_problem(plan, quantity_limit, amount_limit, total_limit)
  for _, line in pairs(plan.state.lines) do
    if line.q > quantity_limit then
      return 'cart-line-quantity'
    end
    if line.q * line.p > amount_limit then
      return 'cart-line-value'
    end
  end
  if plan.value > total_limit then
    return 'cart-value'
  end
  if plan.items > total_limit then
    return 'cart-items'
  end
  return nil
end

-- The profile fields a plan writes: the base, and when the cart changed its view and the cart
-- source's freshness. A profile that never had a cart (an order naming an unknown cart) gets no
-- view.
local function cart_fields(plan)
  local fields = {'cart:base', plan.base_json}
  if plan.changed and plan.state.id ~= '' then
    for j = 1, #plan.view do
      fields[#fields + 1] = plan.view[j]
    end
    fields[#fields + 1] = 'src:cart:event_at'
    fields[#fields + 1] = string.format('%.0f', plan.state.updated)
    fields[#fields + 1] = 'src:cart:written_at'
    fields[#fields + 1] = string.format('%.0f', now)
  end
  return fields
end

-- Writes a plan of cart_plan(), or of cart_replan() (an erasure rebuilding the cart from what is
-- newer than it: erasure-lib.lua).
-- put(field, value): how an update script gathers its profile fields for its one HSET
-- (update-prelude.lua); without it the fields are written here, in one HSET.
local function cart_commit(plan, put)
  if plan.member then
    redis.call('ZADD', cart_log, plan.score, plan.member)
  end
  if plan.trim then
    redis.call('ZREMRANGEBYSCORE', cart_log, '-inf', '(' .. plan.trim)
  end
  local fields = cart_fields(plan)
  if put then
    for j = 1, #fields, 2 do
      put(fields[j], fields[j + 1])
    end
  else
    redis.call('HSET', profile, unpack(fields))
  end
end

-- Plans and writes at once, for the sweeper's own operations (they empty or relabel a cart, so
-- they cannot break a limit). Returns false, changing nothing, when the operation is too old.
local function cart_apply(op)
  local plan = cart_plan(op)
  if not plan then
    return false
  end
  cart_commit(plan)
  return true
end
