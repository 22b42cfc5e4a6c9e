-- The command floor of a leaner data model (bench/script-cost.sh with
-- -Dbench.script-cost.compare=bench/script-floor-one-hash), to size a redesign before making it:
-- everything of a profile in its one hash, read by one HMGET and written by one HSET (the cart's
-- operation log, the purchase journal, the recent SKUs and the erasure tombstone as fields of it,
-- not keys of their own), and the applied-event record checked and written by one ZADD NX. Four
-- commands per event where bench/script-floor (today's data model) sends nine. Like
-- bench/script-floor: no logic, values of the real ones' sizes, not a working profile store.
local profile, applied = KEYS[1], KEYS[2]
local dedup_key, now, event_time = ARGV[1], ARGV[2], ARGV[4]
local ARG = 9

if redis.call('ZADD', applied, 'NX', now, dedup_key) == 0 then
  return {'duplicate', redis.call('HGET', profile, 'version'), 0}
end
if string.byte(dedup_key, -1) % 16 == 0 then
  redis.call('ZREMRANGEBYSCORE', applied, '-inf', now - ARGV[3])
end
redis.call('PEXPIRE', applied, ARGV[3])

local CART_FIELDS = {'cart:log', 'cart:base', 'cart:id', 'cart:status', 'cart:order', 'cart:lines', 'cart:value_minor', 'cart:items', 'cart:updated_at'}

-- The cart's fields with its operation log among them (one operation's entry: the log of a cart
-- changed once in the lateness window).
local function cart_write(fields, action, cart, sku, category, quantity, price)
  local entry = event_time .. '|' .. dedup_key .. '|{"a":"' .. action .. '","cart":"' .. cart .. '","cat":"' .. category
    .. '","k":"' .. dedup_key .. '","p":' .. price .. ',"q":' .. quantity .. ',"sku":"' .. sku .. '","t":' .. event_time .. '}'
  local lines = '{"' .. sku .. '":{"c":"' .. category .. '","p":' .. price .. ',"q":' .. quantity .. '}}'
  local values = {entry, '{"id":"' .. cart .. '","lines":' .. lines .. ',"order":"","status":"active","t":-1,"updated":' .. event_time .. '}',
    cart, 'active', '', lines, price, quantity, event_time}
  for i = 1, #CART_FIELDS do
    fields[#fields + 1] = CART_FIELDS[i]
    fields[#fields + 1] = values[i]
  end
end

local function write_profile(fields, source)
  fields[#fields + 1] = 'src:' .. source .. ':event_at'
  fields[#fields + 1] = event_time
  fields[#fields + 1] = 'src:' .. source .. ':written_at'
  fields[#fields + 1] = now
  fields[#fields + 1] = 'version'
  fields[#fields + 1] = '1'
  redis.call('HSET', profile, unpack(fields))
  return {'applied', 1, 0}
end
