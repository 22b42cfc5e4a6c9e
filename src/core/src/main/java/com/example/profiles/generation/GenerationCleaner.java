package com.example.profiles.generation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.example.profiles.freshness.FreshnessIndex;
import com.example.profiles.store.Generation;
import com.example.profiles.store.ProfileKeys;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.sortedset.ZScanCursor;

/**
 * Removes a generation no reader or writer uses any more. Every profile with data is in its
 * generation's profile-expiry queue and in the freshness index of each source it holds, so walking
 * those (ZSCAN, shard by shard) finds every user, whose keys are removed together (one slot); then
 * the indexes and queues go. What is left are keys that expire by themselves (an erased user's
 * tombstone, an applied-events set). No SCAN of the keyspace: it works the same on a Redis Cluster.
 */
@ApplicationScoped
public class GenerationCleaner {

    private static final Logger LOG = Logger.getLogger(GenerationCleaner.class);

    private final RedisDataSource redis;
    private final FreshnessIndex index;

    public GenerationCleaner(RedisDataSource redis, FreshnessIndex index) {
        this.redis = redis;
        this.index = index;
    }

    /** How far a removal went: the users whose keys it removed, and whether the generation is gone. */
    public record Removal(long users, boolean complete) {
    }

    /**
     * @param usersPerSecond at most this many users' keys removed per second, so the removal never
     *        takes the Redis time the live path needs
     * @param stop asked between users: true stops the removal there (a time budget spent); a new
     *        removal goes on without walking again what was done, as each index or queue goes once
     *        it has been walked
     */
    public Removal remove(Generation generation, int usersPerSecond, BooleanSupplier stop) {
        List<String> walked = new ArrayList<>();
        for (int shard = 0; shard < index.shards(); shard++) {
            walked.add(FreshnessIndex.queueKey(generation, FreshnessIndex.PROFILE_EXPIRE, shard));
            for (String source : FreshnessIndex.SOURCES) {
                walked.add(FreshnessIndex.indexKey(generation, source, shard));
            }
        }
        long removed = 0;
        long started = System.nanoTime();
        for (String key : walked) {
            ZScanCursor<String> cursor = redis.sortedSet(String.class).zscan(key);
            while (cursor.hasNext()) {
                for (var entry : cursor.next()) {
                    if (stop.getAsBoolean()) {
                        LOG.infof("Removing %s stopped after %d users' profiles; a new removal goes on", generation, removed);
                        return new Removal(removed, false);
                    }
                    redis.key().unlink(ProfileKeys.all(generation, entry.value()).toArray(String[]::new));
                    removed++;
                    pace(removed, started, usersPerSecond);
                }
            }
            redis.key().unlink(key);
        }
        for (int shard = 0; shard < index.shards(); shard++) {
            for (String queue : FreshnessIndex.QUEUES) {
                redis.key().unlink(FreshnessIndex.queueKey(generation, queue, shard));
            }
        }
        LOG.infof("Removed %s: %d users' profiles, its indexes and queues", generation, removed);
        return new Removal(removed, true);
    }

    private static void pace(long done, long startedNanos, int perSecond) {
        long due = startedNanos + done * 1_000_000_000L / Math.max(1, perSecond);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }
    }
}
