package com.example.profiles.ordering;

import java.util.List;


import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.RealInfrastructure;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The generated stream against a single Redis node. */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class EventOrderingIT extends EventStreamCheck {

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Override
    String kafkaBootstrap() {
        return infrastructure.kafka().bootstrapServers();
    }

    @Override
    List<String> redisUris() {
        return List.of(infrastructure.redis().uri());
    }
}
