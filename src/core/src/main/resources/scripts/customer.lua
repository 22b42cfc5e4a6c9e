-- A change of the customer row (Debezium), after update-prelude.lua, cart-lib.lua and erasure-lib.lua.
-- Changes are ordered by their position in the database log (lsn, then transaction id), passed
-- as one zero-padded string so that plain string comparison orders them and no precision is lost.
-- ARGV[ARG] op (c, u, r, d)   [ARG+1] position
-- [ARG+2] n, then n (attribute, value) pairs to set   then m, then m attributes to remove (null
-- columns, values too long to keep)   then the attributes the change leaves unchanged (Debezium's
-- placeholder for a TOASTed value it could not read).
-- Every read and check comes before the first write (see update-prelude.lua).
local op = ARGV[ARG]
local position = ARGV[ARG + 1]

local erased_position = redis.call('HGET', erased_key, 'position')
if erased_position and position <= erased_position then
  if op == 'd' and position == erased_position then
    return erasure_repeated()
  end
  return stale_result(false)
end
if op == 'd' then
  return erase(position)
end

local n = tonumber(ARGV[ARG + 2])
local set = {}
for i = ARG + 3, ARG + 2 + 2 * n, 2 do
  set[#set + 1] = 'customer:' .. ARGV[i]
  set[#set + 1] = ARGV[i + 1]
end
local m_at = ARG + 3 + 2 * n
local m = tonumber(ARGV[m_at])
local removed = {}
for i = m_at + 1, m_at + m do
  removed[#removed + 1] = 'customer:' .. ARGV[i]
end
local unchanged_from = m_at + m + 1

local late, stored = read_profile('customer', {'customer:position', 'customer:kept'})
local current = stored['customer:position']
local kept = customer_kept(stored['customer:kept'])

-- Fields to delete, in one HDEL before the one HSET of applied_result().
local deleted = {}
local function save_kept()
  if next(kept) then
    put('customer:kept', cjson.encode(kept))
  elseif stored['customer:kept'] then
    deleted[#deleted + 1] = 'customer:kept'
  end
end
local function delete_fields()
  if #deleted > 0 then
    redis.call('HDEL', profile, unpack(deleted))
  end
end

if current and position <= current then
  -- An older (or the same) change than the one applied. Its values are older than the stored ones,
  -- except for columns the newer changes left unchanged whose stored value is older still: those
  -- take its value, so the result does not depend on the arrival order.
  remember_event()
  local changed = false
  for i = 1, #set, 2 do
    local column = string.sub(set[i], 10)
    if kept[column] and kept[column] < position then
      put(set[i], set[i + 1])
      kept[column] = position
      changed = true
    end
  end
  for _, field in ipairs(removed) do
    local column = string.sub(field, 10)
    if kept[column] and kept[column] < position then
      deleted[#deleted + 1] = field
      kept[column] = position
      changed = true
    end
  end
  if not changed then
    return stale_result(false)
  end
  save_kept()
  put('src:customer:written_at', now)
  delete_fields()
  return applied_result(false)
end

remember_event()
for i = 1, #set, 2 do
  put(set[i], set[i + 1])
end
for _, field in ipairs(removed) do
  deleted[#deleted + 1] = field
end
if next(kept) or unchanged_from <= #ARGV then
  for i = 1, #set, 2 do
    kept[string.sub(set[i], 10)] = nil
  end
  for _, field in ipairs(removed) do
    kept[string.sub(field, 10)] = nil
  end
  -- A column left unchanged keeps its value, which is as old as the change that wrote it.
  for i = unchanged_from, #ARGV do
    if not kept[ARGV[i]] then
      kept[ARGV[i]] = current or erased_position or ''
    end
  end
  save_kept()
end
put('customer:position', position)
put('customer:op', op)
touch_source('customer')
delete_fields()
return applied_result(late)
