package com.example.profiles.testing;

import java.util.List;
import java.util.Map;

import com.example.profiles.devtools.FunctionTopics;
import com.example.profiles.devtools.servers.KafkaBroker;
import com.example.profiles.devtools.servers.RedisServerProcess;
import com.example.profiles.devtools.servers.TestTls;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Quarkus test resource: a real Redis, and a real Kafka broker whose only listener the application
 * is given is SASL_SSL with SCRAM-SHA-512 (a throwaway TLS identity made for the run), as an Amazon
 * MSK cluster with SASL/SCRAM offers. The application is configured as a deployment would be:
 * {@code profiles.kafka.auth=scram} and the credentials; only the trust store is the test's (MSK's
 * certificates chain to a public CA the JVM trusts). A plaintext listener stays for the tests' own
 * clients ({@link KafkaBroker#bootstrapServers()}). Inject with {@link InjectInfrastructure}.
 */
public class ScramInfrastructure implements QuarkusTestResourceLifecycleManager {

    public static final String USERNAME = "profile-functions";
    public static final String PASSWORD = "scram-test-" + Long.toHexString(Double.doubleToLongBits(Math.random()));

    private static TestTls tls;
    private static RedisServerProcess redis;
    private static KafkaBroker kafka;

    @Override
    public synchronized Map<String, String> start() {
        try {
            tls = TestTls.create(java.nio.file.Files.createTempDirectory("scram-tls-"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        redis = RedisServerProcess.start();
        kafka = KafkaBroker.startWithScram(new KafkaBroker.ScramListener(tls, USERNAME, PASSWORD));
        List<String> topics = FunctionTopics.fromProject();
        kafka.createTopics(topics.toArray(String[]::new));
        return Map.of(
                "quarkus.redis.hosts", redis.uri(),
                "kafka.bootstrap.servers", kafka.saslSslBootstrapServers(),
                "profiles.kafka.auth", "scram",
                "profiles.kafka.scram.username", USERNAME,
                "profiles.kafka.scram.password", PASSWORD,
                "kafka.ssl.truststore.type", "PKCS12",
                "kafka.ssl.truststore.location", tls.trustStore().toString(),
                "kafka.ssl.truststore.password", tls.password());
    }

    @Override
    public synchronized void stop() {
        try {
            if (kafka != null) {
                kafka.stop();
            }
        } finally {
            if (redis != null) {
                redis.stop();
            }
            kafka = null;
            redis = null;
        }
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(new Infrastructure(redis, kafka),
                new TestInjector.AnnotatedAndMatchesType(InjectInfrastructure.class, Infrastructure.class));
    }

    /** The trust store holding the brokers' certificate, for the tests' own SASL_SSL clients. */
    public static TestTls tls() {
        return tls;
    }
}
