-- A consistent snapshot of one profile: the hash and the recent SKUs with their times.
-- KEYS as in update-prelude.lua.
return {redis.call('HGETALL', KEYS[1]), redis.call('ZREVRANGE', KEYS[3], 0, -1, 'WITHSCORES')}
