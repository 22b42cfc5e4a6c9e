package com.example.profiles.lambda;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * One Lambda artifact holds every function and a deployment picks one with
 * {@code quarkus.funqy.export}; a test application can export only one too, so each function gets
 * a profile (and Quarkus restarts between them).
 */
final class LambdaFunctionProfiles {

    private LambdaFunctionProfiles() {
    }

    public static class Purchase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "purchase");
        }
    }

    public static class Cart implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "cart");
        }
    }

    public static class Customer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "customer");
        }
    }

    public static class Sweeper implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "sweeper");
        }
    }

    /**
     * The rebuild with invocations of about three seconds of work: a 9-second timeout (the mock
     * event server hands over no Lambda Context) less 1 s to answer and 5 s kept back, at 40 events/s
     * in batches of 20, so a rebuild of a few hundred records takes several invocations.
     */
    public static class Rebuild implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "rebuild", "profiles.lambda.timeout", "PT9S", "profiles.lambda.deadline-margin", "PT1S",
                    "profiles.lambda.rebuild-reserve", "PT5S", "profiles.rebuild.max-events-per-second", "40", "profiles.rebuild.batch-size", "20",
                    "profiles.rebuild.grace", "PT0.5S", "profiles.rebuild.acknowledge-timeout", "PT1S", "profiles.rebuild.switch-lag", "5");
        }
    }

    /** The purchase function behind an event source mapping that does not take partial batch responses. */
    public static class PurchaseWithoutPartialResponses implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "purchase", "profiles.lambda.report-batch-item-failures", "false");
        }
    }

    /**
     * The purchase function with short timeouts: a short wait for dead-letter acknowledgements, and
     * a 6-second invocation (the mock event server hands over no Lambda Context, so the configured
     * timeout is what bounds an invocation) of which 1 second is kept to answer.
     */
    public static class PurchaseWithShortTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "purchase", "profiles.lambda.dead-letter-timeout", "PT1S",
                    "profiles.lambda.timeout", "PT6S", "profiles.lambda.deadline-margin", "PT1S");
        }
    }
}
