package com.example.profiles.testing;

import com.example.profiles.devtools.FunctionTopics;
import com.example.profiles.devtools.servers.RedisServerProcess;
import com.example.profiles.devtools.servers.KafkaBroker;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Quarkus test resource: a real Redis ({@link RedisServerProcess}) and a real Kafka broker
 * ({@link KafkaBroker}) on loopback, with the topics of every {@code functions/*}{@code /function.json}
 * created. Use it with {@code @WithTestResource(RealInfrastructure.class)}; a field
 * {@code @InjectInfrastructure Infrastructure infrastructure} gives the test the servers.
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
 * <p>A test may stop Redis through {@link Infrastructure#redis()} to see how the application copes;
 * it should restart it itself, but the next test instance gets a running (empty) Redis regardless.
 */
public class RealInfrastructure implements QuarkusTestResourceLifecycleManager {

    private static final Object LOCK = new Object();
    private static RedisServerProcess redis;
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
            if (redis == null) {
                redis = RedisServerProcess.start();
            } else if (!redis.isRunning()) {
                redis.restart(); // a test stopped it and did not bring it back
            }
            kafka = kafkaWithFunctionTopics(kafka);
            return Map.of(
                    "quarkus.redis.hosts", redis.uri(),
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
     * Called for every new test instance. Test classes with the same resources share one running
     * application, so {@link #start()} is not called between them: a test that stopped Redis and
     * failed before restarting it would break every later test. Hence Redis is brought back here.
     */
    @Override
    public void inject(TestInjector testInjector) {
        Infrastructure infrastructure;
        synchronized (LOCK) {
            if (redis != null && !redis.isRunning()) {
                redis.restart();
            }
            infrastructure = new Infrastructure(redis, kafka);
        }
        testInjector.injectIntoFields(infrastructure,
                new TestInjector.AnnotatedAndMatchesType(InjectInfrastructure.class, Infrastructure.class));
    }

    /** The servers currently shared, for code that is not a Quarkus test; null parts when stopped. */
    public static Infrastructure current() {
        synchronized (LOCK) {
            return new Infrastructure(redis, kafka);
        }
    }

    /**
     * {@code broker} if it runs, else a newly started one, with the topics of every
     * {@code functions/*}{@code /function.json} created. Shared with {@link RealClusterInfrastructure}.
     */
    static KafkaBroker kafkaWithFunctionTopics(KafkaBroker broker) {
        KafkaBroker running = broker != null && broker.isRunning() ? broker : KafkaBroker.start();
        try {
            List<String> topics = FunctionTopics.fromProject();
            running.createTopics(topics.toArray(String[]::new));
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
        kafka = null;
        redis = null;
        try {
            if (broker != null) {
                broker.stop();
            }
        } finally {
            if (server != null) {
                server.stop();
            }
        }
    }
}
