-- Customer attributes older than their refresh interval are due for a batch refresh (after
-- sweep-prelude.lua). The interval is shorter for a shopper active recently: their attributes
-- matter now. The caller publishes the refresh request between a 'check' and a 'mark' call, so a
-- sweep that dies in between asks again next time (with the same request id) instead of never.
-- ARGV[ARG] refresh-after   [ARG+1] active refresh-after   [ARG+2] active window   [ARG+3] retry
-- [ARG+4] mode: check | mark
-- Answers {decision, a time}: nothing | not-due (when due) | pending (when to ask again)
-- | due (the attributes' event time) | marked (when to ask again).
if redis.call('HEXISTS', profile, 'customer:position') == 0 then
  return {'nothing', 0}
end
local changed = number_field('src:customer:event_at')
local active = newest_event() >= now - tonumber(ARGV[ARG + 2])
local interval = tonumber(active and ARGV[ARG + 1] or ARGV[ARG])
if changed > now - interval then
  return {'not-due', changed + interval}
end
local retry = tonumber(ARGV[ARG + 3])
local requested = number_field('src:customer:refresh_requested_at')
if requested >= changed and requested > now - retry then
  return {'pending', requested + retry}
end
if ARGV[ARG + 4] == 'mark' then
  redis.call('HSET', profile, 'src:customer:refresh_requested_at', now)
  return {'marked', now + retry}
end
return {'due', changed}
