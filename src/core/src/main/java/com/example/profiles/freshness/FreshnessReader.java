package com.example.profiles.freshness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.example.profiles.store.Deadline;
import com.example.profiles.store.Generation;
import com.example.profiles.store.PipelinedRedis;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;

/**
 * Reads, without changing anything, how fresh each source's data is now, from what every instance
 * wrote to Redis: the freshness indexes (how many profiles hold the source's data, how many of
 * them are stale, the oldest), the newest event ({@link LagWindows#LAST_EVENT_KEY}) and the lag
 * counts of the alert window ({@link LagWindows#lagKey}). Stale means what the stale-share alert
 * counts (FreshnessAlerts): an event time before {@code now - stale-after}. All commands are sent
 * at once over the pipelined connection, each with the caller's deadline: per source, three per
 * shard and two more.
 */
@ApplicationScoped
public class FreshnessReader {

    /**
     * One source as read now.
     *
     * @param oldestEventAt the oldest event time any profile holds for the source (epoch ms), null if none does
     * @param newestEventAt the newest event of the source any instance applied (epoch ms), null if none is recorded
     * @param windowEvents events applied within the alert window (every instance's, as flushed to Redis)
     * @param windowOverThreshold how many of them took longer than {@code lagP99Threshold}
     */
    public record SourceReading(String source, long profiles, long stale, double staleShareThreshold, Duration staleAfter, Long oldestEventAt,
            Long newestEventAt, long windowEvents, long windowOverThreshold, Duration lagP99Threshold, Duration alertWindow) {

        /** Stale profiles over all that hold the source's data; 0 when none does. */
        public double staleShare() {
            return profiles == 0 ? 0 : (double) stale / profiles;
        }
    }

    private final PipelinedRedis redis;
    private final FreshnessSettings settings;

    public FreshnessReader(PipelinedRedis redis, FreshnessSettings settings) {
        this.redis = redis;
        this.settings = settings;
    }

    /**
     * Every configured source of the generation readers are served from, in {@link FreshnessIndex#SOURCES}
     * order. Fails if Redis does not answer by {@code deadline}.
     */
    public Uni<List<SourceReading>> read(Generation serving, long now, Deadline deadline) {
        List<Uni<SourceReading>> sources = new ArrayList<>();
        for (String source : FreshnessIndex.SOURCES) {
            FreshnessSettings.Source config = settings.sources().get(source);
            if (config != null) {
                sources.add(read(serving, source, config, now, deadline));
            }
        }
        return Uni.join().all(sources).andCollectFailures();
    }

    private Uni<SourceReading> read(Generation serving, String source, FreshnessSettings.Source config, long now, Deadline deadline) {
        int shards = settings.shards();
        String staleBefore = "(" + (now - config.staleAfter().toMillis());
        List<Uni<Response>> commands = new ArrayList<>(3 * shards + 2);
        for (int shard = 0; shard < shards; shard++) {
            String key = FreshnessIndex.indexKey(serving, source, shard);
            commands.add(redis.send(Request.cmd(Command.ZCARD).arg(key), deadline));
            commands.add(redis.send(Request.cmd(Command.ZCOUNT).arg(key).arg("-inf").arg(staleBefore), deadline));
            commands.add(redis.send(Request.cmd(Command.ZRANGE).arg(key).arg(0).arg(0).arg("WITHSCORES"), deadline));
        }
        commands.add(redis.send(Request.cmd(Command.ZSCORE).arg(LagWindows.LAST_EVENT_KEY).arg(source), deadline));
        commands.add(redis.send(Request.cmd(Command.HGETALL).arg(LagWindows.lagKey(source)), deadline));
        Duration window = settings.alertWindow();
        return Uni.join().all(commands).andCollectFailures().map(replies -> {
            long profiles = 0;
            long stale = 0;
            Long oldest = null;
            for (int shard = 0; shard < shards; shard++) {
                profiles += replies.get(3 * shard).toLong();
                stale += replies.get(3 * shard + 1).toLong();
                Long first = lowestScore(replies.get(3 * shard + 2));
                if (first != null && (oldest == null || first < oldest)) {
                    oldest = first;
                }
            }
            Response newest = replies.get(3 * shards);
            Long newestEventAt = newest == null ? null : (long) Double.parseDouble(newest.toString());
            long[] lag = LagWindows.countsSince(hash(replies.get(3 * shards + 1)), (now - window.toMillis()) / LagWindows.MINUTE);
            return new SourceReading(source, profiles, stale, config.staleShareThreshold(), config.staleAfter(), oldest, newestEventAt, lag[0],
                    lag[1], config.lagP99Threshold(), window);
        });
    }

    /** The score of a {@code ZRANGE key 0 0 WITHSCORES} reply (a flat pair in RESP2, a nested one in RESP3), null if the set is empty. */
    private static Long lowestScore(Response reply) {
        if (reply == null || reply.size() == 0) {
            return null;
        }
        Response first = reply.get(0);
        Response score = first.type() == ResponseType.MULTI ? first.get(1) : reply.get(1);
        return (long) Double.parseDouble(score.toString());
    }

    private static Map<String, String> hash(Response reply) {
        Map<String, String> fields = new java.util.HashMap<>();
        if (reply != null) {
            for (String key : reply.getKeys()) {
                fields.put(key, reply.get(key).toString());
            }
        }
        return fields;
    }
}
