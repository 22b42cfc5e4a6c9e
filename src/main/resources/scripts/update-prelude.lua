-- Shared head of every profile update script. ProfileScript.update() puts it in front of the
-- function's own script, so the idempotency record and the state change commit together: Redis
-- runs the whole script atomically, or (on error before any write) not at all.
--
-- KEYS[1] profile hash          profile:{userId}
-- KEYS[2] applied events        profile:{userId}:applied      (zset: dedup key -> applied at, ms)
-- KEYS[3] recently bought SKUs  profile:{userId}:recent-skus  (zset: sku -> purchase time, ms)
-- ARGV[1] dedup key (hash of CloudEvent source + id)   ARGV[2] now (ms)
-- ARGV[3] dedup retention (ms)                         ARGV[4] event time (ms)
-- ARGV[5..] the function script's own arguments
local profile, applied = KEYS[1], KEYS[2]
local dedup_key = ARGV[1]
local now = tonumber(ARGV[2])
local retention = tonumber(ARGV[3])
local event_time = tonumber(ARGV[4])

if redis.call('ZSCORE', applied, dedup_key) then
  -- A re-delivery: change nothing, report the current version.
  return {'duplicate', tonumber(redis.call('HGET', profile, 'version') or '0')}
end
-- Forget ids older than the retention window, so the index stays bounded per user.
redis.call('ZREMRANGEBYSCORE', applied, '-inf', now - retention)
redis.call('ZADD', applied, now, dedup_key)
redis.call('PEXPIRE', applied, retention)

-- Records, per source (field group), the newest event time applied and when it was written:
-- readers and the sweeper judge freshness from these two fields.
local function touch_source(source)
  local event_field = 'src:' .. source .. ':event_at'
  local previous = tonumber(redis.call('HGET', profile, event_field) or '-1')
  if event_time > previous then
    redis.call('HSET', profile, event_field, event_time)
  end
  redis.call('HSET', profile, 'src:' .. source .. ':written_at', now)
end

local function applied_version()
  return {'applied', redis.call('HINCRBY', profile, 'version', 1)}
end
