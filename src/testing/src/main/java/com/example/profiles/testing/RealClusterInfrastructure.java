package com.example.profiles.testing;

import com.example.profiles.devtools.servers.RedisClusterProcess;
import com.example.profiles.devtools.servers.KafkaBroker;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Quarkus test resource: like {@link RealInfrastructure}, but Redis is a real three-master Redis
 * Cluster ({@link RedisClusterProcess}) and the application is configured with
 * {@code quarkus.redis.client-type=cluster} and the node URIs as {@code quarkus.redis.hosts}. Kafka
 * is a real broker ({@link KafkaBroker}) with the topics of every
 * {@code functions/*}{@code /function.json} created. Use it with
 * {@code @WithTestResource(RealClusterInfrastructure.class)}; a field
 * {@code @InjectClusterInfrastructure ClusterInfrastructure infrastructure} gives the test the servers.
 *
 * <p>The servers are static singletons with the same sharing rules as in {@link RealInfrastructure}:
 * shared by every instance of this resource in one class loader, stopped by the last
 * {@link #stop()} and by a JVM shutdown hook. A test class that uses this resource and one that uses
 * {@link RealInfrastructure} run in different applications, so they never share servers.
 *
 * <p>A test may stop the cluster or one of its nodes; before the next test instance the whole
 * cluster is {@linkplain RedisClusterProcess#restart() formed anew} (empty, on the same ports), since
 * a node restarted on its own would not rejoin it.
 */
public class RealClusterInfrastructure implements QuarkusTestResourceLifecycleManager {

    private static final Object LOCK = new Object();
    private static RedisClusterProcess cluster;
    private static KafkaBroker kafka;
    /** Instances of this resource started and not yet stopped. */
    private static int users;
    private static boolean shutdownHookAdded;

    /** Whether this instance counts in {@link #users}, so a repeated stop() releases only once. */
    private boolean started;

    @Override
    public Map<String, String> start() {
        synchronized (LOCK) {
            if (!started) {
                started = true;
                users++;
            }
            addShutdownHookOnce();
            if (cluster == null) {
                cluster = RedisClusterProcess.start();
            } else if (!cluster.isRunning()) {
                cluster.restart(); // a test stopped a node and did not bring the cluster back
            }
            kafka = RealInfrastructure.kafkaWithFunctionTopics(kafka);
            return Map.of(
                    "quarkus.redis.hosts", cluster.hostsConfig(),
                    "quarkus.redis.client-type", "cluster",
                    "kafka.bootstrap.servers", kafka.bootstrapServers());
        }
    }

    @Override
    public void stop() {
        synchronized (LOCK) {
            if (started) {
                started = false;
                users--;
            }
            if (users <= 0) {
                users = 0;
                stopServers();
            }
        }
    }

    /**
     * Called for every new test instance; see {@link RealInfrastructure#inject}. A cluster with a
     * stopped node is formed anew here, so one failed outage test does not break the next.
     */
    @Override
    public void inject(TestInjector testInjector) {
        ClusterInfrastructure infrastructure;
        synchronized (LOCK) {
            if (cluster != null && !cluster.isRunning()) {
                cluster.restart();
            }
            infrastructure = new ClusterInfrastructure(cluster, kafka);
        }
        testInjector.injectIntoFields(infrastructure,
                new TestInjector.AnnotatedAndMatchesType(InjectClusterInfrastructure.class, ClusterInfrastructure.class));
    }

    /** The servers currently shared, for code that is not a Quarkus test; null parts when stopped. */
    public static ClusterInfrastructure current() {
        synchronized (LOCK) {
            return new ClusterInfrastructure(cluster, kafka);
        }
    }

    private static void addShutdownHookOnce() {
        if (!shutdownHookAdded) {
            shutdownHookAdded = true;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                synchronized (LOCK) {
                    stopServers();
                }
            }, "real-cluster-infrastructure-shutdown"));
        }
    }

    private static void stopServers() {
        KafkaBroker broker = kafka;
        RedisClusterProcess servers = cluster;
        kafka = null;
        cluster = null;
        try {
            if (broker != null) {
                broker.stop();
            }
        } finally {
            if (servers != null) {
                servers.stop();
            }
        }
    }
}
