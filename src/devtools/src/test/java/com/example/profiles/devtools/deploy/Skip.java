package com.example.profiles.devtools.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Skips a check whose tool or data is absent, saying why in one line of the build output (once per
 * reason; Surefire's summary shows only a count) as well as in the test report.
 */
final class Skip {

    private static final Set<String> SAID = ConcurrentHashMap.newKeySet();

    private Skip() {
    }

    static void unless(boolean condition, String reason) {
        if (!condition && SAID.add(reason)) {
            System.out.println("[deploy checks] " + reason);
        }
        assumeTrue(condition, reason);
    }
}
