package com.example.profiles.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.example.profiles.descriptor.FunctionDescriptor;

/** Every function with a topic gets a consumer of it; one setting switches them all. */
class KafkaChannelConfigSourceTest {

    @Test
    void everyProjectFunctionWithATopicGetsAConsumerThatStopsRatherThanSkips() {
        Map<String, String> config = new KafkaChannelConfigSource().getProperties();
        assertThat(config)
                .containsEntry("mp.messaging.incoming.purchase.topic", "commerce.purchase.completed.v1")
                .containsEntry("mp.messaging.incoming.purchase.failure-strategy", "fail")
                .containsEntry("mp.messaging.incoming.purchase.max.poll.records", "500")
                // no OpenTelemetry SDK: the connector's tracing would only cost start-up and per-record work
                .containsEntry("mp.messaging.incoming.purchase.tracing-enabled", "false")
                // only committed re-drives: an aborted one's copies never reach a function
                .containsEntry("mp.messaging.incoming.purchase.isolation.level", "read_committed")
                .containsEntry("mp.messaging.incoming.customer.topic", "shop.public.customers")
                .doesNotContainKey("mp.messaging.incoming.sweeper.topic")
                .doesNotContainKey("mp.messaging.incoming.profile.topic");
    }

    @Test
    void theConsumersFollowTheOneSwitch() {
        FunctionDescriptor purchase = new FunctionDescriptor("purchase", "com.example.commerce.purchase.completed.v1",
                new FunctionDescriptor.Trigger("event", "commerce.purchase.completed.v1", null, null, null, null), Map.of());
        assertThat(KafkaChannelConfigSource.channelFor(purchase))
                .containsEntry("mp.messaging.incoming.purchase.enabled", "${profiles.kafka.consumers.enabled:true}");
    }
}
