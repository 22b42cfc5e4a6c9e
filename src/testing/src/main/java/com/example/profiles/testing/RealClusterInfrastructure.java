package com.example.profiles.testing;

/**
 * {@link RealInfrastructure} with a real three-master Redis Cluster: use it with
 * {@code @WithTestResource(RealClusterInfrastructure.class)} and a field
 * {@code @InjectClusterInfrastructure ClusterInfrastructure infrastructure}. The same as
 * {@code @WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "redis", value = "cluster"))},
 * under a name a test reads at a glance; the servers are {@link RealInfrastructure#currentCluster()}.
 */
public class RealClusterInfrastructure extends RealInfrastructure {

    public RealClusterInfrastructure() {
        super(Redis.CLUSTER);
    }
}
