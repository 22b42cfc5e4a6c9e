#!/usr/bin/env bash
# The two micro-measurements behind BENCHMARKS.md's "command floor" section, on a scratch
# redis-server (port 6391) with redis-benchmark, 300,000 calls from 50 clients over 1,000,000 keys:
#  1. EVALSHA of a script that only returns, and of one that sends five commands (the cart's
#     duplicate check, HMGET, ZADD, PEXPIRE, HSET) and nothing else, both with the cart call's 6
#     keys and 14 arguments: the call's own cost, and each redis.call's beyond its command.
#  2. ZADD of a 30-byte and of a 160-byte member into one-entry sorted sets: time and memory of
#     the listpack against the skiplist encoding (zset-max-listpack-value is 64).
# Run it alone on the machine (on a shared one, under its lock): bash micro.sh
set -euo pipefail
dir=$(mktemp -d)
trap 'redis-cli -p 6391 shutdown nosave >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
redis-server --port 6391 --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --dir "$dir" --logfile "$dir/redis.log"
sleep 0.5
cat > "$dir/five.lua" <<'LUA'
if redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 0 end
redis.call('HMGET', KEYS[1], 'version','src:cart:event_at','cart:base','cart:id','cart:status','cart:order','cart:lines','cart:value_minor','cart:items','cart:updated_at')
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], 3600000)
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'src:cart:event_at', ARGV[2], 'src:cart:written_at', ARGV[2], 'cart:id', 'c1', 'cart:status','active', 'cart:lines', '{"SHOE-1":{"q":1,"p":5990,"c":"shoes"}}', 'cart:value_minor','5990','cart:items','1','cart:updated_at',ARGV[2])
return 1
LUA
echo 'return 1' > "$dir/empty.lua"
for pass in 1 2; do
  for script in empty five; do
    sha=$(redis-cli -p 6391 SCRIPT LOAD "$(cat "$dir/$script.lua")")
    redis-cli -p 6391 FLUSHALL >/dev/null
    redis-cli -p 6391 CONFIG RESETSTAT >/dev/null
    redis-benchmark -p 6391 -q -r 1000000 -n 300000 -c 50 EVALSHA "$sha" 6 'p:{__rand_int__}' 'p:{__rand_int__}:a' k3 k4 k5 k6 \
      __rand_int__ 1700000000000 3600000 1700000000000 120000 9007199254740991 100000000 1000 ITEM_ADDED c1 SHOE-1 shoes 1 5990 >/dev/null
    echo "== pass $pass, script '$script'"
    redis-cli -p 6391 INFO commandstats | grep -E 'cmdstat_(evalsha|zscore|hmget|zadd|pexpire|hset):' | cut -d, -f1-3
  done
done
short=$(printf 'm%.0s' {1..24}); long=$(printf 'm%.0s' {1..154})
for pass in 1 2; do
  for member in short long; do
    value=${!member}
    redis-cli -p 6391 FLUSHALL >/dev/null
    redis-cli -p 6391 CONFIG RESETSTAT >/dev/null
    redis-benchmark -p 6391 -q -r 1000000 -n 300000 -c 50 ZADD 'z:{__rand_int__}' 1700000000000 "__rand_int__$value" >/dev/null
    echo "== pass $pass, ZADD of a $member member ($(( ${#value} + 12 )) bytes): $(redis-cli -p 6391 INFO commandstats | grep cmdstat_zadd: | cut -d, -f3)," \
      "$(redis-cli -p 6391 DBSIZE) keys, $(redis-cli -p 6391 INFO memory | grep '^used_memory:' | tr -d '\r'), encoding $(redis-cli -p 6391 OBJECT ENCODING "$(redis-cli -p 6391 RANDOMKEY)")"
  done
done
