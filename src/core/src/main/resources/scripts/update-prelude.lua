-- Shared head of every profile update script. ProfileScript.update() puts it in front of the
-- function's own script, so the idempotency record, the ordering checks and the state change
-- commit together: Redis runs the whole script atomically.
--
-- Redis does not roll a script back: what it wrote before an error stays written. So every update
-- script first reads and checks everything (stored values, the limits), and only then writes; a
-- refusal or an error happens before the first write and leaves the profile exactly as it was.
--
-- KEYS[1] profile hash          profile:{userId}
-- KEYS[2] applied events        profile:{userId}:applied      (zset: dedup key -> applied at, ms)
-- KEYS[3] recently bought SKUs  profile:{userId}:recent-skus  (zset: sku -> purchase time, ms)
-- KEYS[4] cart operations       profile:{userId}:cart-log     (zset, see cart-lib.lua)
-- KEYS[5] erasure tombstone     profile:{userId}:erased       (hash: event_at, position)
-- KEYS[6] purchase journal      profile:{userId}:journal      (zset, see purchase.lua)
-- ARGV[1] dedup key (hash of CloudEvent source + id)   ARGV[2] now (ms)
-- ARGV[3] dedup retention (ms)   ARGV[4] event time (ms)   ARGV[5] lateness bound (ms)
-- ARGV[6] the most a running total may reach (ProfileLimits: money in base minor units, and counts)
-- ARGV[7] the most one amount may be (a line: quantity x unit price)   ARGV[8] the most units on one line
-- ARGV[9..] the function script's own arguments (ARG is the index of the first)
-- Every number here stays below 2^53, so Lua's doubles hold them exactly.
local profile, applied, erased_key, journal = KEYS[1], KEYS[2], KEYS[5], KEYS[6]
local dedup_key = ARGV[1]
local now = tonumber(ARGV[2])
local retention = tonumber(ARGV[3])
local event_time = tonumber(ARGV[4])
local lateness = tonumber(ARGV[5])
local max_total = tonumber(ARGV[6])
local max_amount = tonumber(ARGV[7])
local max_quantity = tonumber(ARGV[8])
local ARG = 9

-- A profile field's value as an integer (absent: 0, or the default given). A field that holds
-- anything else fails the script here, in the reading phase, before anything is written.
local function integer_of(field, value, absent)
  if not value then
    return absent or 0
  end
  if not string.find(value, '^%-?%d+$') then
    error('profile field ' .. field .. ' does not hold an integer')
  end
  return tonumber(value)
end

-- The version as read by read_profile() (every update script's reading phase), else read now.
local read_version = nil

local function version()
  return read_version or integer_of('version', redis.call('HGET', profile, 'version'))
end

-- The answer when applying the event would take a running total past its limit: nothing was
-- written; ProfileLimits tells the producer which limit.
local function refused(code, detail)
  return {'refused', version(), 0, code, detail or ''}
end

if redis.call('ZSCORE', applied, dedup_key) then
  -- A re-delivery: change nothing, report the current version.
  return {'duplicate', version(), 0}
end

-- Remembers this event as seen, for the retention window, so the set stays bounded per user: it
-- expires a window after its newest id, and older ids are trimmed on about one event in 16 (a dedup
-- key, a hex digest, ending in 0): a trim on every event mostly removed nothing, a command for
-- nothing. An id kept past the window only keeps its re-delivery a duplicate longer.
local function remember_event()
  if string.byte(dedup_key, -1) % 16 == 0 then
    redis.call('ZREMRANGEBYSCORE', applied, '-inf', now - retention)
  end
  redis.call('ZADD', applied, now, dedup_key)
  redis.call('PEXPIRE', applied, retention)
end

-- True when the profile was erased by a change at or after time t: such an event must not
-- bring any data back (and is not remembered either: nothing about an erased user is kept).
local function erased_since(t)
  local erased_at = redis.call('HGET', erased_key, 'event_at')
  return erased_at ~= false and tonumber(erased_at) >= t
end

-- The reading phase's one call to the profile hash: the version and the source's newest event
-- time, checked to be integers (so the writes that follow cannot fail on them), and any other
-- fields the script names. Answers whether this event is late (older than the source's newest by
-- more than the lateness bound), and the other fields' raw values by name (false when absent).
local read_newest = -1
local function read_profile(source, fields)
  local names = {'version', 'src:' .. source .. ':event_at'}
  for _, field in ipairs(fields or {}) do
    names[#names + 1] = field
  end
  local raw = redis.call('HMGET', profile, unpack(names))
  read_version = integer_of('version', raw[1])
  read_newest = integer_of(names[2], raw[2], -1)
  local values = {}
  for i = 3, #names do
    values[names[i]] = raw[i]
  end
  return read_newest >= 0 and event_time < read_newest - lateness, values
end

-- The writing phase's fields of the profile hash, gathered by put() and written in one HSET with
-- the new version by applied_result(): one command instead of one per field (and no HINCRBY: the
-- reading phase has every number it adds to, checked, so the new values are computed here; every
-- one stays below 2^53, where Lua's doubles and Redis's formatting of them are exact).
local pending = {}
local function put(field, value)
  pending[#pending + 1] = field
  pending[#pending + 1] = type(value) == 'number' and string.format('%.0f', value) or value
end

-- Records, per source (field group), the newest event time applied and when it was written:
-- readers and the sweeper judge freshness from these two fields. After read_profile(source).
local function touch_source(source)
  if event_time > read_newest then
    put('src:' .. source .. ':event_at', event_time)
  end
  put('src:' .. source .. ':written_at', now)
end

-- Writes what put() gathered and the next version (read_profile() read the current one).
local function applied_result(late)
  local next_version = read_version + 1
  put('version', next_version)
  redis.call('HSET', profile, unpack(pending))
  return {'applied', next_version, late and 1 or 0}
end

local function stale_result(late)
  return {'stale', version(), late and 1 or 0}
end
