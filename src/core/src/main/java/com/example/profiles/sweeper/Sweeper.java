package com.example.profiles.sweeper;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.example.profiles.core.EventClock;
import com.example.profiles.store.ProfileKeys;
import com.example.profiles.store.ProfileScript;
import com.example.profiles.core.ProfileSettings;
import com.example.profiles.store.ProfileStore;
import com.example.profiles.freshness.FreshnessIndex;
import com.example.profiles.freshness.FreshnessSettings;
import com.example.profiles.generation.ErasureLedger;
import com.example.profiles.generation.GenerationState;
import com.example.profiles.generation.GenerationSwitch;
import com.example.profiles.generation.Generations;
import com.example.profiles.store.Generation;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.vertx.mutiny.redis.client.Response;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import io.quarkus.redis.datasource.sortedset.ZRangeArgs;

/**
 * One sweep: takes the lease, works through the due queues (cart abandon, cart clear, customer
 * refresh, profile expiry) shard by shard, and hands each due entry to its check-and-act script.
 * Bounded by {@link SweeperSettings#maxEntries()} and the time budget; what is left waits for the
 * next run. Safe when runs overlap (the lease keeps a second run out; the scripts would act once
 * anyway) and when a run dies half-way (its entries are still due, its lease expires). Each
 * generation the pointer keeps ({@link GenerationState#swept()}) is swept with its own queues; the
 * alerts judge the one readers are served from. The erasure ledger is trimmed here too.
 */
@ApplicationScoped
public class Sweeper {

    private static final Logger LOG = Logger.getLogger(Sweeper.class);
    static final String LEASE_KEY = "sweeper:lease";
    /** The decision of every check-and-act script for a user without a profile (sweep-prelude.lua). */
    static final String GONE = "gone";

    private static final ProfileScript ABANDON = ProfileScript.sweep("sweep-cart-abandon", "cart-lib");
    private static final ProfileScript CLEAR = ProfileScript.sweep("sweep-cart-clear", "cart-lib");
    private static final ProfileScript REFRESH = ProfileScript.sweep("sweep-customer-refresh");
    private static final ProfileScript EXPIRE = ProfileScript.sweep("sweep-expire");
    private static final ProfileScript COMPARE_AND_REMOVE = ProfileScript.plain("compare-and-remove");
    private static final ProfileScript RELEASE_LEASE = ProfileScript.plain("release-lease");

    /** A due-queue entry of a generation as selected, with the score (due time, epoch ms) it had. */
    public record DueEntry(Generation generation, String queue, int shard, String userId, long score) {
    }

    private final RedisDataSource redis;
    private final ProfileStore store;
    private final FreshnessIndex index;
    private final FreshnessSettings freshness;
    private final SweeperSettings settings;
    private final ProfileSettings profileSettings;
    private final EventClock clock;
    private final RefreshRequests refreshRequests;
    private final FreshnessAlerts alerts;
    private final Generations generations;
    private final ErasureLedger erasures;
    private final GenerationSwitch generationSwitch;
    private final RecentSweeps recent;
    private final io.micrometer.core.instrument.MeterRegistry registry;
    /** Set at shutdown: a running sweep stops at its next entry batch (what is left stays due). */
    private volatile boolean stopping;
    private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
    /** When a sweep last completed, epoch seconds: an alert rule notices a sweeper that stopped. */
    private final java.util.concurrent.atomic.AtomicReference<Double> lastRun = new java.util.concurrent.atomic.AtomicReference<>(0.0);

    public Sweeper(RedisDataSource redis, ProfileStore store, FreshnessIndex index, FreshnessSettings freshness, SweeperSettings settings,
            ProfileSettings profileSettings, EventClock clock, RefreshRequests refreshRequests, FreshnessAlerts alerts, RecentSweeps recent,
            io.micrometer.core.instrument.MeterRegistry registry, Generations generations, ErasureLedger erasures,
            GenerationSwitch generationSwitch) {
        this.generationSwitch = generationSwitch;
        this.generations = generations;
        this.erasures = erasures;
        this.registry = registry;
        io.micrometer.core.instrument.Gauge.builder("profile.sweeper.last.run", lastRun, java.util.concurrent.atomic.AtomicReference::get)
                .description("When a sweep last completed (epoch seconds)").baseUnit("seconds").register(registry);
        this.redis = redis;
        this.store = store;
        this.index = index;
        this.freshness = freshness;
        this.settings = settings;
        this.profileSettings = profileSettings;
        this.clock = clock;
        this.refreshRequests = refreshRequests;
        this.alerts = alerts;
        this.recent = recent;
    }

    /** Runs one sweep, then evaluates the freshness alerts. Blocking: call it on a worker thread. */
    public SweepReport sweep() {
        return sweep(settings.maxEntries());
    }

    /** One sweep within at most {@code budget} (and the configured time budget, whichever is smaller). */
    public SweepReport sweep(Duration budget) {
        return sweep(settings.maxEntries(), budget.compareTo(settings.timeBudget()) < 0 ? budget : settings.timeBudget());
    }

    /** One sweep that examines at most {@code maxEntries} due entries. */
    public SweepReport sweep(int maxEntries) {
        return sweep(maxEntries, settings.timeBudget());
    }

    private SweepReport sweep(int maxEntries, Duration timeBudget) {
        running.incrementAndGet();
        try {
            return sweepOnce(maxEntries, timeBudget);
        } finally {
            if (running.decrementAndGet() == 0) {
                synchronized (running) {
                    running.notifyAll();
                }
            }
        }
    }

    /** At shutdown: no further batch of entries; a running sweep ends as if its time budget were spent. */
    public void stop() {
        stopping = true;
    }

    /** Waits up to {@code timeout} for a running sweep to end; whether none runs. */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (running) {
            while (running.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(running, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private SweepReport sweepOnce(int maxEntries, Duration timeBudget) {
        String runId = UUID.randomUUID().toString();
        long started = System.nanoTime();
        // One command, so a run that dies right after taking the lease still lets it expire.
        boolean leased = redis.value(String.class).setAndChanged(LEASE_KEY, runId, new SetArgs().nx().px(settings.lease()));
        if (!leased) {
            LOG.debugf("Sweep %s skipped: another sweep holds the lease", runId);
            return new SweepReport(runId, false, 0, Map.of(), 0, false);
        }
        Map<String, Integer> actions = new TreeMap<>();
        int touched = 0;
        boolean complete = true;
        long deadline = started + timeBudget.toNanos();
        GenerationState state = generations.fresh().await().atMost(Duration.ofSeconds(10));
        try {
            work: for (Generation generation : state.swept())
            for (String queue : FreshnessIndex.QUEUES) {
                for (int shard = 0; shard < index.shards(); shard++) {
                    while (true) {
                        int room = Math.min(settings.batchSize(), maxEntries - touched);
                        if (room <= 0 || System.nanoTime() > deadline || stopping) {
                            complete = false;
                            break work;
                        }
                        List<DueEntry> due = selectDue(generation, queue, shard, clock.nowMillis(), room);
                        if (due.isEmpty()) {
                            break;
                        }
                        for (DueEntry entry : due) {
                            if (System.nanoTime() > deadline) {
                                // The rest of this batch stays due for the next run.
                                complete = false;
                                break work;
                            }
                            actions.merge(queue + ":" + act(entry), 1, Integer::sum);
                            touched++;
                        }
                        if (due.size() < room) {
                            break;
                        }
                    }
                }
            }
            if (!stopping) {
                alerts.evaluate(state.serving());
                erasures.trim(clock.nowMillis()).await().atMost(Duration.ofSeconds(10));
                generationSwitch.forgetGoneInstances(clock.nowMillis());
            }
        } finally {
            store.run(RELEASE_LEASE, List.of(LEASE_KEY), List.of(runId)).await().atMost(Duration.ofSeconds(5));
        }
        lastRun.set(clock.nowMillis() / 1000.0);
        io.micrometer.core.instrument.Timer.builder("profile.sweeper.duration")
                .description("How long a sweep took, whether it went through every due entry (complete) or left some for the next run")
                .tag("complete", Boolean.toString(complete)).register(registry).record(Duration.ofNanos(System.nanoTime() - started));
        long millis = (System.nanoTime() - started) / 1_000_000;
        LOG.infof("Sweep %s: %d due entries in %d ms %s%s", runId, touched, millis, actions, complete ? "" : " (more left for the next run)");
        SweepReport report = new SweepReport(runId, true, touched, actions, millis, complete);
        recent.sweepDone(report, clock.nowMillis());
        return report;
    }

    /** The entries of one queue shard of a generation that are due at {@code now}, oldest first. */
    public List<DueEntry> selectDue(Generation generation, String queue, int shard, long now, int limit) {
        List<ScoredValue<String>> due = redis.sortedSet(String.class).zrangebyscoreWithScores(FreshnessIndex.queueKey(generation, queue, shard),
                ScoreRange.from(Double.NEGATIVE_INFINITY, (double) now), new ZRangeArgs().limit(0, limit));
        List<DueEntry> entries = new java.util.ArrayList<>(due.size());
        for (ScoredValue<String> entry : due) {
            entries.add(new DueEntry(generation, queue, shard, entry.value(), (long) entry.score()));
        }
        return entries;
    }

    /** Checks one entry against the profile and acts on it; answers the decision. */
    public String act(DueEntry entry) {
        long now = clock.nowMillis();
        String user = entry.userId();
        Generation g = entry.generation();
        return switch (entry.queue()) {
            case FreshnessIndex.CART_ABANDON -> {
                Decision d = run(ABANDON, g, user, now, freshness.cart().abandonAfter().toMillis());
                if (d.is("abandoned")) {
                    index.schedule(g, FreshnessIndex.CART_CLEAR, user, d.time() + freshness.cart().clearAfter().toMillis()).await().indefinitely();
                }
                settle(entry, d, d.time() + freshness.cart().abandonAfter().toMillis());
                yield d.name();
            }
            case FreshnessIndex.CART_CLEAR -> {
                Decision d = run(CLEAR, g, user, now, freshness.cart().clearAfter().toMillis());
                settle(entry, d, d.time() + freshness.cart().clearAfter().toMillis());
                yield d.name();
            }
            case FreshnessIndex.CUSTOMER_REFRESH -> {
                FreshnessSettings.Customer c = freshness.customer();
                Object[] args = { c.refreshAfter().toMillis(), c.activeRefreshAfter().toMillis(), c.activeWindow().toMillis(),
                        c.refreshRetry().toMillis() };
                Decision d = run(REFRESH, g, user, now, args[0], args[1], args[2], args[3], "check");
                if (d.is("due")) {
                    // Publish first, then mark: a run that dies in between asks again (same request id).
                    refreshRequests.publish(user, d.time());
                    d = run(REFRESH, g, user, now, args[0], args[1], args[2], args[3], "mark");
                    if (d.is("marked")) {
                        d = new Decision("requested", d.time());
                    }
                }
                // not-due, pending and requested all answer the time the entry is next due.
                if (d.is("nothing") || d.is(GONE)) {
                    removeIfUnchanged(entry);
                } else {
                    index.schedule(g, FreshnessIndex.CUSTOMER_REFRESH, user, d.time()).await().indefinitely();
                }
                yield d.name();
            }
            case FreshnessIndex.PROFILE_EXPIRE -> {
                Decision d = run(EXPIRE, g, user, now, freshness.profile().expireAfter().toMillis());
                if (d.is("expired")) {
                    index.forget(g, user).await().indefinitely();
                }
                settle(entry, d, d.time() + freshness.profile().expireAfter().toMillis());
                yield d.name();
            }
            default -> throw new IllegalArgumentException("unknown queue " + entry.queue());
        };
    }

    private record Decision(String name, long time) {
        boolean is(String decision) {
            return name.equals(decision);
        }
    }

    private Decision run(ProfileScript script, Generation generation, String user, long now, Object... own) {
        List<String> args = new java.util.ArrayList<>(2 + own.length);
        args.add(Long.toString(now));
        args.add(Long.toString(profileSettings.lateness().toMillis()));
        for (Object arg : own) {
            args.add(String.valueOf(arg));
        }
        Response reply = store.run(script, ProfileKeys.all(generation, user), args).await().atMost(Duration.ofSeconds(10));
        Decision decision = new Decision(reply.get(0).toString(), reply.get(1).toLong());
        if (decision.is(GONE)) {
            forgetGone(generation, user);
        }
        return decision;
    }

    /**
     * The user has an entry here but no profile (sweep-prelude.lua): erased, or expired, with the
     * index clean-up interrupted. The user leaves every index and queue. An event that recreates the
     * profile meanwhile has its index update sent after its script; if that update came before
     * this clean-up, the check after it sees the profile and puts its entries back.
     */
    private void forgetGone(Generation generation, String user) {
        index.forget(generation, user).await().atMost(Duration.ofSeconds(10));
        Map<String, String> times = redis.hash(String.class).hmget(ProfileKeys.profile(generation, user), "src:purchase:event_at", "src:cart:event_at",
                "src:customer:event_at");
        times.forEach((field, value) -> {
            if (value != null) {
                String source = field.substring("src:".length(), field.length() - ":event_at".length());
                index.recordApplied(generation, user, source, Long.parseLong(value)).await().atMost(Duration.ofSeconds(10));
            }
        });
    }

    /** Not yet due: push the entry to its due time. Done or nothing to do: remove it (unless re-queued meanwhile). */
    private void settle(DueEntry entry, Decision decision, long dueAgain) {
        if (decision.is("not-due")) {
            index.schedule(entry.generation(), entry.queue(), entry.userId(), dueAgain).await().indefinitely();
        } else {
            removeIfUnchanged(entry);
        }
    }

    private void removeIfUnchanged(DueEntry entry) {
        store.run(COMPARE_AND_REMOVE, List.of(FreshnessIndex.queueKey(entry.generation(), entry.queue(), entry.shard())),
                List.of(entry.userId(), Long.toString(entry.score())))
                .await().atMost(Duration.ofSeconds(5));
    }
}
