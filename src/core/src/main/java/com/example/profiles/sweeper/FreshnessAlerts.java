package com.example.profiles.sweeper;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import com.example.profiles.core.EventClock;
import com.example.profiles.freshness.FreshnessIndex;
import com.example.profiles.freshness.FreshnessSettings;
import com.example.profiles.freshness.LagWindows;
import com.example.profiles.store.Generation;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.quarkus.redis.datasource.sortedset.ScoreRange;

/**
 * Judges, after each sweep, three conditions per source, from what every instance wrote to Redis:
 * <ul>
 * <li>{@code lag}: the freshness lag's p99 over the last window is above the source's threshold
 * (more than 1% of its events took longer than the threshold);</li>
 * <li>{@code silent}: no event of the source for longer than expected;</li>
 * <li>{@code stale-share}: the share of the source's profiles whose data is stale is above the
 * threshold (counted in the freshness index, not by scanning profiles).</li>
 * </ul>
 * A condition that starts raises one alert, a CloudEvent on the alerts topic; it is not raised
 * again while it lasts; when it ends, one resolved event follows. The state lives in Redis
 * ({@code freshness:alerts}), so any instance's sweep continues it. Each condition's value is
 * also a gauge, for the Prometheus rules in infra/prometheus; each alert sent is kept for an hour
 * for the freshness page ({@link RecentSweeps}).
 */
@ApplicationScoped
public class FreshnessAlerts {

    private static final Logger LOG = Logger.getLogger(FreshnessAlerts.class);
    public static final String STATE_KEY = "freshness:alerts";
    public static final String RAISED = "com.example.profiles.freshness.alert.raised.v1";
    public static final String RESOLVED = "com.example.profiles.freshness.alert.resolved.v1";

    private final RedisDataSource redis;
    private final FreshnessSettings settings;
    private final EventClock clock;
    private final MutinyEmitter<byte[]> emitter;
    private final ObjectMapper mapper;
    private final MeterRegistry registry;
    private final RecentSweeps recent;
    private final String topic;
    private final Duration window;
    private final Map<String, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();

    public FreshnessAlerts(RedisDataSource redis, FreshnessSettings settings, EventClock clock,
            @Channel("freshness-alerts") MutinyEmitter<byte[]> emitter, ObjectMapper mapper, MeterRegistry registry, RecentSweeps recent) {
        this.redis = redis;
        this.settings = settings;
        this.clock = clock;
        this.emitter = emitter;
        this.mapper = mapper;
        this.registry = registry;
        this.recent = recent;
        this.topic = settings.alertsTopic();
        this.window = settings.alertWindow();
    }

    /** One alert condition as judged now. */
    public record Condition(String name, String source, boolean firing, double value, double threshold) {
    }

    /** Judges every condition now; the stale share from the generation readers are served from. */
    public List<Condition> evaluate(Generation serving) {
        long now = clock.nowMillis();
        List<Condition> conditions = new ArrayList<>();
        settings.sources().forEach((source, config) -> {
            conditions.add(lag(source, config, now));
            conditions.add(silence(source, config, now));
            conditions.add(staleShare(serving, source, config, now));
        });
        for (Condition c : conditions) {
            gauge("profile_freshness_condition_value", c).set(c.value());
            gauge("profile_freshness_condition_threshold", c).set(c.threshold());
            transition(c, now);
        }
        return conditions;
    }

    private Condition lag(String source, FreshnessSettings.Source config, long now) {
        Map<String, String> fields = redis.hash(String.class).hgetall(LagWindows.lagKey(source));
        long[] counts = LagWindows.countsSince(fields, (now - window.toMillis()) / 60_000);
        long total = counts[0];
        long over = counts[1];
        double overShare = total == 0 ? 0 : (double) over / total;
        return new Condition("lag", source, total > 0 && overShare > 0.01, overShare, 0.01);
    }

    private Condition silence(String source, FreshnessSettings.Source config, long now) {
        OptionalDouble last = redis.sortedSet(String.class).zscore(LagWindows.LAST_EVENT_KEY, source);
        if (last.isEmpty()) {
            return new Condition("silent", source, false, 0, config.silentAfter().toSeconds());
        }
        double silentSeconds = Math.max(0, now - (long) last.getAsDouble()) / 1000.0;
        return new Condition("silent", source, silentSeconds > config.silentAfter().toSeconds(), silentSeconds, config.silentAfter().toSeconds());
    }

    private Condition staleShare(Generation generation, String source, FreshnessSettings.Source config, long now) {
        long stale = 0;
        long total = 0;
        var index = redis.sortedSet(String.class);
        ScoreRange<Double> old = new ScoreRange<>(Double.NEGATIVE_INFINITY, true, (double) (now - config.staleAfter().toMillis()), false);
        for (int shard = 0; shard < settings.shards(); shard++) {
            String key = FreshnessIndex.indexKey(generation, source, shard);
            total += index.zcard(key);
            stale += index.zcount(key, old);
        }
        double share = total == 0 ? 0 : (double) stale / total;
        return new Condition("stale-share", source, share > config.staleShareThreshold(), share, config.staleShareThreshold());
    }

    private void transition(Condition c, long now) {
        String field = c.name() + ":" + c.source();
        var state = redis.hash(String.class);
        String since = state.hget(STATE_KEY, field);
        if (c.firing() && since == null) {
            // HSETNX: should two sweeps judge at once, only one raises.
            if (state.hsetnx(STATE_KEY, field, Long.toString(now))) {
                try {
                    publish(RAISED, c, now, now);
                } catch (RuntimeException e) {
                    state.hdel(STATE_KEY, field); // not told: the next judgement raises it again
                    throw e;
                }
            }
        } else if (!c.firing() && since != null) {
            if (state.hdel(STATE_KEY, field) == 1) {
                try {
                    publish(RESOLVED, c, Long.parseLong(since), now);
                } catch (RuntimeException e) {
                    state.hset(STATE_KEY, field, since); // not told: the next judgement resolves it again
                    throw e;
                }
            }
        }
        gauge("profile_freshness_alert_active", c).set(c.firing() ? 1.0 : 0.0);
    }

    /**
     * Retried on a broker hiccup (three times, from 200 ms): an alert that starts must be told (the
     * state is already written).
     */
    void publish(String type, Condition c, long since, long now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("condition", c.name());
        data.put("source", c.source());
        data.put("value", c.value());
        data.put("threshold", c.threshold());
        data.put("since", since);
        // One id per alert episode: the resolved event names the episode it ends.
        String id = c.name() + ":" + c.source() + ":" + since + (type.equals(RESOLVED) ? ":resolved" : "");
        CloudEvent event = SweeperEvents.event(mapper, id, type, Instant.ofEpochMilli(now), data)
                .withSubject(c.name() + "/" + c.source())
                .build();
        emitter.sendMessage(SweeperEvents.structured(event, topic, c.name() + ":" + c.source()))
                .ifNoItem().after(Duration.ofSeconds(10)).fail()
                .onFailure().retry().withBackOff(Duration.ofMillis(200)).atMost(3)
                .await().indefinitely();
        Counter.builder("profile.freshness.alerts").tag("condition", c.name()).tag("source", c.source())
                .tag("state", type.equals(RAISED) ? "raised" : "resolved").register(registry).increment();
        recent.alertSent(new RecentSweeps.Alert(now, type.equals(RAISED) ? "raised" : "resolved", c.name(), c.source(), c.value(), c.threshold(), since));
        LOG.warnf("Freshness alert %s: %s of %s is %.3f (threshold %.3f)", type.equals(RAISED) ? "raised" : "resolved", c.name(), c.source(),
                c.value(), c.threshold());
    }

    private AtomicReference<Double> gauge(String name, Condition c) {
        return gauges.computeIfAbsent(name + "|" + c.name() + "|" + c.source(), k -> {
            AtomicReference<Double> value = new AtomicReference<>(0.0);
            Gauge.builder(name, value, AtomicReference::get).tag("condition", c.name()).tag("source", c.source()).register(registry);
            return value;
        });
    }
}
