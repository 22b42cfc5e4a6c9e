package com.example.profiles.ordering;

import java.util.List;


import com.example.profiles.testing.ClusterInfrastructure;
import com.example.profiles.testing.InjectClusterInfrastructure;
import com.example.profiles.testing.LongTest;
import com.example.profiles.testing.RealClusterInfrastructure;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The generated stream against a real 3-master Redis Cluster: every script stays in one slot. */
@LongTest
@QuarkusTest
@WithTestResource(RealClusterInfrastructure.class)
class EventOrderingClusterIT extends EventStreamCheck {

    @InjectClusterInfrastructure
    ClusterInfrastructure infrastructure;

    @Override
    String kafkaBootstrap() {
        return infrastructure.kafka().bootstrapServers();
    }

    @Override
    List<String> redisUris() {
        return infrastructure.cluster().uris();
    }
}
