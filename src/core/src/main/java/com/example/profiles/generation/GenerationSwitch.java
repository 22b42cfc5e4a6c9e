package com.example.profiles.generation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.example.profiles.generation.GenerationState.Phase;
import com.example.profiles.store.Generation;
import com.example.profiles.store.ProfileScript;
import com.example.profiles.store.ProfileStore;

import io.quarkus.redis.datasource.RedisDataSource;

/**
 * The steps of a switch between generations, taken by a rebuild: each moves the pointer from the
 * version it read (a compare-and-set in one script), then waits until every live instance says it
 * acts on the new version, so the next step can rely on all of them having taken this one. An
 * instance that has said nothing for {@code profiles.generation.instance-timeout} is taken as gone
 * (it re-reads the pointer before it writes again: {@link Generations#fresh()}). Blocking: called
 * from the rebuild's own thread.
 */
@ApplicationScoped
public class GenerationSwitch {

    private static final Logger LOG = Logger.getLogger(GenerationSwitch.class);
    private static final ProfileScript MOVE = ProfileScript.plain("generation-pointer");

    private final ProfileStore store;
    private final RedisDataSource redis;
    private final Generations generations;
    private final GenerationSettings settings;

    public GenerationSwitch(ProfileStore store, RedisDataSource redis, Generations generations, GenerationSettings settings) {
        this.store = store;
        this.redis = redis;
        this.generations = generations;
        this.settings = settings;
    }

    /** The pointer as it is now. */
    public GenerationState read() {
        return generations.refresh().await().atMost(Duration.ofSeconds(10));
    }

    /**
     * From IDLE: the next generation is built (BUILDING). A switch already under way is answered as
     * it is, so a rebuild that crashed goes on where it was.
     */
    public GenerationState begin() {
        GenerationState now = read();
        if (now.phase() != Phase.IDLE) {
            return now;
        }
        return move(now, new GenerationState(now.current(), nextAfter(now.current()), Phase.BUILDING, now.version() + 1));
    }

    /** One phase on: BUILDING to DUAL to SWITCHED; from SWITCHED, the next generation becomes the current one (IDLE). */
    public GenerationState advance(GenerationState from) {
        GenerationState to = switch (from.phase()) {
            case BUILDING -> new GenerationState(from.current(), from.next(), Phase.DUAL, from.version() + 1);
            case DUAL -> new GenerationState(from.current(), from.next(), Phase.SWITCHED, from.version() + 1);
            case SWITCHED -> new GenerationState(from.next(), null, Phase.IDLE, from.version() + 1);
            case IDLE -> throw new IllegalStateException("no switch under way");
        };
        return move(from, to);
    }

    /** Gives a rebuild up before its switch (BUILDING or DUAL): the current generation stays the only one. */
    public GenerationState abandon(GenerationState from) {
        if (from.phase() != Phase.BUILDING && from.phase() != Phase.DUAL) {
            throw new IllegalStateException("a rebuild can be given up only before the switch, not in " + from.phase());
        }
        return move(from, new GenerationState(from.current(), null, Phase.IDLE, from.version() + 1));
    }

    private GenerationState move(GenerationState from, GenerationState to) {
        List<String> args = new ArrayList<>();
        args.add(Long.toString(from.version()));
        to.fields().forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        long moved = store.run(MOVE, List.of(Generations.POINTER), args).await().atMost(Duration.ofSeconds(10)).toLong();
        if (moved != 1) {
            throw new IllegalStateException("the generation pointer moved meanwhile (expected version " + from.version() + "): " + read());
        }
        LOG.infof("Generation pointer: %s -> %s", from, to);
        generations.refresh().await().atMost(Duration.ofSeconds(10));
        return to;
    }

    /**
     * Waits until every instance heard from within the instance timeout acts on {@code state}'s
     * version or a later one. Fails after {@code timeout}, naming the instances that did not.
     */
    public void awaitAcknowledged(GenerationState state, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> behind = behind(state.version());
            if (behind.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("instances still act on an older generation pointer than version " + state.version() + ": " + behind);
            }
            sleep(settings.poll().toMillis() / 2 + 1);
        }
    }

    private List<String> behind(long version) {
        long now = System.currentTimeMillis();
        long alive = now - settings.instanceTimeout().toMillis();
        List<String> behind = new ArrayList<>();
        for (Map.Entry<String, String> instance : redis.hash(String.class).hgetall(Generations.INSTANCES).entrySet()) {
            String[] said = instance.getValue().split("\\|");
            long at = Long.parseLong(said[1]);
            if (at < alive) {
                if (at < now - 10 * settings.instanceTimeout().toMillis()) {
                    redis.hash(String.class).hdel(Generations.INSTANCES, instance.getKey()); // long gone
                }
                continue;
            }
            if (Long.parseLong(said[0]) < version) {
                behind.add(instance.getKey() + " (version " + said[0] + ")");
            }
        }
        return behind;
    }

    /**
     * Forgets the instances not heard from for ten instance timeouts (stopped, scaled to zero, a
     * Lambda environment reclaimed), so {@value Generations#INSTANCES} stays as small as the
     * instances that run. The sweeper calls it each run. Answers how many were forgotten.
     */
    public int forgetGoneInstances(long nowMillis) {
        long gone = nowMillis - 10 * settings.instanceTimeout().toMillis();
        List<String> forget = new ArrayList<>();
        redis.hash(String.class).hgetall(Generations.INSTANCES).forEach((instance, said) -> {
            String[] versionAndTime = said.split("\\|");
            if (versionAndTime.length != 2 || Long.parseLong(versionAndTime[1]) < gone) {
                forget.add(instance);
            }
        });
        if (!forget.isEmpty()) {
            redis.hash(String.class).hdel(Generations.INSTANCES, forget.toArray(String[]::new));
        }
        return forget.size();
    }

    /** The generation after {@code current}. */
    static Generation nextAfter(Generation current) {
        return current.next();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
