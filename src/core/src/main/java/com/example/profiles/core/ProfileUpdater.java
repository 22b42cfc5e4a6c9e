package com.example.profiles.core;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.example.profiles.core.ApplyResult.Status;
import com.example.profiles.freshness.FreshnessIndex;
import com.example.profiles.freshness.IndexBatch;
import com.example.profiles.freshness.LagWindows;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Applies a normalized update: runs its script with the shared prelude's arguments (dedup key,
 * now, dedup retention, event time, lateness bound) and records freshness for what was really
 * applied.
 */
@ApplicationScoped
public class ProfileUpdater {

    private final ProfileStore store;
    private final FreshnessIndex freshness;
    private final LagWindows lagWindows;
    private final EventClock clock;
    private final ProfileMetrics metrics;
    private final String retentionMillis;
    private final String latenessMillis;

    public ProfileUpdater(ProfileStore store, EventClock clock, ProfileMetrics metrics, ProfileSettings settings, FreshnessIndex freshness,
            LagWindows lagWindows) {
        this.store = store;
        this.freshness = freshness;
        this.lagWindows = lagWindows;
        this.clock = clock;
        this.metrics = metrics;
        this.retentionMillis = Long.toString(settings.dedupRetention().toMillis());
        this.latenessMillis = Long.toString(settings.lateness().toMillis());
    }

    public Uni<ApplyResult> apply(ProfileUpdate update, EventMeta meta) {
        return apply(update, meta, null);
    }

    /**
     * @param batch where to gather the freshness-index updates (a Kafka batch sends them once all its
     *        records are applied), or null to send them right after the script
     */
    public Uni<ApplyResult> apply(ProfileUpdate update, EventMeta meta, IndexBatch batch) {
        List<String> args = new ArrayList<>(5 + update.args().size());
        args.add(meta.dedupKey());
        args.add(Long.toString(clock.nowMillis()));
        args.add(retentionMillis);
        args.add(Long.toString(update.eventTimeMillis()));
        args.add(latenessMillis);
        args.addAll(update.args());
        return store.run(update.script(), ProfileKeys.all(update.userId()), args)
                .map(reply -> result(update, meta, reply))
                .call(result -> index(update, result, batch));
    }

    /**
     * Keeps the freshness index and due queues in step (they live outside the user's slot, so not
     * in the script). A duplicate repeats the index update: if it failed the first time, the retry
     * that finds a duplicate repairs it. A stale event changes nothing, and must not put an erased
     * user back in any index.
     */
    private Uni<Void> index(ProfileUpdate update, ApplyResult result, IndexBatch batch) {
        if (batch != null) {
            switch (result.status()) {
                case APPLIED, DUPLICATE -> freshness.recordApplied(update.userId(), update.source(), update.eventTimeMillis(), batch);
                case ERASED -> freshness.forget(update.userId(), batch);
                default -> {
                }
            }
            return Uni.createFrom().voidItem();
        }
        return switch (result.status()) {
            case APPLIED, DUPLICATE -> freshness.recordApplied(update.userId(), update.source(), update.eventTimeMillis());
            case ERASED -> freshness.forget(update.userId());
            default -> Uni.createFrom().voidItem();
        };
    }

    /** The scripts answer {status, version, late (0/1)}. */
    private ApplyResult result(ProfileUpdate update, EventMeta meta, Response reply) {
        Status status = Status.valueOf(reply.get(0).toString().toUpperCase(java.util.Locale.ROOT));
        long version = reply.get(1).toLong();
        boolean late = reply.get(2).toInteger() == 1;
        long lag = 0;
        if (status == Status.APPLIED) {
            long written = clock.nowMillis();
            lag = Math.max(0, written - update.eventTimeMillis());
            metrics.freshnessLag(update.source(), lag);
            lagWindows.record(update.source(), update.eventTimeMillis(), lag, written);
        }
        return new ApplyResult(update.userId(), meta.id(), status, status == Status.DUPLICATE, late, version, lag);
    }
}
