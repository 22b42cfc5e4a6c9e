package com.example.profiles.devtools.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.cloudevents.kafka.KafkaMessageFactory;

import com.example.profiles.devtools.bench.LoadStream.Event;
import com.example.profiles.devtools.bench.LoadStream.Kind;

/** The Kafka side of the benchmark: the load producer and the broker's raw produce/consume limit. */
final class KafkaSide implements AutoCloseable {

    private final String bootstrap;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicLong failures = new AtomicLong();

    KafkaSide(String bootstrap) {
        this.bootstrap = bootstrap;
        this.producer = new KafkaProducer<>(producerProps(bootstrap));
    }

    /** The same producer settings for the load and for the raw limit, so the two compare. */
    static Properties producerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // The Kafka 4 client's default linger (KIP-1030), as a shop's producers would run it. With 1 ms
        // the producer sent a request per few records, and at 5,000 events/s the generator and the
        // broker took 0.6 core each for it, on the two cores the app needs (bench/results/round1/NOTES.md).
        // The linger counts in the measured lag: events are stamped before they are handed over.
        p.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(Long.getLong("bench.producer-linger-ms", 5)));
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L << 20));
        return p;
    }

    static ProducerRecord<byte[], byte[]> record(Event e) {
        byte[] key = e.userId().getBytes(StandardCharsets.UTF_8);
        if (e.kind() == Kind.CUSTOMER) {
            return new ProducerRecord<>(e.topic(), key, e.data()); // a plain Debezium change, as the connector writes it
        }
        // Binary content mode, written by the CloudEvents SDK's Kafka binding (ce_* headers, content-type).
        return KafkaMessageFactory.createWriter(e.topic(), key).writeBinary(e.cloudEvent());
    }


    void send(Event e) {
        producer.send(record(e), (metadata, exception) -> {
            if (exception != null) {
                failures.incrementAndGet();
            }
        });
    }

    void flush() {
        producer.flush();
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " records could not be produced");
        }
    }

    /**
     * Sends {@code rate} events per second for {@code seconds}, each stamped with its send time,
     * paced in 1 ms steps. Answers the events sent.
     */
    List<Event> paced(LoadStream stream, int rate, double seconds) {
        return paced(stream, rate, seconds, () -> false);
    }

    /**
     * The same, but ending early once {@code stop} says so (asked each time the pacer wakes, about
     * every millisecond): a load that lasts as long as something else runs.
     */
    List<Event> paced(LoadStream stream, int rate, double seconds, BooleanSupplier stop) {
        List<Event> sent = new ArrayList<>((int) Math.min(rate * seconds, 1 << 20) + 16);
        long start = System.nanoTime();
        long total = (long) (rate * seconds);
        long done = 0;
        while (done < total && !stop.getAsBoolean()) {
            long elapsed = System.nanoTime() - start;
            long due = Math.min(total, (long) (elapsed / 1e9 * rate) + 1);
            while (done < due) {
                Event e = stream.next(System.currentTimeMillis());
                send(e);
                sent.add(e);
                done++;
            }
            // Park until the next event is due (at least 1 ms: the events due meanwhile go out
            // together, each stamped when sent). Spinning, or waking 10,000 times a second, would
            // take CPU from the app on the same two cores.
            long nextDue = (long) ((done) * 1e9 / rate);
            long sleep = nextDue - (System.nanoTime() - start);
            if (sleep > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        }
        producer.flush();
        return sent;
    }

    /** The broker's limit on this machine: produce then consume {@code count} records of {@code value}'s size. */
    Map<String, Object> rawLimit(List<Event> sample, int count) throws Exception {
        String topic = "bench.raw." + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        long bytes = 0;
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(producerProps(bootstrap))) {
            for (int i = 0; i < count; i++) {
                Event e = sample.get(i % sample.size());
                ProducerRecord<byte[], byte[]> r = record(e);
                bytes += e.data().length;
                raw.send(new ProducerRecord<>(topic, null, r.key(), r.value(), r.headers()));
            }
            raw.flush();
        }
        double produceSeconds = (System.nanoTime() - start) / 1e9;

        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-raw-" + topic);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
        long consumed = 0;
        long firstRecordAt = 0;
        long consumeStart = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumed < count && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty() && firstRecordAt == 0) {
                    firstRecordAt = System.nanoTime();
                }
                consumed += records.count();
            }
        }
        long end = System.nanoTime();
        // From the first record received: the group join before it is not the broker's throughput.
        double consumeSeconds = (end - (firstRecordAt == 0 ? consumeStart : firstRecordAt)) / 1e9;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        }
        return Map.of(
                "records", count,
                "avgValueBytes", bytes / Math.max(1, count),
                "producePerSecond", Math.round(count / produceSeconds),
                "consumed", consumed,
                "consumePerSecond", Math.round(consumed / consumeSeconds));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
