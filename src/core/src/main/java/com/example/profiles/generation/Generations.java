package com.example.profiles.generation;

import java.time.Duration;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import com.example.profiles.store.Deadline;
import com.example.profiles.store.PipelinedRedis;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * This instance's view of the generation pointer ({@value #POINTER} in Redis): read every
 * {@code profiles.generation.poll}, and again before any profile is written or read when the last
 * reading is older than {@code profiles.generation.stale-after} (so an instance that was paused, or
 * a Lambda environment that was frozen, never acts on an old pointer). Each reading also records
 * which version this instance acts on ({@value #INSTANCES}), which the switch waits for before its
 * next step. One GET of a small hash a second per instance; nothing on the event path while fresh.
 */
@ApplicationScoped
@Startup
public class Generations {

    private static final Logger LOG = Logger.getLogger(Generations.class);
    /** The pointer: current, next, phase, version. */
    public static final String POINTER = "profiles:generation";
    /** Instance id to "version|epoch millis" of its last reading. */
    public static final String INSTANCES = "profiles:generation:instances";

    private final PipelinedRedis redis;
    private final GenerationSettings settings;
    private final String instance;
    private final long timer;
    private final Vertx vertx;
    private volatile GenerationState state = GenerationState.INITIAL;
    /** System.nanoTime() of the last reading; 0 before the first. */
    private volatile long readAt;
    /** The version this instance last said it acts on, and when (epoch ms). */
    private volatile long saidVersion = -1;
    private volatile long saidAt;

    public Generations(PipelinedRedis redis, GenerationSettings settings, Vertx vertx) {
        this.redis = redis;
        this.settings = settings;
        this.vertx = vertx;
        this.instance = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.timer = vertx.setPeriodic(settings.poll().toMillis(), id -> refresh().subscribe().with(s -> {
        }, failure -> LOG.debugf("Generation pointer not read: %s", failure.getMessage())));
    }

    @PreDestroy
    void stop() {
        vertx.cancelTimer(timer);
    }

    /**
     * Runs on shutdown after {@code lifecycle.GracefulShutdown} (which observes first) has stopped
     * taking work and let what was in flight finish, while Redis is still open. An instance that goes
     * away says so, so a switch step does not wait {@code profiles.generation.instance-timeout} for
     * it (a scaled-down Service, a finished rebuild job). Best effort: a Redis that does not answer
     * within a second leaves the entry to that timeout.
     */
    void leave(@Observes @Priority(Interceptor.Priority.APPLICATION) ShutdownEvent shutdown) {
        try {
            redis.send(Request.cmd(Command.HDEL).arg(INSTANCES).arg(instance), Deadline.in(Duration.ofSeconds(1))).await()
                    .atMost(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            LOG.debugf("Instance %s not removed from %s: %s", instance, INSTANCES, e.getMessage());
        }
    }

    /** The last state read, however old: for what may act on a slightly old view (metrics, pages). */
    public GenerationState state() {
        return state;
    }

    /** The state to act on: the last reading if it is fresh, else a new one (which fails if Redis does not answer). */
    public Uni<GenerationState> fresh() {
        long read = readAt;
        if (read != 0 && System.nanoTime() - read < settings.staleAfter().toNanos()) {
            return Uni.createFrom().item(state);
        }
        return refresh();
    }

    /** Reads the pointer now and says this instance acts on it. */
    public Uni<GenerationState> refresh() {
        long started = System.nanoTime();
        Request read = Request.cmd(Command.HMGET).arg(POINTER).arg("current").arg("next").arg("phase").arg("version");
        return redis.send(read, Deadline.in(settings.staleAfter())).map(Generations::parse).flatMap(read1 -> {
            GenerationState before = state;
            state = read1;
            readAt = started;
            if (before.version() != read1.version()) {
                LOG.infof("Profiles: %s", read1);
            }
            // Said when the version changes, and otherwise a few times per instance timeout: often
            // enough to count as alive, without a write a second per instance.
            long now = System.currentTimeMillis();
            if (read1.version() == saidVersion && now - saidAt < settings.instanceTimeout().toMillis() / 3) {
                return Uni.createFrom().item(read1);
            }
            Request ack = Request.cmd(Command.HSET).arg(INSTANCES).arg(instance).arg(read1.version() + "|" + now);
            return redis.send(ack, Deadline.in(settings.staleAfter())).invoke(said -> {
                saidVersion = read1.version();
                saidAt = now;
            }).replaceWith(read1);
        });
    }

    /** This instance's name in {@value #INSTANCES}. */
    public String instance() {
        return instance;
    }

    private static GenerationState parse(Response reply) {
        Map<String, String> fields = new HashMap<>();
        List<String> names = List.of("current", "next", "phase", "version");
        for (int i = 0; i < names.size(); i++) {
            Response value = reply == null ? null : reply.get(i);
            if (value != null) {
                fields.put(names.get(i), value.toString());
            }
        }
        return GenerationState.of(fields);
    }
}
