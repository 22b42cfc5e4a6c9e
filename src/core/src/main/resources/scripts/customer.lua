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

-- The change's columns: those it sets (profile field, value, ...), those it removes (profile
-- fields), and where the names of those it leaves unchanged start in ARGV.
local function parsed_change()
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
  return set, removed, m_at + m + 1
end
local set, removed, unchanged_from = parsed_change()

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

-- Whether an older change's value of a column is newer than the stored one: true for a column the
-- newer changes left unchanged whose stored value is older still (it becomes this change's).
local function brings_newer_value(field)
  local column = string.sub(field, 10)
  if kept[column] and kept[column] < position then
    kept[column] = position
    return true
  end
  return false
end

-- Takes what an older change still brings (brings_newer_value); answers whether it brought any.
local function take_older_values()
  local changed = false
  for i = 1, #set, 2 do
    if brings_newer_value(set[i]) then
      put(set[i], set[i + 1])
      changed = true
    end
  end
  for _, field in ipairs(removed) do
    if brings_newer_value(field) then
      deleted[#deleted + 1] = field
      changed = true
    end
  end
  return changed
end

-- The columns this change sets or removes are current; a column it leaves unchanged keeps its
-- value, which is as old as the change that wrote it.
local function track_unchanged_columns()
  for i = 1, #set, 2 do
    kept[string.sub(set[i], 10)] = nil
  end
  for _, field in ipairs(removed) do
    kept[string.sub(field, 10)] = nil
  end
  for i = unchanged_from, #ARGV do
    if not kept[ARGV[i]] then
      kept[ARGV[i]] = current or erased_position or ''
    end
  end
  save_kept()
end

if current and position <= current then
  -- An older (or the same) change than the one applied: stale, except for the values it still
  -- brings (take_older_values), so that the result does not depend on the arrival order.
  remember_event()
  if not take_older_values() then
    return stale_result(false)
  end
  save_kept()
  put('src:customer:written_at', now)
  delete_fields()
  return applied_result(false)
end

-- A newer change: its values replace the stored ones.
remember_event()
for i = 1, #set, 2 do
  put(set[i], set[i + 1])
end
for _, field in ipairs(removed) do
  deleted[#deleted + 1] = field
end
if next(kept) or unchanged_from <= #ARGV then
  track_unchanged_columns()
end
put('customer:position', position)
put('customer:op', op)
touch_source('customer')
delete_fields()
return applied_result(late)
