-- A consistent snapshot of one profile while a rebuild switches generations (GenerationState):
-- KEYS[1], KEYS[2] the current generation's profile hash and recent SKUs, KEYS[3], KEYS[4] the
-- next generation's. ARGV[1] 'current' (DUAL: the current one serves, unless a reader of the next
-- one already retired it for this user) or 'next' (SWITCHED: the next one serves, and the current
-- copy is marked retired, so no reader still in DUAL goes back to it). All four keys are the
-- user's, in one slot: the choice and the read are one atomic step.
if ARGV[1] == 'current' and redis.call('HEXISTS', KEYS[1], 'generation:retired') == 0 then
  return {redis.call('HGETALL', KEYS[1]), redis.call('ZREVRANGE', KEYS[2], 0, -1, 'WITHSCORES')}
end
if ARGV[1] == 'next' and redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'generation:retired', '1')
end
return {redis.call('HGETALL', KEYS[3]), redis.call('ZREVRANGE', KEYS[4], 0, -1, 'WITHSCORES')}
