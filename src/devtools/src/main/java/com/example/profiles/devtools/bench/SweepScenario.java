package com.example.profiles.devtools.bench;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

import com.example.profiles.devtools.bench.LoadStream.Kind;
import com.example.profiles.freshness.FreshnessIndex;

/**
 * The sweep over a million profiles (-Dbench.sweep-profiles): Redis filled as the cart function
 * and the freshness index would fill it, with a share of carts past abandon-after
 * (-Dbench.sweep-stale-share), then one scheduler tick over HTTP, timed.
 */
final class SweepScenario {

    private static final int SHARDS = 16;

    private final BenchRecord record;
    private final AppUnderTest app;
    private final RedisSide redis;

    SweepScenario(BenchRecord record, AppUnderTest app, RedisSide redis) {
        this.record = record;
        this.app = app;
        this.redis = redis;
    }

    void run() throws Exception {
        record.phase("sweep");
        int profiles = Integer.getInteger("bench.sweep-profiles", 1_000_000);
        double staleShare = Double.parseDouble(System.getProperty("bench.sweep-stale-share", "0.01"));
        redis.call("SCRIPT", "LOAD", ScriptCalls.script(Kind.CART).source());
        Iterable<List<String>> population = population(profiles, staleShare, System.currentTimeMillis());
        long t0 = System.nanoTime();
        AtomicReference<String> firstError = new AtomicReference<>();
        long errors = redis.pipeline(population, 2_000, firstError);
        double populateSeconds = (System.nanoTime() - t0) / 1e9;
        record.say("populated %d profiles (%.0f%% stale carts) in %.1f s, %d errors %s", profiles, staleShare * 100, populateSeconds, errors,
                firstError.get() == null ? "" : firstError.get());
        long due = 0;
        for (int shard = 0; shard < SHARDS; shard++) {
            due += Long.parseLong(redis.call("ZCOUNT", FreshnessIndex.queueKey(FreshnessIndex.CART_ABANDON, shard), "-inf",
                    Long.toString(System.currentTimeMillis())));
        }
        HttpRequest tick = HttpRequest.newBuilder(app.uri("/")).timeout(Duration.ofMinutes(5))
                .header("ce-specversion", "1.0").header("ce-id", "bench-tick-" + UUID.randomUUID()).header("ce-source", "/bench/ping")
                .header("ce-type", "dev.knative.sources.ping").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        long sweepStart = System.nanoTime();
        HttpResponse<String> answer = app.send(tick);
        double wall = (System.nanoTime() - sweepStart) / 1e6;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("profiles", profiles);
        r.put("staleShare", staleShare);
        r.put("populateSeconds", Report.round(populateSeconds));
        r.put("populateErrors", errors);
        r.put("dueBeforeSweep", due);
        r.put("httpStatus", answer.statusCode());
        r.put("answer", answer.statusCode() == 200 ? Report.JSON.readTree(answer.body()) : answer.body());
        r.put("wallMillis", Math.round(wall));
        r.put("redisUsedMemory", redis.info("memory", "used_memory_human"));
        record.put("sweep", r);
        record.say("sweep: %s", r);
    }

    /**
     * Per chunk of 1,000 users: the cart script's call for each (the cart function's own), then the
     * index updates FreshnessIndex.recordApplied makes for a cart event, one ZADD GT per key with the
     * chunk's members (the same entries, fewer commands). 1 in 1/staleShare carts was last touched
     * 31-60 minutes ago, past abandon-after (30 min).
     */
    private static Iterable<List<String>> population(int profiles, double staleShare, long now) {
        ScriptCalls calls = new ScriptCalls();
        long abandonAfter = Duration.ofMinutes(30).toMillis();
        long expireAfter = Duration.ofDays(90).toMillis();
        Random random = new Random(11);
        int staleEvery = (int) Math.round(1 / staleShare);
        int chunk = 1_000;
        return () -> new Iterator<>() {
            int user = 0;
            final ArrayDeque<List<String>> pending = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                return !pending.isEmpty() || user < profiles;
            }

            @Override
            public List<String> next() {
                if (pending.isEmpty()) {
                    Map<String, List<String>> zadds = new LinkedHashMap<>();
                    for (int n = 0; n < chunk && user < profiles; n++, user++) {
                        String id = "sweep-" + user;
                        boolean stale = user % staleEvery == 0;
                        long eventTime = stale ? now - Duration.ofMinutes(31).toMillis() - random.nextInt(29 * 60_000)
                                : now - random.nextInt(20 * 60_000);
                        try {
                            pending.add(calls.sample(Kind.CART, id, "sweep-dedup-" + id, eventTime, now));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        int shard = shard(id);
                        zadd(zadds, FreshnessIndex.indexKey("cart", shard), eventTime, id);
                        zadd(zadds, FreshnessIndex.queueKey(FreshnessIndex.PROFILE_EXPIRE, shard), eventTime + expireAfter, id);
                        zadd(zadds, FreshnessIndex.queueKey(FreshnessIndex.CART_ABANDON, shard), eventTime + abandonAfter, id);
                    }
                    pending.addAll(zadds.values());
                }
                return pending.poll();
            }
        };
    }

    private static void zadd(Map<String, List<String>> zadds, String key, long score, String member) {
        List<String> command = zadds.computeIfAbsent(key, k -> new ArrayList<>(List.of("ZADD", k, "GT")));
        command.add(Long.toString(score));
        command.add(member);
    }

    /** The freshness index's shard of a user, as FreshnessIndex computes it. */
    private static int shard(String userId) {
        CRC32 crc = new CRC32();
        crc.update(userId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % SHARDS);
    }
}
