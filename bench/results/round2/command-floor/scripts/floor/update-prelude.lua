-- The command floor (bench/script-cost.sh with -Dbench.script-cost.compare=bench/script-floor):
-- every Redis command the real update scripts (src/core/src/main/resources/scripts) send on their
-- main path, with values of the same size, the same keys and arguments, and no other logic: no
-- integer checks, limits, ordering, cart replay or JSON. What this costs Redis per event is the
-- least any Lua script keeping the same data model can cost; the real scripts' time above it is
-- their logic. Not a working profile store: do not load it anywhere but the benchmark.
local profile, applied, cart_log, erased_key, journal = KEYS[1], KEYS[2], KEYS[4], KEYS[5], KEYS[6]
local dedup_key, now, event_time = ARGV[1], ARGV[2], ARGV[4]
local ARG = 9

if redis.call('ZSCORE', applied, dedup_key) then
  return {'duplicate', redis.call('HGET', profile, 'version'), 0}
end

-- The applied-event record, trimmed on one event in 16 as the real prelude does.
local function remember_event()
  if string.byte(dedup_key, -1) % 16 == 0 then
    redis.call('ZREMRANGEBYSCORE', applied, '-inf', now - ARGV[3])
  end
  redis.call('ZADD', applied, now, dedup_key)
  redis.call('PEXPIRE', applied, ARGV[3])
end

-- The profile's cart fields, as the real scripts read them in their one HMGET.
local CART_FIELDS = {'cart:base', 'cart:id', 'cart:status', 'cart:order', 'cart:lines', 'cart:value_minor', 'cart:items', 'cart:updated_at'}

-- A cart operation's log entry and the cart fields written with it, of the real ones' sizes.
local function cart_write(fields, action, cart, sku, category, quantity, price)
  redis.call('ZADD', cart_log, event_time, dedup_key .. '|{"a":"' .. action .. '","cart":"' .. cart .. '","cat":"' .. category
    .. '","k":"' .. dedup_key .. '","p":' .. price .. ',"q":' .. quantity .. ',"sku":"' .. sku .. '","t":' .. event_time .. '}')
  local lines = '{"' .. sku .. '":{"c":"' .. category .. '","p":' .. price .. ',"q":' .. quantity .. '}}'
  local values = {'{"id":"' .. cart .. '","lines":' .. lines .. ',"order":"","status":"active","t":-1,"updated":' .. event_time .. '}',
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
