-- Releases the sweeper's lease only if this run still holds it (it may have expired and been
-- taken by another run). KEYS[1] the lease   ARGV[1] this run's id
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
