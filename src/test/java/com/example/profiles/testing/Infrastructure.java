package com.example.profiles.testing;

/**
 * The real servers a test runs against, injected into a field annotated with
 * {@link InjectInfrastructure} by {@link RealInfrastructure}.
 */
public record Infrastructure(RedisServerProcess redis, KafkaBroker kafka) {
}
