package com.example.profiles.rebuild;

import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.RealInfrastructure;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link RebuildScenario} on one Redis. */
@QuarkusTest
@TestProfile(RebuildScenario.QuickSwitch.class)
@WithTestResource(RealInfrastructure.class)
class RebuildIT extends RebuildScenario {

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Override
    String redisFor(String key) {
        return infrastructure.redis().uri();
    }

    @Override
    String kafkaBootstrap() {
        return infrastructure.kafka().bootstrapServers();
    }
}
