package com.example.profiles.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * A test that takes long because of what it must wait through: a Redis outage or a Redis that
 * hangs, the packaged application's starts and kills, several instances scaling out, a mutation
 * sweep, a real Prometheus evaluating alert rules, a Redis Cluster, a broker of its own. The quick default build
 * ({@code ./mvnw verify}) leaves these out so a change is checked in minutes; {@code -Pfull} runs
 * them too, and CI ({@code .ci/run}) always does.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Tag("long")
public @interface LongTest {
}
