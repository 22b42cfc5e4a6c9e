package com.example.profiles.kafka;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.eclipse.microprofile.config.Config;

import com.example.profiles.core.ProfileSettings;

import io.smallrye.reactive.messaging.ClientCustomizer;

/**
 * How the function consumers belong to their consumer groups, so that an instance that dies is
 * replaced in seconds, not after Kafka's default 45 s session timeout (a killed instance stops
 * heartbeating but never leaves the group; until its session expires the broker keeps its
 * partitions for it, and a replacement that joins waits for that rebalance):
 * <ul>
 * <li>{@code session.timeout.ms} from {@code profiles.kafka.session-timeout} (10 s) and
 * {@code heartbeat.interval.ms} from {@code heartbeat-interval} (3 s): a dead member is noticed
 * within 10 s. The price: a consumer cut off from the broker for longer (a network partition, a
 * process frozen that long) loses its partitions and gets them back in a rebalance; its records are
 * then delivered again, which the idempotent scripts make harmless;</li>
 * <li>with {@code profiles.kafka.group-instance-id} set (a stable name of the instance, such as a
 * StatefulSet pod name), static membership: {@code group.instance.id=<id>-<function>}. The same
 * instance coming back (a restart after a crash) takes its partitions over at once, without any
 * rebalance. A static member does not leave its group when it stops, so an instance removed for good
 * holds its partitions until its session times out: keep the session timeout short with it too.</li>
 * </ul>
 * A SIGTERM stop leaves the group (dynamic membership), so the partitions move at once either way.
 * Explicit {@code mp.messaging.incoming.<function>.session.timeout.ms} (or the other two) settings win.
 */
@ApplicationScoped
public class ConsumerGroupMembership implements ClientCustomizer<Map<String, Object>> {

    private final ProfileSettings.Kafka settings;

    public ConsumerGroupMembership(ProfileSettings settings) {
        this.settings = settings.kafka();
    }

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> config) {
        if (!config.containsKey(ConsumerConfig.GROUP_ID_CONFIG)) {
            return config; // a producer
        }
        setUnlessConfigured(channelConfig, config, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, settings.sessionTimeout().toMillis());
        setUnlessConfigured(channelConfig, config, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, settings.heartbeatInterval().toMillis());
        settings.groupInstanceId().filter(id -> !id.isBlank()).ifPresent(id -> {
            if (channelConfig.getOptionalValue(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, String.class).isEmpty()) {
                config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id.strip() + "-" + channel);
            }
        });
        return config;
    }

    private static void setUnlessConfigured(Config channelConfig, Map<String, Object> config, String key, long millis) {
        if (channelConfig.getOptionalValue(key, String.class).isEmpty()) {
            config.put(key, Long.toString(millis));
        }
    }
}
