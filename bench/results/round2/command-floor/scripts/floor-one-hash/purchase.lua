-- A purchase: one HMGET (the tombstone, totals, affinities, recent SKUs, journal, the live cart),
-- one HSET (the journal entry and the recent SKUs as fields).
local n = tonumber(ARGV[ARG + 4])
local skus_from = ARG + 5 + 3 * n
local cart_id = ARGV[ARG + 3]
local names = {'version', 'src:purchase:event_at', 'erased:event_at', 'purchase:count', 'purchase:spend_minor',
  'purchase:last_at', 'purchase:last_order', 'purchase:recent_skus', 'purchase:journal'}
local fields = {'purchase:count', '1', 'purchase:spend_minor', ARGV[ARG + 1], 'purchase:last_at', event_time, 'purchase:last_order', ARGV[ARG],
  'purchase:recent_skus', table.concat(ARGV, ' ' .. event_time .. ',', skus_from),
  'purchase:journal', event_time .. '|' .. dedup_key .. '|["' .. table.concat(ARGV, '","', ARG) .. '"]'}
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
  cart_write(fields, 'CONVERTED', cart_id, '', '', 0, 0)
end
return write_profile(fields, 'purchase')
