package com.example.profiles.sweeper;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.example.profiles.store.Deadline;
import com.example.profiles.store.PipelinedRedis;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.RedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * What the sweeps did lately, for the freshness page: the last sweep's report and the freshness
 * alerts raised or resolved in the last hour. Kept in Redis, so whichever instance serves the page
 * shows what any instance's sweep did: {@value #LAST_SWEEP_KEY} (one small JSON string, replaced by
 * each sweep) and {@value #RECENT_ALERTS_KEY} (a list of at most {@value #MAX_ALERTS} JSON entries,
 * newest first, expiring an hour after the last one). Also kept in this instance's memory (the same
 * bounds), which the page falls back to when Redis does not answer. Nothing personal is kept: a
 * report counts entries per queue and decision, an alert names a condition and a source.
 * Recording is best effort: a failure is logged and never fails the sweep or the alert.
 */
@ApplicationScoped
public class RecentSweeps {

    private static final Logger LOG = Logger.getLogger(RecentSweeps.class);
    public static final String LAST_SWEEP_KEY = "sweeper:last-report";
    public static final String RECENT_ALERTS_KEY = "freshness:alerts:recent";
    public static final int MAX_ALERTS = 100;
    public static final Duration KEEP_ALERTS = Duration.ofHours(1);

    /** A sweep that ran, as it ended at {@code finishedAt} (epoch ms). */
    public record LastSweep(long finishedAt, String runId, int entriesTouched, Map<String, Integer> actions, long durationMillis, boolean complete) {
    }

    /**
     * An alert raised or resolved at {@code at} (epoch ms).
     *
     * @param state raised or resolved
     * @param since when the condition started (epoch ms)
     */
    public record Alert(long at, String state, String condition, String source, double value, double threshold, long since) {

        String id() {
            return condition + ":" + source + ":" + since + ":" + state;
        }
    }

    /**
     * What the page shows.
     *
     * @param fromRedis whether Redis answered; if not, everything here is this instance's memory
     * @param activeSince the alerts active now ({@code <condition>:<source>} to since, epoch ms), from
     *        FreshnessAlerts' state in Redis; empty when Redis did not answer
     */
    public record Recent(boolean fromRedis, Optional<LastSweep> lastSweep, List<Alert> alerts, Map<String, Long> activeSince) {
    }

    private final RedisDataSource redis;
    private final PipelinedRedis pipelined;
    private final ObjectMapper mapper;
    private final AtomicReference<LastSweep> lastSweep = new AtomicReference<>();
    /** Newest first. */
    private final ArrayDeque<Alert> alerts = new ArrayDeque<>();

    public RecentSweeps(RedisDataSource redis, PipelinedRedis pipelined, ObjectMapper mapper) {
        this.redis = redis;
        this.pipelined = pipelined;
        this.mapper = mapper;
    }

    /** After a sweep that ran (not one that found the lease taken). Blocking, like the sweep. */
    void sweepDone(SweepReport report, long finishedAt) {
        LastSweep sweep = new LastSweep(finishedAt, report.runId(), report.entriesTouched(), new TreeMap<>(report.actions()), report.durationMillis(),
                report.complete());
        lastSweep.set(sweep);
        try {
            redis.value(String.class).set(LAST_SWEEP_KEY, mapper.writeValueAsString(toJson(sweep)));
        } catch (RuntimeException | JsonProcessingException e) {
            LOG.warnf("Could not record the sweep's report in Redis (%s): the freshness page shows this instance's", e.toString());
        }
    }

    /** After an alert was published. Blocking, like the sweep. */
    void alertSent(Alert alert) {
        synchronized (alerts) {
            alerts.addFirst(alert);
            prune(alerts, alert.at());
        }
        try {
            String json = mapper.writeValueAsString(toJson(alert));
            var list = redis.list(String.class);
            list.lpush(RECENT_ALERTS_KEY, json);
            list.ltrim(RECENT_ALERTS_KEY, 0, MAX_ALERTS - 1);
            redis.key().pexpire(RECENT_ALERTS_KEY, KEEP_ALERTS);
        } catch (RuntimeException | JsonProcessingException e) {
            LOG.warnf("Could not record the freshness alert in Redis (%s): the freshness page shows this instance's", e.toString());
        }
    }

    /** This instance's memory alone. */
    public Recent inMemory(long now) {
        return new Recent(false, Optional.ofNullable(lastSweep.get()), memoryAlerts(now), Map.of());
    }

    /**
     * What Redis holds, with this instance's memory added where it knows more (a newer sweep, an
     * alert Redis missed); this instance's memory alone if Redis does not answer by {@code deadline}.
     */
    public Uni<Recent> read(long now, Deadline deadline) {
        Uni<Response> sweep = pipelined.send(Request.cmd(Command.GET).arg(LAST_SWEEP_KEY), deadline);
        Uni<Response> recent = pipelined.send(Request.cmd(Command.LRANGE).arg(RECENT_ALERTS_KEY).arg(0).arg(MAX_ALERTS - 1), deadline);
        Uni<Response> active = pipelined.send(Request.cmd(Command.HGETALL).arg(FreshnessAlerts.STATE_KEY), deadline);
        return Uni.join().all(List.of(sweep, recent, active)).andCollectFailures().map(replies -> {
            LastSweep shared = replies.get(0) == null ? null : parseSweep(replies.get(0).toString());
            LastSweep own = lastSweep.get();
            LastSweep newest = shared == null || (own != null && own.finishedAt() > shared.finishedAt()) ? own : shared;
            Map<String, Alert> merged = new LinkedHashMap<>();
            if (replies.get(1) != null) {
                for (Response entry : replies.get(1)) {
                    Alert alert = parseAlert(entry.toString());
                    if (alert != null && alert.at() > now - KEEP_ALERTS.toMillis()) {
                        merged.put(alert.id(), alert);
                    }
                }
            }
            memoryAlerts(now).forEach(alert -> merged.putIfAbsent(alert.id(), alert));
            List<Alert> all = new ArrayList<>(merged.values());
            all.sort((a, b) -> Long.compare(b.at(), a.at()));
            Map<String, Long> activeSince = new TreeMap<>();
            Response state = replies.get(2);
            if (state != null) {
                for (String field : new LinkedHashSet<>(state.getKeys())) {
                    activeSince.put(field, Long.parseLong(state.get(field).toString()));
                }
            }
            return new Recent(true, Optional.ofNullable(newest), all.size() > MAX_ALERTS ? all.subList(0, MAX_ALERTS) : all, activeSince);
        }).onFailure().recoverWithItem(() -> inMemory(now));
    }

    private List<Alert> memoryAlerts(long now) {
        synchronized (alerts) {
            prune(alerts, now);
            return new ArrayList<>(alerts);
        }
    }

    /** Drops what is older than an hour or beyond the bound (the oldest, at the end). */
    private static void prune(ArrayDeque<Alert> alerts, long now) {
        while (alerts.size() > MAX_ALERTS) {
            alerts.removeLast();
        }
        for (Iterator<Alert> i = alerts.descendingIterator(); i.hasNext();) {
            if (i.next().at() <= now - KEEP_ALERTS.toMillis()) {
                i.remove();
            } else {
                break;
            }
        }
    }

    private static Map<String, Object> toJson(LastSweep sweep) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("finishedAt", sweep.finishedAt());
        json.put("runId", sweep.runId());
        json.put("entriesTouched", sweep.entriesTouched());
        json.put("actions", sweep.actions());
        json.put("durationMillis", sweep.durationMillis());
        json.put("complete", sweep.complete());
        return json;
    }

    private static Map<String, Object> toJson(Alert alert) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("at", alert.at());
        json.put("state", alert.state());
        json.put("condition", alert.condition());
        json.put("source", alert.source());
        json.put("value", alert.value());
        json.put("threshold", alert.threshold());
        json.put("since", alert.since());
        return json;
    }

    /** Null for what cannot be read (written by another version, say): the page shows what it can. */
    private LastSweep parseSweep(String text) {
        try {
            JsonNode json = mapper.readTree(text);
            Map<String, Integer> actions = new TreeMap<>();
            json.path("actions").fields().forEachRemaining(e -> actions.put(e.getKey(), e.getValue().asInt()));
            return new LastSweep(json.path("finishedAt").asLong(), json.path("runId").asText(), json.path("entriesTouched").asInt(), actions,
                    json.path("durationMillis").asLong(), json.path("complete").asBoolean());
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private Alert parseAlert(String text) {
        try {
            JsonNode json = mapper.readTree(text);
            return new Alert(json.path("at").asLong(), json.path("state").asText(), json.path("condition").asText(), json.path("source").asText(),
                    json.path("value").asDouble(), json.path("threshold").asDouble(), json.path("since").asLong());
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
