package com.example.profiles.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Applies a normalized update: runs its script with the shared prelude's arguments (dedup key,
 * now, dedup retention, event time) and records freshness for what was really applied.
 */
@ApplicationScoped
public class ProfileUpdater {

    private final ProfileStore store;
    private final EventClock clock;
    private final ProfileMetrics metrics;
    private final String retentionMillis;

    public ProfileUpdater(ProfileStore store, EventClock clock, ProfileMetrics metrics, ProfileSettings settings) {
        this.store = store;
        this.clock = clock;
        this.metrics = metrics;
        Duration retention = settings.dedupRetention();
        this.retentionMillis = Long.toString(retention.toMillis());
    }

    public Uni<ApplyResult> apply(ProfileUpdate update, EventMeta meta) {
        List<String> args = new ArrayList<>(4 + update.args().size());
        args.add(meta.dedupKey());
        args.add(Long.toString(clock.nowMillis()));
        args.add(retentionMillis);
        args.add(Long.toString(update.eventTimeMillis()));
        args.addAll(update.args());
        return store.run(update.script(), ProfileKeys.all(update.userId()), args)
                .map(reply -> result(update, meta, reply));
    }

    private ApplyResult result(ProfileUpdate update, EventMeta meta, Response reply) {
        boolean duplicate = "duplicate".equals(reply.get(0).toString());
        long version = reply.get(1).toLong();
        long lag = 0;
        if (!duplicate) {
            lag = clock.nowMillis() - update.eventTimeMillis();
            metrics.freshnessLag(update.source(), lag);
        }
        return new ApplyResult(update.userId(), meta.id(), duplicate, version, Math.max(0, lag));
    }
}
