package com.example.profiles.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.example.profiles.core.CurrencyConverter;
import com.example.profiles.core.ProfileSettings;
import com.example.profiles.customer.CustomerSettings;
import com.example.profiles.customer.KeyedHash;
import com.example.profiles.devtools.servers.PackagedApp;
import com.example.profiles.profile.ProfileReader;
import com.example.profiles.testing.ClusterInfrastructure;
import com.example.profiles.testing.ConsumerGroups;
import com.example.profiles.testing.InjectClusterInfrastructure;
import com.example.profiles.testing.LongTest;
import com.example.profiles.testing.RealClusterInfrastructure;
import com.example.profiles.testing.RealInfrastructure;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Scale-out, proven on one machine: two instances of the packaged Knative application
 * ({@code target/quarkus-app/quarkus-run.jar}, child JVMs with their Kafka consumers on, as a plain
 * container platform runs them) in the same consumer group of each function, sharing the
 * {@value #PARTITIONS} partitions of every topic, against one real KRaft broker and a real
 * three-master Redis Cluster. While a stream of re-delivered, shuffled events is being produced,
 * instance b is stopped (SIGTERM) and started again, then instance a is killed (SIGKILL: nothing
 * committed on the way out, so the survivor gets its uncommitted records again) and started again:
 * four rebalances. Once every group has committed everything, each profile must equal the oracle's.
 *
 * <p>This JVM is the oracle's side only: its own Quarkus application has no Kafka consumers
 * ({@link OracleOnly}) and serves the in-process {@link ProfileReader} the comparison reads with.
 * Run by failsafe after {@code package}, like every {@code *ProcessIT} (tag {@code process});
 * surefire leaves it out.
 * {@code -Dordering.seed=N} repeats a stream.
 */
@LongTest
@QuarkusTest
@Tag("process")
@TestProfile(ScaleOutProcessIT.OracleOnly.class)
@WithTestResource(value = RealClusterInfrastructure.class,
        initArgs = @ResourceArg(name = RealInfrastructure.TOPIC_PARTITIONS_ARG, value = "" + ScaleOutProcessIT.PARTITIONS))
class ScaleOutProcessIT {

    static final int PARTITIONS = 6;
    static final int USERS = 60;
    static final int EVENTS_PER_USER = 40;
    /** Deliveries per second the producer offers: a live stream, not a backlog (the steps hold it back where they need to). */
    static final int RATE = 250;
    /** Generous: a JVM start on a loaded 2-core machine can take tens of seconds. */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(120);
    private static final String STREAM = "first delivery produced -> every group committed everything";

    /** The in-process application only reads and computes the oracle; the two child JVMs consume. */
    public static class OracleOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("profiles.kafka.consumers.enabled", "false");
        }
    }

    @InjectClusterInfrastructure
    ClusterInfrastructure infrastructure;
    @Inject
    ProfileReader reader;
    @Inject
    CurrencyConverter currencies;
    @Inject
    KeyedHash hash;
    @Inject
    ProfileSettings settings;
    @Inject
    CustomerSettings customerSettings;

    @Test
    void twoInstancesInOneGroupKeepEveryProfileThroughStopsRestartsAndACrash() throws Exception {
        long testStarted = System.nanoTime();
        long seed = Long.getLong("ordering.seed", System.nanoTime());
        String run = UUID.randomUUID().toString().substring(0, 8);
        long start = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
        List<GeneratedEvent> events = new StreamGenerator(seed, run).generate(USERS, EVENTS_PER_USER, start,
                Deliveries.JITTER_MILLIS + 60_000, true);
        ProfileOracle oracle = new ProfileOracle(currencies, hash, settings.purchase().recentSkus());
        oracle.applyInEventTimeOrder(events);
        List<GeneratedEvent> arrival = Deliveries.redeliveredAndShuffled(events, new Random(seed));

        String bootstrap = infrastructure.kafka().bootstrapServers();
        // What the run measured, in the order it happened: durations in ms, and records handled per instance life.
        Map<String, Long> measured = new LinkedHashMap<>();
        try {
            try (ConsumerGroups groups = new ConsumerGroups(bootstrap)) {
                long launched = System.nanoTime();
                try (PackagedApp a = instance("a");
                        PackagedApp b = instance("b");
                        PacedProducer producer = new PacedProducer(bootstrap, arrival, RATE)) {
                    runScenario(new Scenario(groups, List.of(a, b)), a, b, producer, arrival, launched, measured);
                }
            }
            OracleComparison.assertEveryProfileEqualsOracle(events, arrival, oracle,
                    user -> reader.read(user).await().atMost(Duration.ofSeconds(5)), true, "seed " + seed);
        } finally {
            // Also when it fails: how far it got and how long each step took.
            measured.put("whole test", millisSince(testStarted));
            report(seed, events.size(), arrival.size(), measured);
        }
    }

    /**
     * The four steps, each while the stream flows: the producer is let through only to the next
     * step's end, and each step waits for the rebalance it causes to finish.
     */
    private static void runScenario(Scenario scenario, PackagedApp a, PackagedApp b, PacedProducer producer, List<GeneratedEvent> arrival,
            long launched, Map<String, Long> measured) throws InterruptedException {
        scenario.awaitOwners(Set.of("a", "b"));
        measured.put("both instances launched -> partitions shared", millisSince(launched));

        producer.openGate(arrival.size() * 40 / 100);
        long streamStarted = System.nanoTime();
        producer.start();

        // 1. b stops gracefully in the middle of the stream: a takes over all partitions.
        scenario.awaitSent(producer, arrival.size() * 20 / 100);
        long handled = eventsHandled(b);
        assertThat(handled).as("records instance b handled before it was stopped").isPositive();
        measured.put("records b handled in its first life (until just before SIGTERM)", handled);
        long stopping = System.nanoTime();
        int exit = b.terminate();
        measured.put("SIGTERM b -> b exited (exit " + exit + ")", millisSince(stopping));
        scenario.awaitOwners(Set.of("a"));
        measured.put("SIGTERM b -> a holds all partitions", millisSince(stopping));
        producer.openGate(arrival.size() * 60 / 100);

        // 2. b starts again: the partitions are shared again.
        scenario.awaitSent(producer, arrival.size() * 40 / 100);
        long restarting = System.nanoTime();
        b.restart();
        scenario.awaitOwners(Set.of("a", "b"));
        measured.put("b launched again -> partitions shared", millisSince(restarting));
        producer.openGate(arrival.size() * 80 / 100);

        // 3. a is killed: what it applied since its last commit is delivered to b again.
        scenario.awaitSent(producer, arrival.size() * 60 / 100);
        handled = eventsHandled(a);
        assertThat(handled).as("records instance a handled before it was killed").isPositive();
        measured.put("records a handled in its first life (until just before SIGKILL)", handled);
        long killing = System.nanoTime();
        a.kill();
        scenario.awaitOwners(Set.of("b"));
        measured.put("SIGKILL a -> b holds all partitions (after a's session timeout)", millisSince(killing));
        producer.openGate(arrival.size() * 90 / 100);

        // 4. a starts again; the last tenth of the stream is produced only once both share it again.
        scenario.awaitSent(producer, arrival.size() * 80 / 100);
        long relaunching = System.nanoTime();
        a.restart();
        scenario.awaitOwners(Set.of("a", "b"));
        measured.put("a launched again -> partitions shared", millisSince(relaunching));
        producer.openGate(arrival.size());

        producer.awaitDone(STEP_TIMEOUT);
        long produced = System.nanoTime();
        measured.put("stream produced (" + arrival.size() + " deliveries)", millisSince(streamStarted));
        scenario.awaitNoLag();
        measured.put("last delivery produced -> every group committed everything", millisSince(produced));
        long streamMillis = millisSince(streamStarted);
        measured.put(STREAM, streamMillis);

        // Both instances, as they run now, took part.
        handled = eventsHandled(b);
        assertThat(handled).as("records instance b handled after its restart").isPositive();
        measured.put("records b handled in its second life", handled);
        handled = eventsHandled(a);
        assertThat(handled).as("records instance a handled after its restart").isPositive();
        measured.put("records a handled in its second life", handled);
        scenario.assertOwners(Set.of("a", "b"));
    }

    private PackagedApp instance(String name) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("REDIS_URL", infrastructure.cluster().hostsConfig());
        env.put("QUARKUS_REDIS_CLIENT_TYPE", "cluster");
        env.put("KAFKA_BOOTSTRAP_SERVERS", infrastructure.kafka().bootstrapServers());
        // The same key as the oracle's, or hashed e-mail addresses would differ.
        env.put("PROFILE_HASH_KEY", customerSettings.hashKey());
        // No sweep: it would abandon the generated carts, whose events are an hour old.
        env.put("PROFILES_SWEEPER_EVERY", "off");
        env.put("MALLOC_ARENA_MAX", "2");
        List<String> jvm = List.of(
                // Small and cheap on a shared 2-core machine: one GC thread, C1 only.
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                // Tells the instances' consumers apart in the group descriptions. Everything else is
                // the application's own configuration (a killed instance's partitions move once its
                // session expires: profiles.kafka.session-timeout, 10 s).
                "-Dmp.messaging.connector.smallrye-kafka.client-id-prefix=" + name + "-");
        Path jar = Path.of(System.getProperty("knative.app.jar", "target/quarkus-app/quarkus-run.jar"));
        return PackagedApp.start(name, jar, Path.of("target", "scale-out", "instance-" + name + ".log"), env, jvm);
    }

    /** Records an instance's Kafka consumers handled in its current life ({@code profile_events_total{trigger="kafka"}}, all outcomes). */
    private static long eventsHandled(PackagedApp app) {
        app.awaitHttp("/q/health/live", STEP_TIMEOUT);
        double total = 0;
        for (String line : app.get("/q/metrics").split("\n")) {
            if (line.startsWith("profile_events_total{") && line.contains("trigger=\"kafka\"")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return (long) total;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void report(long seed, int events, int deliveries, Map<String, Long> measured) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "ScaleOutProcessIT: seed %d, %d events, %d deliveries over %d topics x %d partitions, offered at up to %d/s%n",
                seed, events, deliveries, Deliveries.TOPICS.size(), PARTITIONS, RATE));
        if (measured.containsKey(STREAM)) {
            text.append(String.format(Locale.ROOT, "  %.0f deliveries/s through the two instances, first produced to last committed%n",
                    deliveries * 1000.0 / measured.get(STREAM)));
        }
        measured.forEach((what, value) -> text.append(String.format(Locale.ROOT, "  %-66s %6d%s%n", what, value,
                what.startsWith("records") ? "" : " ms")));
        System.out.print(text);
    }

    /** Watches the consumer groups of the functions and the instances while they change. */
    private static final class Scenario {

        private final ConsumerGroups groups;
        private final List<PackagedApp> instances;

        Scenario(ConsumerGroups groups, List<PackagedApp> instances) {
            this.groups = groups;
            this.instances = instances;
            for (String topic : Deliveries.TOPICS) {
                assertThat(groups.partitionCount(topic)).as("partitions of " + topic).isEqualTo(PARTITIONS);
            }
        }

        /**
         * Until every function's group is stable with exactly one member per named instance, each
         * holding at least one partition, together all of them: the rebalance is over.
         */
        void awaitOwners(Set<String> owners) {
            await("consumer groups owned by " + owners, () -> owners(owners).isEmpty());
        }

        void assertOwners(Set<String> owners) {
            assertThat(owners(owners)).as("consumer groups not shared by " + owners).isEmpty();
        }

        void awaitSent(PacedProducer producer, int deliveries) {
            await(deliveries + " deliveries produced", () -> {
                producer.checkHealthy();
                return producer.sent() >= deliveries;
            });
        }

        void awaitNoLag() {
            await("no lag in any group", () -> Deliveries.TOPICS.stream()
                    .allMatch(topic -> groups.lag(Deliveries.consumerGroup(topic), topic) == 0));
        }

        /** The groups that are not (yet) as wanted, described; empty when all are. */
        private List<String> owners(Set<String> owners) {
            List<String> wrong = new ArrayList<>();
            for (String topic : Deliveries.TOPICS) {
                ConsumerGroups.Group group = groups.describe(Deliveries.consumerGroup(topic));
                Set<String> names = new TreeSet<>();
                boolean everyMemberHolds = true;
                for (ConsumerGroups.Member member : group.members()) {
                    names.add(instanceOf(member.clientId()));
                    everyMemberHolds &= !member.partitions().isEmpty()
                            && member.partitions().stream().allMatch(p -> p.topic().equals(topic));
                }
                boolean ok = group.state().equalsIgnoreCase("Stable") && group.members().size() == owners.size()
                        && names.equals(new TreeSet<>(owners)) && everyMemberHolds && group.assigned().size() == PARTITIONS;
                if (!ok) {
                    wrong.add(group.toString());
                }
            }
            return wrong;
        }

        private static String instanceOf(String clientId) {
            int dash = clientId.indexOf('-');
            return dash < 0 ? clientId : clientId.substring(0, dash);
        }

        private void await(String what, BooleanSupplier condition) {
            long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
            while (!condition.getAsBoolean()) {
                for (PackagedApp app : instances) {
                    // An instance that should run but died: say why at once instead of timing out.
                    if (app.pid() != -1 && !app.isAlive()) {
                        throw new AssertionError("instance " + app.name() + " died while waiting for " + what + ":\n" + app.logTail(40));
                    }
                }
                if (System.nanoTime() > deadline) {
                    StringBuilder state = new StringBuilder();
                    for (String topic : Deliveries.TOPICS) {
                        state.append("\n  ").append(groups.describe(Deliveries.consumerGroup(topic)));
                    }
                    for (PackagedApp app : instances) {
                        state.append("\n--- ").append(app).append(" (").append(app.log()).append("):\n").append(app.logTail(20));
                    }
                    throw new AssertionError("no " + what + " within " + STEP_TIMEOUT.toSeconds() + " s; groups:" + state);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for " + what, e);
                }
            }
        }
    }
}
