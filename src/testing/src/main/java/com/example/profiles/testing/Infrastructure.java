package com.example.profiles.testing;

import com.example.profiles.devtools.servers.RedisServerProcess;
import com.example.profiles.devtools.servers.KafkaBroker;

/**
 * The real servers a test runs against, injected into a field annotated with
 * {@link InjectInfrastructure} by {@link RealInfrastructure}.
 */
public record Infrastructure(RedisServerProcess redis, KafkaBroker kafka) {
}
