package com.example.profiles.devtools.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A reference for this machine's own tail latency, taken while a step runs: Redis {@code PING}s at
 * a fixed, modest rate on a connection of their own, pipelined (a ping never waits for the one
 * before it), each timed from the moment it was due to be sent until its {@code PONG} is read. A
 * PING costs Redis next to nothing, so what its round trip shows beyond a few tens of microseconds
 * is waiting: for a core (Redis, the app, the broker and the load generator share two), for the
 * network stack, for this driver's own pauses. That is the part of any latency figure of the same
 * moment that the code under test does not cause, so a step's p99 can be read against this p99 of
 * the same seconds, and a run whose reference tail is long is seen to be one on a busy machine.
 *
 * <p>The send times are fixed in advance ({@code start + i / rate}): a sender held up by a stall
 * sends the pings it owes as soon as it runs again, each still timed from when it was due, so a
 * stall shows as latency instead of as pings never sent (coordinated omission). One thread sends,
 * another reads; the figures are kept by intervals ({@link #interval()}), so one probe can run
 * through several steps and report each.
 */
final class TailProbe implements AutoCloseable {

    private static final byte[] PING = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final long HIGHEST_MICROS = 3_600_000_000L;

    private final int rate;
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    /** When each ping sent and not yet answered was due (System.nanoTime), in the order sent. */
    private final ConcurrentLinkedQueue<Long> unanswered = new ConcurrentLinkedQueue<>();
    private final Recorder roundTripMicros = new Recorder(HIGHEST_MICROS, 3);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Thread sender;
    private final Thread reader;
    private volatile boolean sending = true;
    private volatile boolean closing;
    private volatile Throwable failure;

    private TailProbe(String host, int port, int rate) throws IOException {
        if (rate <= 0) {
            throw new IllegalArgumentException("a probe needs a positive rate, not " + rate);
        }
        this.rate = rate;
        this.socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream(), 1 << 12);
        this.reader = new Thread(this::read, "tail-probe-reader");
        this.sender = new Thread(this::send, "tail-probe-sender");
        reader.setDaemon(true);
        sender.setDaemon(true);
        reader.start();
        sender.start();
    }

    /** A probe sending {@code rate} PINGs a second to the Redis at {@code host:port}, started now. */
    static TailProbe start(String host, int port, int rate) throws IOException {
        return new TailProbe(host, port, rate);
    }

    /**
     * A probe on the benchmark's Redis at {@code -Dbench.ping-rate} a second (200 by default),
     * started now; null if that rate is 0 (try-with-resources takes a null and closes nothing).
     */
    static TailProbe start(RedisSide redis) throws IOException {
        return rate() > 0 ? start(redis.host(), redis.port(), rate()) : null;
    }

    /** {@code -Dbench.ping-rate}: PINGs a second; 0 turns the probe off. */
    static int rate() {
        return Integer.getInteger("bench.ping-rate", 200);
    }

    int perSecond() {
        return rate;
    }

    /**
     * The round trips answered since the last call (or the start), in microseconds, and starts a
     * new interval: call it as a step begins (to leave out what came before) and as it ends.
     */
    Histogram interval() {
        return roundTripMicros.getIntervalHistogram();
    }

    /** {@link #interval()} as results.json gives latencies: count, p50, p99, p99.9 and max in milliseconds. */
    Map<String, Object> intervalMillis() {
        return Report.percentiles(interval(), 1000);
    }

    /**
     * Adds the probe's figures since its last interval to a step's {@code reference} map as
     * {@code redisPingMillis} (with {@code redisPingPerSecond}, and the errors or the failure if
     * any); nothing if there is no probe.
     */
    static void addTo(Map<String, Object> reference, TailProbe probe) {
        if (probe == null) {
            return;
        }
        reference.put("redisPingMillis", probe.intervalMillis());
        reference.put("redisPingPerSecond", probe.perSecond());
        if (probe.errors() > 0) {
            reference.put("redisPingErrors", probe.errors());
        }
        if (probe.failure() != null) {
            reference.put("redisPingFailure", probe.failure());
        }
    }

    /**
     * A step's {@code reference} map as a log line: the trivial route's figures and the probe's,
     * and {@code stepP99} (the step's own p99, if given) as a multiple of the trivial route's p99.
     */
    static String describe(Map<String, Object> reference, Number stepP99) {
        List<String> parts = new ArrayList<>();
        if (reference.get("trivialRouteMillis") instanceof Map<?, ?> route) {
            String part = "trivial route GET " + HttpScenarios.TRIVIAL_ROUTE + " at the same rate just before: " + figures(route);
            if (stepP99 != null && route.get("p99") instanceof Number p99 && p99.doubleValue() > 0) {
                part += String.format(" (the step's p99 %s ms is %.1fx its p99)", stepP99, stepP99.doubleValue() / p99.doubleValue());
            }
            parts.add(part);
        }
        if (reference.get("redisPingMillis") instanceof Map<?, ?> ping) {
            parts.add("Redis PING at " + reference.get("redisPingPerSecond") + "/s through the step: " + figures(ping));
        }
        if (reference.containsKey("trivialRouteErrors")) {
            parts.add(reference.get("trivialRouteErrors") + " trivial-route errors, the first: " + reference.get("trivialRouteFirstError"));
        }
        if (reference.containsKey("redisPingFailure")) {
            parts.add("the probe failed: " + reference.get("redisPingFailure"));
        }
        return String.join("; ", parts);
    }

    private static String figures(Map<?, ?> p) {
        return String.format("p50 %s / p99 %s / p99.9 %s / max %s ms of %s", p.get("p50"), p.get("p99"), p.get("p99.9"), p.get("max"), p.get("count"));
    }

    long sent() {
        return sent.get();
    }

    long errors() {
        return errors.get();
    }

    /** Why the probe stopped measuring before it was closed (the connection failed), or null. */
    String failure() {
        Throwable t = failure;
        return t == null ? null : t.toString();
    }

    private void send() {
        long start = System.nanoTime();
        long i = 0;
        try {
            while (sending) {
                long due = start + i * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50)));
                    continue;
                }
                // Queued before it is written, so its answer always finds it.
                unanswered.add(due);
                out.write(PING);
                sent.incrementAndGet();
                i++;
            }
        } catch (IOException e) {
            if (!closing) {
                failure = e;
            }
        }
    }

    private void read() {
        try {
            while (true) {
                int type = in.read();
                if (type < 0) {
                    throw new IOException("Redis closed the probe's connection");
                }
                // One simple-string (+PONG) or error (-...) line per ping.
                int b;
                while ((b = in.read()) != '\n') {
                    if (b < 0) {
                        throw new IOException("Redis closed the probe's connection");
                    }
                }
                long now = System.nanoTime();
                Long due = unanswered.poll();
                if (due == null) {
                    throw new IOException("an answer to a PING that was not sent");
                }
                if (type == '+') {
                    roundTripMicros.recordValue(Math.max(0, Math.min(HIGHEST_MICROS, (now - due) / 1000)));
                } else {
                    errors.incrementAndGet();
                }
                answered.incrementAndGet();
            }
        } catch (IOException e) {
            if (!closing) {
                failure = e;
            }
        }
    }

    /** Stops sending, waits (a few seconds at most) for the answers still owed, and closes the connection. */
    @Override
    public void close() {
        sending = false;
        try {
            sender.join(5_000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (answered.get() < sent.get() && failure == null && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closing = true;
            try {
                socket.close();
            } catch (IOException e) {
                // Closing anyway; nothing is owed any more.
            }
        }
    }
}
