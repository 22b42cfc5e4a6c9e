-- Moves the generation pointer (KEYS[1], a hash) one step, only from the version the caller read:
-- two rebuilds, or a rebuild and an operator, can never both move it. ARGV[1] the expected version
-- (0 for a pointer not written yet), ARGV[2..] the new state's fields and values, version included.
-- Answers 1 when moved, 0 when the pointer was at another version.
local version = redis.call('HGET', KEYS[1], 'version') or '0'
if version ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return 1
