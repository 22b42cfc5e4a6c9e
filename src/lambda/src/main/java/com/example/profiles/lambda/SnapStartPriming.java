package com.example.profiles.lambda;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.amazonaws.services.lambda.runtime.events.KafkaEvent;
import com.example.profiles.store.PipelinedRedis;
import com.example.profiles.profile.ProfileReader;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.StartupEvent;

/**
 * SnapStart's runtime hooks (the CRaC API, {@code org.crac}, whose calls the Lambda Java runtime
 * makes around the snapshot of a published version):
 * <ul>
 * <li>before the snapshot: primes the exported function's path, so the snapshot holds its classes
 * loaded and initialised rather than only Quarkus's start: a sample batch of the function's own
 * event type read from JSON and decoded, validated and normalized ({@code dryRun}: nothing is
 * written), a profile read from Redis (a read of a user that does not exist: the scripts, the
 * Redis client, TLS), a response and a metrics document serialized (not printed). Then it closes
 * the Redis connection: a connection in a snapshot is dead once restored, and a restored instance
 * must not inherit one;</li>
 * <li>after a restore: opens the Redis connection again and checks it (PING), so the first
 * invocation does not pay for it. A Redis that cannot be reached then is logged, not fatal: the
 * first command connects again.</li>
 * </ul>
 * Priming never fails the snapshot: anything that goes wrong is logged. The Kafka producer needs
 * nothing here: it is created on first use ({@code LambdaBindingDefaults}), never before a
 * snapshot.
 */
@ApplicationScoped
public class SnapStartPriming implements Resource {

    private static final Logger LOG = Logger.getLogger(SnapStartPriming.class);
    static final String PRIMING_USER = "snapstart-priming";
    private static final Duration REDIS_WAIT = Duration.ofSeconds(5);

    private final KafkaBatchFunctions batches;
    private final ProfileReader reader;
    private final PipelinedRedis redis;
    private final ObjectMapper mapper;
    private final EmbeddedMetricsWriter metrics;
    private final Optional<String> exported;

    public SnapStartPriming(KafkaBatchFunctions batches, ProfileReader reader, PipelinedRedis redis, ObjectMapper mapper, EmbeddedMetricsWriter metrics,
            @ConfigProperty(name = "quarkus.funqy.export") Optional<String> exported) {
        this.batches = batches;
        this.reader = reader;
        this.redis = redis;
        this.mapper = mapper;
        this.metrics = metrics;
        this.exported = exported;
    }

    /** The runtime calls the hooks of what is registered; the global context holds it for the JVM's life. */
    void register(@Observes StartupEvent started) {
        Core.getGlobalContext().register(this);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        long began = System.nanoTime();
        String function = exported.orElse("");
        try {
            prime(function);
        } catch (RuntimeException e) {
            LOG.warnf("Priming %s before the snapshot stopped early (the snapshot is taken anyway): %s", function, e.toString());
        } finally {
            try {
                redis.disconnect().await().atMost(REDIS_WAIT);
            } catch (RuntimeException e) {
                LOG.warnf("Closing the Redis connection before the snapshot: %s", e.toString());
            }
        }
        LOG.infof("Primed %s for the snapshot in %d ms; Redis connection closed", function, (System.nanoTime() - began) / 1_000_000);
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        long began = System.nanoTime();
        try {
            redis.connect().await().atMost(REDIS_WAIT);
            LOG.infof("Restored: Redis connection open again in %d ms", (System.nanoTime() - began) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.warnf("Restored, but Redis did not answer within %s (the first command connects again): %s", REDIS_WAIT, e.toString());
        }
    }

    void prime(String function) {
        List<String> done = new java.util.ArrayList<>();
        String sample = sampleBatch(function);
        if (sample != null) {
            try {
                KafkaEvent batch = mapper.readValue(sample, KafkaEvent.class);
                if (batches.dryRun(function, batch)) {
                    done.add("decoded a sample batch");
                }
            } catch (java.io.IOException | RuntimeException e) {
                LOG.debugf("Priming %s: the sample batch was refused: %s", function, e);
            }
        }
        try {
            reader.read(PRIMING_USER).await().atMost(REDIS_WAIT);
            done.add("read a profile from Redis");
        } catch (RuntimeException e) {
            LOG.warnf("Priming %s: Redis did not answer (%s); the snapshot is taken without the Redis path warm", function, e.toString());
        }
        try {
            mapper.writeValueAsString(new KafkaBatchResponse(List.of(new KafkaBatchResponse.ItemFailure(
                    new KafkaBatchResponse.ItemIdentifier("priming-0", 0)))));
            metrics.document(InvocationSummary.of(function, function, "aws:kafka", List.of(
                    RecordResult.of("priming-0", 0, RecordOutcome.DUPLICATE))), System.currentTimeMillis());
            done.add("serialized a response and a metrics document");
        } catch (java.io.IOException e) {
            LOG.debugf("Priming %s: serialization failed: %s", function, e);
        }
        LOG.debugf("Priming %s: %s", function, done);
    }

    /** An MSK batch of one record of the function's event type, or null for a function fed otherwise. */
    static String sampleBatch(String function) {
        String now = Instant.now().minusSeconds(1).toString();
        return switch (function) {
            case "purchase" -> batch("commerce.purchase.completed.v1", "com.example.commerce.purchase.completed.v1", """
                    {"userId":"%s","orderId":"priming","currency":"EUR","occurredAt":"%s",
                     "items":[{"sku":"PRIMING","category":"priming","quantity":1,"unitPrice":1.00}],"total":1.00}"""
                    .formatted(PRIMING_USER, now), true);
            case "cart" -> batch("commerce.cart.changed.v1", "com.example.commerce.cart.changed.v1", """
                    {"userId":"%s","cartId":"priming","action":"ITEM_ADDED","sku":"PRIMING","category":"priming","quantity":1,
                     "unitPrice":1.00,"currency":"EUR","occurredAt":"%s"}""".formatted(PRIMING_USER, now), true);
            case "customer" -> batch("shop.public.customers", null, """
                    {"before":null,"after":{"id":"%s","email":"priming@example.invalid","tier":"none"},
                     "source":{"connector":"postgresql","db":"shop","schema":"public","table":"customers","snapshot":"false",
                     "ts_ms":%d,"lsn":1,"txId":1},"op":"r","ts_ms":%d}"""
                    .formatted(PRIMING_USER, System.currentTimeMillis() - 1000, System.currentTimeMillis()), false);
            default -> null;
        };
    }

    private static String batch(String topic, String cloudEventType, String value, boolean binaryCloudEvent) {
        StringBuilder headers = new StringBuilder("[");
        if (binaryCloudEvent) {
            Map<String, String> ce = new java.util.LinkedHashMap<>();
            ce.put("ce_specversion", "1.0");
            ce.put("ce_id", "snapstart-priming");
            ce.put("ce_source", "/snapstart/priming");
            ce.put("ce_type", cloudEventType);
            ce.put("content-type", "application/json");
            ce.forEach((name, text) -> {
                if (headers.length() > 1) {
                    headers.append(',');
                }
                headers.append("{\"").append(name).append("\":").append(numbers(text)).append('}');
            });
        }
        headers.append(']');
        String base64 = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
        return """
                {"eventSource":"aws:kafka","records":{"%1$s-0":[{"topic":"%1$s","partition":0,"offset":0,"timestamp":0,
                 "timestampType":"CREATE_TIME","key":"%2$s","value":"%3$s","headers":%4$s}]}}"""
                .formatted(topic, Base64.getEncoder().encodeToString(PRIMING_USER.getBytes(StandardCharsets.UTF_8)), base64, headers);
    }

    private static String numbers(String text) {
        StringBuilder out = new StringBuilder("[");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            out.append(i == 0 ? "" : ",").append(bytes[i] & 0xff);
        }
        return out.append(']').toString();
    }
}
