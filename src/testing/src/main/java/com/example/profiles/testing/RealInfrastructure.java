package com.example.profiles.testing;

import com.example.profiles.devtools.FunctionTopics;
import com.example.profiles.devtools.servers.KafkaBroker;
import com.example.profiles.devtools.servers.RedisClusterProcess;
import com.example.profiles.devtools.servers.RedisServerProcess;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Quarkus test resource: a real Redis and a real Kafka broker ({@link KafkaBroker}) on loopback,
 * with the topics of every {@code functions/*}{@code /function.json} created. Redis is one server
 * ({@link RedisServerProcess}) or, with {@link RealClusterInfrastructure} (or the resource argument
 * {@code redis=cluster}), a real three-master Redis Cluster ({@link RedisClusterProcess}) and the
 * application configured with {@code quarkus.redis.client-type=cluster}.
 *
 * <pre>{@code
 * @QuarkusTest
 * @WithTestResource(RealInfrastructure.class)            // or RealClusterInfrastructure.class
 * class RedisOutageIT {
 *     @InjectInfrastructure Infrastructure infrastructure;   // @InjectClusterInfrastructure ClusterInfrastructure
 * }
 * }</pre>
 *
 * <p>The servers are static singletons: every instance of this resource in one class loader shares
 * them, and the last {@link #stop()} stops them (a count of started instances decides which one is
 * last). A JVM shutdown hook stops them too, for runs that end without {@code stop()}. A later
 * {@link #start()} starts fresh servers.
 *
 * <p>Quarkus loads this class in the class loader of the application under test, and a different
 * test profile or set of test resources means a new application and a new class loader: the
 * previous servers are stopped and new ones started (on new ports). Test classes that share an
 * application share the servers.
 *
 * <p>The topics get one partition each, or as many as the resource argument {@value #TOPIC_PARTITIONS_ARG}
 * says ({@code initArgs = @ResourceArg(name = "topic-partitions", value = "6")}), for tests of several
 * consumers sharing a topic. They are created with that many from the start (adding partitions
 * later makes the KRaft broker log errors); a topic that exists already keeps its partitions.
 *
 * <p>A test may stop Redis (or a cluster node) to see how the application copes; it should bring it
 * back itself, but the next test instance gets a running, empty Redis regardless: a single server
 * is restarted, a cluster with a stopped node is {@linkplain RedisClusterProcess#restart() formed
 * anew} on the same ports, since a node restarted on its own would not rejoin it.
 */
public class RealInfrastructure implements QuarkusTestResourceLifecycleManager {

    /** What Redis is. */
    public enum Redis {
        /** One redis-server. */
        SINGLE,
        /** A three-master Redis Cluster. */
        CLUSTER
    }

    /** The resource argument that picks {@link Redis}: {@code single} (default) or {@code cluster}. */
    public static final String REDIS_ARG = "redis";
    /** The resource argument that sets how many partitions each function topic gets (default 1). */
    public static final String TOPIC_PARTITIONS_ARG = "topic-partitions";

    private static final Object LOCK = new Object();
    private static RedisServerProcess redis;
    private static RedisClusterProcess cluster;
    private static KafkaBroker kafka;
    /** Instances of this resource started and not yet stopped. */
    private static int users;
    private static boolean shutdownHookAdded;

    private Redis mode;
    private int topicPartitions = 1;
    /** Whether this instance counts in {@link #users}, so a repeated stop() releases only once. */
    private boolean started;

    public RealInfrastructure() {
        this(Redis.SINGLE);
    }

    protected RealInfrastructure(Redis mode) {
        this.mode = mode;
    }

    @Override
    public void init(Map<String, String> initArgs) {
        String arg = initArgs.get(REDIS_ARG);
        if (arg != null) {
            mode = Redis.valueOf(arg.toUpperCase(Locale.ROOT));
        }
        topicPartitions = Integer.parseInt(initArgs.getOrDefault(TOPIC_PARTITIONS_ARG, "1"));
    }

    @Override
    public Map<String, String> start() {
        synchronized (LOCK) {
            if (!started) {
                started = true;
                users++;
            }
            addShutdownHookOnce();
            bringRedisUp(mode);
            kafka = kafkaWithFunctionTopics(kafka, topicPartitions);
            return switch (mode) {
                case SINGLE -> Map.of(
                        "quarkus.redis.hosts", redis.uri(),
                        "kafka.bootstrap.servers", kafka.bootstrapServers());
                case CLUSTER -> Map.of(
                        "quarkus.redis.hosts", cluster.hostsConfig(),
                        "quarkus.redis.client-type", "cluster",
                        "kafka.bootstrap.servers", kafka.bootstrapServers());
            };
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
     * Called for every new test instance. Test classes with the same resources share one running
     * application, so {@link #start()} is not called between them: a test that stopped Redis and
     * failed before bringing it back would break every later test. Hence Redis is brought back here.
     */
    @Override
    public void inject(TestInjector testInjector) {
        synchronized (LOCK) {
            if (mode == Redis.SINGLE ? redis != null : cluster != null) {
                bringRedisUp(mode);
            }
            switch (mode) {
                case SINGLE -> testInjector.injectIntoFields(new Infrastructure(redis, kafka),
                        new TestInjector.AnnotatedAndMatchesType(InjectInfrastructure.class, Infrastructure.class));
                case CLUSTER -> testInjector.injectIntoFields(new ClusterInfrastructure(cluster, kafka),
                        new TestInjector.AnnotatedAndMatchesType(InjectClusterInfrastructure.class, ClusterInfrastructure.class));
            }
        }
    }

    /** The single-node servers currently shared, for code that is not a Quarkus test; null parts when stopped. */
    public static Infrastructure current() {
        synchronized (LOCK) {
            return new Infrastructure(redis, kafka);
        }
    }

    /** The cluster servers currently shared, for code that is not a Quarkus test; null parts when stopped. */
    public static ClusterInfrastructure currentCluster() {
        synchronized (LOCK) {
            return new ClusterInfrastructure(cluster, kafka);
        }
    }

    /** Starts this mode's Redis, or brings it back if a test stopped it (or one of its nodes). */
    private static void bringRedisUp(Redis mode) {
        switch (mode) {
            case SINGLE -> {
                if (redis == null) {
                    redis = RedisServerProcess.start();
                } else if (!redis.isRunning()) {
                    redis.restart();
                }
            }
            case CLUSTER -> {
                if (cluster == null) {
                    cluster = RedisClusterProcess.start();
                } else if (!cluster.isRunning()) {
                    cluster.restart();
                }
            }
        }
    }

    /**
     * {@code broker} if it runs, else a newly started one, with the topics of every
     * {@code functions/*}{@code /function.json} created with {@code partitions} partitions.
     */
    static KafkaBroker kafkaWithFunctionTopics(KafkaBroker broker, int partitions) {
        KafkaBroker running = broker != null && broker.isRunning() ? broker : KafkaBroker.start();
        try {
            List<String> topics = FunctionTopics.fromProject();
            running.createTopics(partitions, topics.toArray(String[]::new));
        } catch (RuntimeException e) {
            if (running != broker) {
                try {
                    running.stop(); // nobody holds it yet, so nothing else would stop it
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        return running;
    }

    private static void addShutdownHookOnce() {
        if (!shutdownHookAdded) {
            shutdownHookAdded = true;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                synchronized (LOCK) {
                    stopServers();
                }
            }, "real-infrastructure-shutdown"));
        }
    }

    private static void stopServers() {
        KafkaBroker broker = kafka;
        RedisServerProcess server = redis;
        RedisClusterProcess servers = cluster;
        kafka = null;
        redis = null;
        cluster = null;
        try {
            if (broker != null) {
                broker.stop();
            }
        } finally {
            try {
                if (server != null) {
                    server.stop();
                }
            } finally {
                if (servers != null) {
                    servers.stop();
                }
            }
        }
    }
}
