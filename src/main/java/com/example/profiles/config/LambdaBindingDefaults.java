package com.example.profiles.config;

import java.util.Map;

import io.smallrye.config.common.MapBackedConfigSource;

/**
 * What the long-running runtime does by itself and a Lambda must not, switched off wherever the
 * AWS Lambda binding is on the class path, so the artifact is right whatever deploys it (Terraform,
 * SAM, the console):
 * <ul>
 * <li>{@code profiles.freshness.flush-interval=off}: the lag counts are not flushed by a 5-second
 * timer, which does not run while Lambda freezes the instance (counts would arrive late or
 * never); the Lambda binding flushes them at the end of every invocation instead;</li>
 * <li>{@code profiles.sweeper.every=off}: EventBridge Scheduler ticks the sweeper;</li>
 * <li>Kafka clients are created on first use ({@code lazy-client}), not at start: a producer
 * created during the start would hold broker connections in a SnapStart snapshot, which are
 * gone when the snapshot is restored;</li>
 * <li>no HTTP server ({@code quarkus.http.host-enabled=false}): Lambda invokes the function
 * through the Runtime API; health and metrics endpoints have no one to answer there (metrics go
 * out as CloudWatch EMF lines), and a listening server is start-up time spent for nothing.</li>
 * </ul>
 * The app's own Kafka consumers are off there too ({@code FunctionDescriptorConfigSource}).
 * Ordinal 260: above application.properties (250), below the environment (300).
 */
public class LambdaBindingDefaults extends MapBackedConfigSource {

    private static final long serialVersionUID = 1L;

    static final Map<String, String> DEFAULTS = Map.of(
            "profiles.freshness.flush-interval", "off",
            "profiles.sweeper.every", "off",
            "mp.messaging.connector.smallrye-kafka.lazy-client", "true",
            "quarkus.http.host-enabled", "false");

    public LambdaBindingDefaults() {
        this(onClassPath("io.quarkus.amazon.lambda.runtime.AmazonLambdaContext"));
    }

    LambdaBindingDefaults(boolean lambdaBinding) {
        super("AWS Lambda binding defaults", lambdaBinding ? DEFAULTS : Map.of(), 260);
    }

    private static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, LambdaBindingDefaults.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
