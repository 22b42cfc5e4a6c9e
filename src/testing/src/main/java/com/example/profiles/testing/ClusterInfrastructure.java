package com.example.profiles.testing;

import com.example.profiles.devtools.servers.RedisClusterProcess;
import com.example.profiles.devtools.servers.KafkaBroker;

/**
 * The real servers a test runs against when Redis is a cluster, injected into a field annotated
 * with {@link InjectClusterInfrastructure} by {@link RealClusterInfrastructure}.
 */
public record ClusterInfrastructure(RedisClusterProcess cluster, KafkaBroker kafka) {
}
