package com.example.profiles.rebuild;

import com.example.profiles.testing.ClusterInfrastructure;
import com.example.profiles.testing.InjectClusterInfrastructure;
import com.example.profiles.testing.LongTest;
import com.example.profiles.testing.RealClusterInfrastructure;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * {@link RebuildScenario} on a Redis Cluster: the pointer, the ledger, every user's keys of both
 * generations and the indexes each in their own slots, no SWAPDB and no cross-slot transaction.
 */
@LongTest
@QuarkusTest
@TestProfile(RebuildScenario.QuickSwitch.class)
@WithTestResource(RealClusterInfrastructure.class)
class RebuildClusterIT extends RebuildScenario {

    @InjectClusterInfrastructure
    ClusterInfrastructure infrastructure;

    @Override
    String redisFor(String key) {
        return infrastructure.cluster().nodeUriForKey(key);
    }

    @Override
    String kafkaBootstrap() {
        return infrastructure.kafka().bootstrapServers();
    }
}
