package com.example.profiles.descriptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The descriptors in functions/ become configuration: one event type and one topic per function. */
class FunctionDescriptorConfigSourceTest {

    @Test
    void everyProjectFunctionIsIndexedAndConfigured() {
        List<FunctionDescriptor> descriptors = FunctionDescriptorConfigSource.load(getClass().getClassLoader());
        assertThat(descriptors).extracting(FunctionDescriptor::name).contains("purchase");

        Map<String, String> config = new FunctionDescriptorConfigSource().getProperties();
        assertThat(config)
                .containsEntry("profiles.functions.purchase.event-type", "com.example.commerce.purchase.completed.v1")
                .containsEntry("profiles.functions.purchase.topic", "commerce.purchase.completed.v1")
                .containsEntry("profiles.functions.purchase.dead-letter-topic", "commerce.purchase.completed.v1.dlq")
                .containsEntry("profiles.freshness.sources.purchase.lag-p99-threshold", "PT300S")
                .containsEntry("profiles.freshness.sources.cart.lag-p99-threshold", "PT300S")
                .containsEntry("profiles.freshness.sources.customer.lag-p99-threshold", "PT300S");
        assertThat(config).as("a binding's own keys come from its own source").noneSatisfy((key, value) ->
                assertThat(key).startsWith("mp.messaging."));
    }

    @Test
    void aDescriptorWhoseNameDiffersFromItsFolderIsRefused(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("functions/cart"));
        Files.writeString(dir.resolve("functions/index.txt"), "cart\n");
        Files.writeString(dir.resolve("functions/cart/function.json"), "{\"name\":\"basket\",\"eventType\":\"x.v1\"}");
        try (URLClassLoader loader = new URLClassLoader(new URL[] { dir.toUri().toURL() }, null)) {
            assertThatThrownBy(() -> FunctionDescriptorConfigSource.load(loader))
                    .hasMessageContaining("functions/cart/function.json says its name is 'basket'");
        }
    }

    @Test
    void theLagThresholdMustBeWholePositiveSeconds() {
        FunctionDescriptor.Trigger trigger = new FunctionDescriptor.Trigger("event", "t", "t.dlq", null, null, null);
        assertThat(FunctionDescriptorConfigSource.configFor(new FunctionDescriptor("cart", "x.v1", trigger, Map.of("freshnessLagP99ThresholdSeconds", 90))))
                .containsEntry("profiles.freshness.sources.cart.lag-p99-threshold", "PT90S");
        for (Object bad : List.of(0, -5, 1.5, "300")) {
            assertThatThrownBy(() -> FunctionDescriptorConfigSource.configFor(
                    new FunctionDescriptor("cart", "x.v1", trigger, Map.of("freshnessLagP99ThresholdSeconds", bad))))
                    .hasMessageContaining("functions/cart/function.json: settings.freshnessLagP99ThresholdSeconds must be a whole number of seconds above 0");
        }
    }

    @Test
    void aScheduledFunctionHasNoTopic() {
        FunctionDescriptor sweeper = new FunctionDescriptor("sweeper", "com.example.profiles.sweep.tick.v1",
                new FunctionDescriptor.Trigger("schedule", null, null, "*/1 * * * *", "rate(1 minute)", null), Map.of());
        assertThat(FunctionDescriptorConfigSource.configFor(sweeper))
                .containsEntry("profiles.functions.sweeper.event-type", "com.example.profiles.sweep.tick.v1")
                .doesNotContainKey("profiles.functions.sweeper.topic");
    }
}
