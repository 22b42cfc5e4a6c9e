package com.example.profiles.knative;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.example.profiles.core.EventClock;
import com.example.profiles.freshness.FreshnessReader;
import com.example.profiles.freshness.FreshnessSettings;
import com.example.profiles.generation.Generations;
import com.example.profiles.freshness.LagHistory;
import com.example.profiles.intake.DeadLetterCounter;
import com.example.profiles.store.Deadline;
import com.example.profiles.store.PipelinedRedis;
import com.example.profiles.sweeper.RecentSweeps;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /freshness}: a page that shows how fresh the profiles are without any monitoring
 * stack. From Redis, every instance's: each source's stale share and oldest data
 * ({@link FreshnessReader}), the last sweep and the alerts of the last hour ({@link RecentSweeps}).
 * From this instance: the dead letters it sent ({@code profile_dead_letters_total}) and its lag of
 * the last 15 minutes ({@link LagHistory}). Redis is read with the store's deadline; if it does not
 * answer, the page still answers 200 with what this instance knows and says Redis is unavailable.
 * Served beside {@code GET /profiles/{userId}}, with no user id on it.
 */
@ApplicationScoped
public class FreshnessPage {

    private static final Logger LOG = Logger.getLogger(FreshnessPage.class);

    private final FreshnessReader reader;
    private final RecentSweeps recent;
    private final LagHistory lagHistory;
    private final FreshnessSettings settings;
    private final MeterRegistry registry;
    private final PipelinedRedis redis;
    private final EventClock clock;
    private final Generations generations;

    public FreshnessPage(FreshnessReader reader, RecentSweeps recent, LagHistory lagHistory, FreshnessSettings settings, MeterRegistry registry,
            PipelinedRedis redis, EventClock clock, Generations generations) {
        this.generations = generations;
        this.reader = reader;
        this.recent = recent;
        this.lagHistory = lagHistory;
        this.settings = settings;
        this.registry = registry;
        this.redis = redis;
        this.clock = clock;
    }

    void register(@Observes Router router) {
        router.get("/freshness").order(-50).handler(this::page);
    }

    private void page(RoutingContext ctx) {
        long now = clock.nowMillis();
        Deadline deadline = redis.defaultDeadline();
        // The generation readers are served from, as this instance last read the pointer (a page may be a second behind).
        Uni<Sources> sources = reader.read(generations.state().serving(), now, deadline).map(read -> new Sources(read, null))
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("The freshness page could not read Redis: %s", failure.toString());
                    return new Sources(null, problem(failure));
                });
        Uni.combine().all().unis(sources, recent.read(now, deadline)).asTuple().subscribe().with(both -> {
            Sources read = both.getItem1();
            // One answer about Redis on the page: if the indexes could not be read, neither is the rest taken from it.
            RecentSweeps.Recent kept = read.readings() == null && both.getItem2().fromRedis() ? recent.inMemory(now) : both.getItem2();
            String html = FreshnessPageHtml.render(new FreshnessPageHtml.Model(now, read.readings(), read.problem(), kept, deadLetters(),
                    LagChart.svg(lagHistory.points(now), now, thresholds())));
            ctx.response().setStatusCode(200)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .putHeader("X-Content-Type-Options", "nosniff")
                    // No script, no external resource: the page needs none, so it gets none.
                    .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
                    .end(html);
        }, ctx::fail);
    }

    private record Sources(List<FreshnessReader.SourceReading> readings, String problem) {
    }

    /** The failure's kind without its message (a message may name a host or quote a command). */
    private static String problem(Throwable failure) {
        Throwable cause = failure instanceof io.smallrye.mutiny.CompositeException composite ? composite.getCauses().get(0) : failure;
        return cause.getClass().getSimpleName();
    }

    private List<FreshnessPageHtml.DeadLetterCount> deadLetters() {
        List<FreshnessPageHtml.DeadLetterCount> counts = new ArrayList<>();
        for (Counter c : registry.find(DeadLetterCounter.METER).counters()) {
            counts.add(new FreshnessPageHtml.DeadLetterCount(c.getId().getTag("function"), c.getId().getTag("reason"), (long) c.count()));
        }
        counts.sort(Comparator.comparing(FreshnessPageHtml.DeadLetterCount::function).thenComparing(FreshnessPageHtml.DeadLetterCount::reason));
        return counts;
    }

    private Map<String, Long> thresholds() {
        Map<String, Long> thresholds = new TreeMap<>();
        settings.sources().forEach((source, config) -> thresholds.put(source, config.lagP99Threshold().toMillis()));
        return thresholds;
    }
}
