package com.example.profiles.core;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.example.profiles.core.ApplyResult.Status;
import com.example.profiles.freshness.FreshnessIndex;
import com.example.profiles.freshness.IndexBatch;
import com.example.profiles.freshness.LagWindows;
import com.example.profiles.generation.ErasureLedger;
import com.example.profiles.generation.GenerationState;
import com.example.profiles.generation.Generations;
import com.example.profiles.store.Deadline;
import com.example.profiles.store.Generation;
import com.example.profiles.store.ProfileKeys;
import com.example.profiles.store.ProfileStore;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Applies a normalized update: runs its script with the shared prelude's arguments (dedup key,
 * now, dedup retention, event time, lateness bound, the profile limits) and records freshness for
 * what was really applied. A script that refuses the event (a running total would pass its limit)
 * wrote nothing; the refusal becomes a {@link ProfileLimitExceededException}. The generations it
 * writes are the pointer's ({@link GenerationState#writes()}: while a rebuild's switch runs, the
 * next one and then the current one), or one a rebuild names.
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
    private final ProfileLimits limits;
    private final Generations generations;
    private final ErasureLedger erasures;

    public ProfileUpdater(ProfileStore store, EventClock clock, ProfileMetrics metrics, ProfileSettings settings, FreshnessIndex freshness,
            LagWindows lagWindows, ProfileLimits limits, Generations generations, ErasureLedger erasures) {
        this.limits = limits;
        this.generations = generations;
        this.erasures = erasures;
        this.store = store;
        this.freshness = freshness;
        this.lagWindows = lagWindows;
        this.clock = clock;
        this.metrics = metrics;
        this.retentionMillis = Long.toString(settings.dedupRetention().toMillis());
        this.latenessMillis = Long.toString(settings.lateness().toMillis());
    }

    /**
     * @param batch where to gather the freshness-index updates (a Kafka batch sends them once all its
     *        records are applied), or null to send them right after the script (and its other
     *        generation's, while a rebuild's switch writes two)
     * @param deadline by when the script and (without a batch) the index updates must be answered;
     *        null for {@code profiles.store.timeout} from the script's start
     */
    public Uni<ApplyResult> apply(ProfileUpdate update, EventMeta meta, IndexBatch batch, Deadline deadline) {
        return apply(update, meta, batch, deadline, null);
    }

    /**
     * @param target the one generation to write (a rebuild's), or null for those the pointer says
     */
    public Uni<ApplyResult> apply(ProfileUpdate update, EventMeta meta, IndexBatch batch, Deadline deadline, Generation target) {
        List<String> args = scriptArgs(meta.dedupKey(), clock.nowMillis(), retentionMillis, latenessMillis, limits.scriptArgs(), update);
        return Uni.createFrom().deferred(() -> {
            // One deadline for the whole event: generation pointer, scripts, NOSCRIPT fallback and index updates.
            Deadline due = deadline != null ? deadline : store.defaultDeadline();
            if (batch != null) {
                return applyAll(update, meta, args, batch, due, target);
            }
            // An event alone (HTTP, a Lambda record) gathers its index updates in a batch of its own,
            // opened before its script, so that they are checked against the erasures as a Kafka
            // batch's are: one reading of the erasure count instead of a read of the profile.
            return freshness.openBatch(due).flatMap(own -> applyAll(update, meta, args, own, due, target)
                    .flatMap(result -> freshness.flush(own, due).replaceWith(result)));
        });
    }

    private Uni<ApplyResult> applyAll(ProfileUpdate update, EventMeta meta, List<String> args, IndexBatch batch, Deadline due, Generation target) {
        if (target != null) {
            return applyTo(target, true, update, meta, args, batch, due);
        }
        return generations.fresh().flatMap(state -> {
            List<Generation> writes = state.writes();
            Uni<ApplyResult> applied = applyTo(writes.get(0), writes.size() == 1, update, meta, args, batch, due);
            for (int i = 1; i < writes.size(); i++) {
                Generation generation = writes.get(i);
                boolean answers = i == writes.size() - 1;
                applied = applied.flatMap(first -> applyTo(generation, answers, update, meta, args, batch, due));
            }
            return applied;
        });
    }

    /** @param answers whether this generation's result is the event's (its lag is recorded) */
    private Uni<ApplyResult> applyTo(Generation generation, boolean answers, ProfileUpdate update, EventMeta meta, List<String> args,
            IndexBatch batch, Deadline due) {
        return store.run(update.script(), ProfileKeys.all(generation, update.userId()), args, due)
                .flatMap(reply -> {
                    ApplyResult result = result(update, meta, reply, answers);
                    String cleanup = cleanup(reply);
                    Uni<Void> ledger = cleanup != null && update.erasurePosition() != null
                            ? erasures.record(update.userId(), update.eventTimeMillis(), update.erasurePosition(), due)
                            : Uni.createFrom().voidItem();
                    return ledger.invoke(recorded -> index(generation, update, result, cleanup, batch)).replaceWith(result);
                });
    }

    /**
     * The update script's arguments (ARGV), in update-prelude.lua's order: the prelude's (dedup key,
     * now, dedup retention, event time, lateness bound, the limits), then the function's own. The
     * keys are {@link ProfileKeys#all}. Public so that tools (the benchmark) call the scripts exactly
     * as the app does.
     */
    public static List<String> scriptArgs(String dedupKey, long nowMillis, String retentionMillis, String latenessMillis, List<String> limitArgs,
            ProfileUpdate update) {
        List<String> args = new ArrayList<>(5 + limitArgs.size() + update.args().size());
        args.add(dedupKey);
        args.add(Long.toString(nowMillis));
        args.add(retentionMillis);
        args.add(Long.toString(update.eventTimeMillis()));
        args.add(latenessMillis);
        args.addAll(limitArgs);
        args.addAll(update.args());
        return args;
    }

    /**
     * Keeps the freshness index and due queues in step (they live outside the user's slot, so not
     * in the script): gathered into {@code batch}, whose flush sends them. A duplicate repeats the
     * index update: if it failed the first time, the retry that finds a duplicate repairs it. A stale event changes nothing, and must not put an erased
     * user back in any index. An erasure (or the same erasure delivered again) takes the user out of
     * what the script names: every index and queue when no profile is left, else the freshness
     * indexes of the sources left without data.
     */
    private void index(Generation generation, ProfileUpdate update, ApplyResult result, String cleanup, IndexBatch batch) {
        if (cleanup != null) {
            boolean whole = cleanup.equals("profile");
            List<String> sources = whole || cleanup.isEmpty() ? List.of() : List.of(cleanup.split(","));
            freshness.forget(generation, update.userId(), whole, sources, batch);
            return;
        }
        switch (result.status()) {
            case APPLIED, DUPLICATE -> freshness.recordApplied(generation, update.userId(), update.source(), update.eventTimeMillis(), batch);
            default -> {
            }
        }
    }

    /** An erasure's fourth answer: which indexes the user leaves (see erasure-lib.lua); null for other events. */
    private static String cleanup(Response reply) {
        return reply.size() > 3 ? reply.get(3).toString() : null;
    }

    /**
     * The scripts answer {status, version, late (0/1)}, or {'refused', version, 0, code, detail}
     * (which throws: nothing was written).
     */
    private ApplyResult result(ProfileUpdate update, EventMeta meta, Response reply, boolean answers) {
        String answer = reply.get(0).toString();
        if (answer.equals("refused")) {
            throw limits.refusal(reply.get(3).toString(), reply.size() > 4 ? reply.get(4).toString() : "");
        }
        Status status = Status.valueOf(answer.toUpperCase(java.util.Locale.ROOT));
        long version = reply.get(1).toLong();
        boolean late = reply.get(2).toInteger() == 1;
        long lag = 0;
        if (status == Status.APPLIED && answers) {
            long written = clock.nowMillis();
            lag = Math.max(0, written - update.eventTimeMillis());
            metrics.freshnessLag(update.source(), lag);
            lagWindows.record(update.source(), update.eventTimeMillis(), lag, written);
        }
        return new ApplyResult(update.userId(), meta.id(), status, status == Status.DUPLICATE, late, version, lag);
    }
}
