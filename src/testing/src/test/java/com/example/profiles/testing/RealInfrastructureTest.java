package com.example.profiles.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.profiles.devtools.FunctionTopics;
import com.example.profiles.devtools.servers.RedisServerProcess;
import com.example.profiles.devtools.servers.KafkaBroker;
import com.example.profiles.devtools.servers.RedisCommands;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proves that the launchers start real servers that answer, without Quarkus in between. */
class RealInfrastructureTest {

    @Test
    void redisStartsStopsAndRestartsOnTheSamePort() {
        long t0 = System.nanoTime();
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            System.out.printf("redis-server ready in %d ms at %s%n", millis(t0), redis.uri());
            assertTrue(redis.isRunning());
            assertEquals("redis://127.0.0.1:" + redis.port(), redis.uri());

            assertEquals("OK", RedisCommands.call(redis.uri(), "SET", "greeting", "grüß dich"));
            assertEquals("grüß dich", RedisCommands.call(redis.uri(), "GET", "greeting"));
            assertNull(RedisCommands.call(redis.uri(), "GET", "missing"));
            assertEquals(2L, RedisCommands.call(redis.uri(), "HSET", "h", "a", "1", "b", "2"));
            assertEquals(Map.of("a", "1", "b", "2"), RedisCommands.asMap(RedisCommands.call(redis.uri(), "HGETALL", "h")));
            assertEquals(List.of("greeting", "h"),
                    ((List<?>) RedisCommands.call(redis.uri(), "KEYS", "*")).stream().sorted().toList());
            assertThrows(RedisCommands.RedisErrorReply.class, () -> RedisCommands.call(redis.uri(), "INCR", "greeting"));

            int port = redis.port();
            redis.stop();
            assertFalse(redis.isRunning());
            UncheckedIOException refused = assertThrows(UncheckedIOException.class,
                    () -> RedisCommands.call(redis.uri(), "PING"));
            assertInstanceOf(ConnectException.class, refused.getCause());

            long t1 = System.nanoTime();
            redis.restart();
            System.out.printf("redis-server restarted in %d ms%n", millis(t1));
            assertTrue(redis.isRunning());
            assertEquals(port, redis.port());
            assertEquals("PONG", RedisCommands.call(redis.uri(), "PING"));
            assertNull(RedisCommands.call(redis.uri(), "GET", "greeting"), "nothing is persisted");
        }
    }

    @Test
    void kafkaBrokerCreatesTopicsAndDeliversARecord() throws Exception {
        long t0 = System.nanoTime();
        try (KafkaBroker kafka = KafkaBroker.start()) {
            System.out.printf("Kafka broker ready in %d ms at %s%n", millis(t0), kafka.bootstrapServers());
            assertTrue(kafka.bootstrapServers().startsWith("127.0.0.1:"));

            String topic = "infrastructure.test." + UUID.randomUUID();
            kafka.createTopics(topic, topic); // a repeat, and an existing topic, are no error
            kafka.createTopics(topic);

            long t1 = System.nanoTime();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(kafka))) {
                RecordMetadata sent = producer.send(new ProducerRecord<>(topic, "key-1", "value-1")).get();
                assertEquals(0, sent.partition());
            }
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(kafka))) {
                consumer.subscribe(List.of(topic));
                ConsumerRecord<String, String> received = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (received == null && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                        received = record;
                    }
                }
                assertTrue(received != null, "no record consumed within 30 s");
                assertEquals("key-1", received.key());
                assertEquals("value-1", received.value());
            }
            System.out.printf("Kafka round trip (produce, consume with a new group) in %d ms%n", millis(t1));
        }
    }

    @Test
    void functionDescriptorsNameTheTopics(@TempDir Path functions) throws Exception {
        Files.createDirectories(functions.resolve("a"));
        Files.writeString(functions.resolve("a/function.json"),
                "{\"name\":\"a\",\"trigger\":{\"kind\":\"event\",\"topic\":\"t.a\",\"deadLetterTopic\":\"t.a.dlq\"}}");
        Files.createDirectories(functions.resolve("b"));
        Files.writeString(functions.resolve("b/function.json"), "{\"name\":\"b\",\"trigger\":{\"kind\":\"schedule\"}}");
        Files.createDirectories(functions.resolve("c")); // no descriptor: ignored

        assertEquals(List.of("t.a", "t.a.dlq"), FunctionTopics.fromDescriptors(functions));
        assertEquals(List.of(), FunctionTopics.fromDescriptors(functions.resolve("absent")));
    }

    private static Properties producerConfig(KafkaBroker kafka) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    private static Properties consumerConfig(KafkaBroker kafka) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "infrastructure-test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return p;
    }

    private static long millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
