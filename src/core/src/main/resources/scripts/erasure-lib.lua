-- Right to erasure in any arrival order (after update-prelude.lua and cart-lib.lua).
--
-- The rule: a delete of the customer row at time E (its commit time) and log position P erases
-- everything the profile learned from events at or before E: purchases, cart operations and the
-- ids of those events; customer attributes of changes at or before P. What newer events brought
-- stays, whatever order the events arrive in:
-- - an event at or before E that arrives after the delete is STALE (the tombstone KEYS[5] says so);
-- - a delete that arrives after newer events rebuilds the profile from what is newer than it: the
--   purchase journal (KEYS[6], the arguments of the purchases of the lateness window), the cart's
--   operation log (KEYS[4], the lateness window of the cart), the recent SKUs bought after E, and
--   the customer attributes when the newest applied change is newer than P (a re-insert).
-- A delete further behind the newest purchase or cart operation than the lateness bound finds part
-- of that window closed: it still erases everything at or before E, and the newer data it can no
-- longer tell apart from the older goes too (answered late, and counted).
--
-- The answer's fourth element tells the caller which freshness indexes the user leaves: 'profile'
-- (nothing is left: every index and due queue), else the sources left without data, comma-separated.

-- Columns whose stored value is older than customer:position, because the newer changes did not
-- carry them (Debezium's placeholder for an unchanged TOASTed value): column -> position of the
-- change (or erasure) their stored state comes from. Absent when every column is current.
local function customer_kept(json)
  if json then
    return cjson.decode(json)
  end
  return {}
end

-- The erasure's functions are made only for a delete (customer.lua's op, ARGV[ARG], is 'd'): Redis
-- runs the whole script on every call, making each function anew, and no other change uses these.
-- erase() at the end is the way in; the steps come before it, as Lua needs.
local erasure_repeated, erase
if ARGV[ARG] == 'd' then
  -- A hash's fields by name.
  local function hash_fields(key)
    local fields = {}
    local pairs_ = redis.call('HGETALL', key)
    for i = 1, #pairs_, 2 do
      fields[pairs_[i]] = pairs_[i + 1]
    end
    return fields
  end

  -- The sources the profile holds no data of, as the answer's cleanup element.
  local function sources_without_data(fields)
    if next(fields) == nil then
      return 'profile'
    end
    local empty = {}
    for _, source in ipairs({'purchase', 'cart', 'customer'}) do
      if not fields['src:' .. source .. ':event_at'] then
        empty[#empty + 1] = source
      end
    end
    return table.concat(empty, ',')
  end

  -- A delete delivered again (same position as the erasure it made): it changes nothing, and answers
  -- what the indexes should hold, so a clean-up interrupted by a crash is finished by the redelivery.
  function erasure_repeated()
    local fields = hash_fields(profile)
    return {'duplicate', tonumber(fields['version'] or '0'), 0, sources_without_data(fields)}
  end

  local function write_tombstone(position)
    redis.call('HSET', erased_key, 'event_at', event_time, 'position', position)
    redis.call('PEXPIRE', erased_key, retention)
  end

  -- What is newer than the erasure, and so stays: the journalled purchases and the cart operations
  -- after event_time (as ZRANGEBYSCORE answers them: member, score, ...), and how many of those
  -- operations are the shopper's: the sweeper's alone make no cart, they only relabel one.
  local function newer_than_erasure()
    local purchases = redis.call('ZRANGEBYSCORE', journal, '(' .. event_time, '+inf', 'WITHSCORES')
    local cart_ops = redis.call('ZRANGEBYSCORE', cart_log, '(' .. event_time, '+inf', 'WITHSCORES')
    local shopper_cart_ops = 0
    for i = 1, #cart_ops, 2 do
      if string.sub(cart_ops[i], 1, 8) ~= 'sweeper|' then
        shopper_cart_ops = shopper_cart_ops + 1
      end
    end
    return {purchases = purchases, cart_ops = cart_ops, shopper_cart_ops = shopper_cart_ops}
  end

  -- Nothing newer than the erasure: every key of the user goes; only the tombstone (no personal
  -- data) stays for the retention window, so an older event arriving later cannot bring it back.
  local function erase_everything(position)
    redis.call('DEL', profile, applied, KEYS[3], cart_log, journal, erased_key)
    write_tombstone(position)
    return {'erased', 0, 0, 'profile'}
  end

  -- Late: part of a window the rebuild needs has closed (see the rule above).
  local function window_closed(old, old_base)
    local purchase_at = tonumber(old['src:purchase:event_at'] or '-1')
    return (purchase_at >= 0 and event_time < purchase_at - lateness) or event_time < old_base.t
  end

  -- The newest change is a re-insert's or later: its row is the customer now, except columns kept
  -- through a placeholder from a change at or before the erasure, which go. Adds the customer fields
  -- that stay to fields.
  local function add_customer_fields(fields, old, position)
    local kept = customer_kept(old['customer:kept'])
    for column, origin in pairs(kept) do
      if origin <= position then
        old['customer:' .. column] = nil
        kept[column] = position
      end
    end
    old['customer:kept'] = next(kept) and cjson.encode(kept) or nil
    for field, value in pairs(old) do
      if string.sub(field, 1, 9) == 'customer:' or string.sub(field, 1, 13) == 'src:customer:' then
        fields[#fields + 1] = field
        fields[#fields + 1] = value
      end
    end
  end

  -- The journalled purchases newer than the erasure, decoded: {key, args, t} each.
  local function decoded_journal(purchases)
    local journalled = {}
    for i = 1, #purchases, 2 do
      local member = purchases[i]
      local bar = string.find(member, '|', 1, true)
      journalled[#journalled + 1] = {key = string.sub(member, 1, bar - 1), args = cjson.decode(string.sub(member, bar + 1)),
        t = tonumber(purchases[i + 1])}
    end
    return journalled
  end

  -- The cart replayed from the operations newer than the erasure, planned, not written. The cart as
  -- of the erasure is empty: the base (operations behind the horizon) is older.
  local function cart_after_erasure(cart_ops, old_base)
    local entries = {}
    for i = 1, #cart_ops, 2 do
      entries[#entries + 1] = {tonumber(cart_ops[i + 1]), cart_ops[i]}
    end
    local cart = cart_replan({t = math.max(event_time, old_base.t), updated = -1, status = 'empty', id = '', order = '', lines = {}}, entries)
    cart.changed = true -- the profile hash is written anew: every cart field is new to it
    return cart
  end

  -- Drops what the profile learned at or before the erasure: the profile hash starts again from
  -- fields (version and the customer fields that stay), the applied events are forgotten (those that
  -- stay are remembered again), the older recent SKUs, journal entries and cart operations go.
  local function drop_older_than_erasure(fields)
    redis.call('DEL', profile, applied)
    redis.call('HSET', profile, unpack(fields))
    redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', event_time)
    redis.call('ZREMRANGEBYSCORE', journal, '-inf', event_time)
    redis.call('ZREMRANGEBYSCORE', cart_log, '-inf', event_time)
  end

  -- Adds one journalled purchase (its purchase.lua arguments) to the rebuilt aggregates.
  local function purchase_replay(args, t, last)
    local order_id = args[1]
    redis.call('HINCRBY', profile, 'purchase:count', 1)
    redis.call('HINCRBY', profile, 'purchase:spend_minor', args[2])
    local n = tonumber(args[5])
    local i = 6
    for _ = 1, n do
      redis.call('HINCRBY', profile, 'affinity:' .. args[i] .. ':count', args[i + 1])
      redis.call('HINCRBY', profile, 'affinity:' .. args[i] .. ':spend_minor', args[i + 2])
      i = i + 3
    end
    if t > last.at or (t == last.at and order_id > last.order) then
      last.at, last.order = t, order_id
    end
  end

  -- Rebuilds the purchase aggregates from the journalled purchases; answers their event ids.
  local function replay_journal(journalled)
    local ids = {}
    if #journalled == 0 then
      return ids
    end
    local last = {at = -1, order = ''}
    for _, purchase in ipairs(journalled) do
      ids[#ids + 1] = purchase.key
      purchase_replay(purchase.args, purchase.t, last)
    end
    redis.call('HSET', profile, 'purchase:last_at', last.at, 'purchase:last_order', last.order,
      'src:purchase:event_at', last.at, 'src:purchase:written_at', now)
    return ids
  end

  -- Writes the rebuilt cart and adds the ids of its shopper operations to ids; with no cart left
  -- (nothing newer, or only the sweeper's operations) the log goes.
  local function restore_cart(cart, cart_ops, ids)
    if not cart then
      redis.call('DEL', cart_log)
      return
    end
    cart_commit(cart)
    for i = 1, #cart_ops, 2 do
      local member = cart_ops[i]
      local key = string.sub(member, 1, string.find(member, '|', 1, true) - 1)
      if key ~= 'sweeper' then
        ids[#ids + 1] = key
      end
    end
  end

  -- The ids of the events that stay are remembered again, so their re-deliveries stay duplicates.
  local function remember_again(ids)
    for _, key in ipairs(ids) do
      redis.call('ZADD', applied, now, key)
    end
    if #ids > 0 then
      redis.call('PEXPIRE', applied, retention)
    end
  end

  -- Rebuilds the profile from what is newer than the erasure. Everything is decoded and replayed in
  -- memory before the first write (see update-prelude.lua): a journal entry or cart operation that
  -- cannot be read fails the script here, with nothing written.
  local function rebuild_after_erasure(position, old, newer, customer_stays)
    local old_base = cart_decode(old['cart:base'])
    local late = window_closed(old, old_base)
    local next_version = tonumber(old['version'] or '0') + 1
    local fields = {'version', next_version}
    if customer_stays then
      add_customer_fields(fields, old, position)
    end
    local journalled = decoded_journal(newer.purchases)
    local cart = nil
    if newer.shopper_cart_ops > 0 then
      cart = cart_after_erasure(newer.cart_ops, old_base)
    end

    drop_older_than_erasure(fields)
    local ids = replay_journal(journalled)
    restore_cart(cart, newer.cart_ops, ids)
    remember_again(ids)
    write_tombstone(position)
    return {'erased', next_version, late and 1 or 0, sources_without_data(hash_fields(profile))}
  end

  -- Erases what the profile learned at or before this delete (event_time, position) and keeps what is
  -- newer; see the rule above.
  function erase(position)
    local newer = newer_than_erasure()
    local old = hash_fields(profile)
    local customer_stays = old['customer:position'] ~= nil and old['customer:position'] > position
    if #newer.purchases == 0 and newer.shopper_cart_ops == 0 and not customer_stays then
      return erase_everything(position)
    end
    return rebuild_after_erasure(position, old, newer, customer_stays)
  end
end
