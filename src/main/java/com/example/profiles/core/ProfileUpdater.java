package com.example.profiles.core;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.example.profiles.core.ApplyResult.Status;

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
    private final EventClock clock;
    private final ProfileMetrics metrics;
    private final String retentionMillis;
    private final String latenessMillis;

    public ProfileUpdater(ProfileStore store, EventClock clock, ProfileMetrics metrics, ProfileSettings settings) {
        this.store = store;
        this.clock = clock;
        this.metrics = metrics;
        this.retentionMillis = Long.toString(settings.dedupRetention().toMillis());
        this.latenessMillis = Long.toString(settings.lateness().toMillis());
    }

    public Uni<ApplyResult> apply(ProfileUpdate update, EventMeta meta) {
        List<String> args = new ArrayList<>(5 + update.args().size());
        args.add(meta.dedupKey());
        args.add(Long.toString(clock.nowMillis()));
        args.add(retentionMillis);
        args.add(Long.toString(update.eventTimeMillis()));
        args.add(latenessMillis);
        args.addAll(update.args());
        return store.run(update.script(), ProfileKeys.all(update.userId()), args)
                .map(reply -> result(update, meta, reply));
    }

    /** The scripts answer {status, version, late (0/1)}. */
    private ApplyResult result(ProfileUpdate update, EventMeta meta, Response reply) {
        Status status = Status.valueOf(reply.get(0).toString().toUpperCase(java.util.Locale.ROOT));
        long version = reply.get(1).toLong();
        boolean late = reply.get(2).toInteger() == 1;
        long lag = 0;
        if (status == Status.APPLIED) {
            lag = Math.max(0, clock.nowMillis() - update.eventTimeMillis());
            metrics.freshnessLag(update.source(), lag);
        }
        return new ApplyResult(update.userId(), meta.id(), status, status == Status.DUPLICATE, late, version, lag);
    }
}
