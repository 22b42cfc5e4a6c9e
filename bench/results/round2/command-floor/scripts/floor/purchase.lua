-- A purchase's commands (see update-prelude.lua): the erasure check, the one HMGET (totals, the
-- categories' affinities, the live cart), the cart log when the order names a cart, the recent
-- SKUs and their trim, the applied-event record, the cart's log entry, the journal entry and its
-- trim, the one HSET.
redis.call('HGET', erased_key, 'event_at')
local n = tonumber(ARGV[ARG + 4])
local skus_from = ARG + 5 + 3 * n
local cart_id = ARGV[ARG + 3]
local names = {'version', 'src:purchase:event_at', 'purchase:count', 'purchase:spend_minor', 'purchase:last_at', 'purchase:last_order'}
local fields = {'purchase:count', '1', 'purchase:spend_minor', ARGV[ARG + 1], 'purchase:last_at', event_time, 'purchase:last_order', ARGV[ARG]}
for i = ARG + 5, skus_from - 1, 3 do
  names[#names + 1] = 'affinity:' .. ARGV[i] .. ':count'
  names[#names + 1] = 'affinity:' .. ARGV[i] .. ':spend_minor'
  fields[#fields + 1] = 'affinity:' .. ARGV[i] .. ':count'
  fields[#fields + 1] = ARGV[i + 1]
  fields[#fields + 1] = 'affinity:' .. ARGV[i] .. ':spend_minor'
  fields[#fields + 1] = ARGV[i + 2]
end
if cart_id ~= '' then
  for i = 1, #CART_FIELDS do
    names[#names + 1] = CART_FIELDS[i]
  end
end
redis.call('HMGET', profile, unpack(names))
if cart_id ~= '' then
  redis.call('ZRANGE', cart_log, 0, -1, 'WITHSCORES')
end
local skus = {'ZADD', KEYS[3], 'GT'}
for j = skus_from, #ARGV do
  skus[#skus + 1] = event_time
  skus[#skus + 1] = ARGV[j]
end
if #skus > 3 then
  redis.call(unpack(skus))
  redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(tonumber(ARGV[ARG + 2]) + 1))
end
remember_event()
if cart_id ~= '' then
  cart_write(fields, 'CONVERTED', cart_id, '', '', 0, 0)
end
redis.call('ZADD', journal, event_time, dedup_key .. '|["' .. table.concat(ARGV, '","', ARG) .. '"]')
redis.call('ZREMRANGEBYSCORE', journal, '-inf', '(' .. (event_time - ARGV[5]))
return write_profile(fields, 'purchase')
