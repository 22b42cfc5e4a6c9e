package com.example.profiles.ordering;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces a stream's deliveries in their order, on a thread of its own, at a steady rate, the way
 * a live shop does, up to a gate the test moves: a test that changes something while the stream
 * flows (stops an instance, starts one) keeps the producer from finishing before it has, however
 * slow the machine is, by opening the gate only as far as the next step.
 */
final class PacedProducer implements AutoCloseable {

    private final List<GeneratedEvent> deliveries;
    private final int perSecond;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile int gate;
    private volatile boolean closed;

    PacedProducer(String bootstrap, List<GeneratedEvent> deliveries, int perSecond) {
        this.deliveries = List.copyOf(deliveries);
        this.perSecond = perSecond;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // One in flight keeps the order we chose within each partition.
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        this.producer = new KafkaProducer<>(props);
        this.thread = new Thread(this::produce, "paced-producer");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Lets the producer go on up to (not including) delivery number {@code deliveries}. */
    void openGate(int deliveries) {
        gate = Math.max(gate, Math.min(deliveries, this.deliveries.size()));
    }

    /** Deliveries handed to the producer so far. */
    int sent() {
        return sent.get();
    }

    /** Throws if a send failed. */
    void checkHealthy() {
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("producing the stream failed", t);
        }
    }

    /** Waits until every delivery is produced and acknowledged by the broker. */
    void awaitDone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acknowledged.get() < deliveries.size()) {
            checkHealthy();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + acknowledged.get() + " of " + deliveries.size() + " deliveries acknowledged within "
                        + timeout.toSeconds() + " s (gate at " + gate + ")");
            }
            Thread.sleep(20);
        }
        checkHealthy();
    }

    private void produce() {
        long last = System.nanoTime();
        double budget = 0;
        int next = 0;
        while (!closed && next < deliveries.size()) {
            long now = System.nanoTime();
            // At most a tenth of a second's worth at once, so a gate that opens does not release a burst.
            budget = Math.min(budget + perSecond * (now - last) / 1e9, perSecond / 10.0);
            last = now;
            while (budget >= 1 && next < gate && next < deliveries.size()) {
                producer.send(Deliveries.record(deliveries.get(next)), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        acknowledged.incrementAndGet();
                    }
                });
                next++;
                sent.set(next);
                budget--;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(10));
        producer.close(Duration.ofSeconds(5));
    }
}
