package com.example.profiles.devtools.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

import org.HdrHistogram.Histogram;

import com.example.profiles.devtools.bench.LoadStream.Event;

import io.cloudevents.http.HttpMessageFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;

/**
 * HTTP load on one Vert.x event loop: open loop at a fixed rate (latency counted from the moment
 * each request was due, so a client or server falling behind shows as latency, not as a lower
 * rate), or closed loop with a fixed number of requests in flight (the saturation rate).
 * Everything runs on the one event-loop thread, so the histograms need no locking.
 */
final class HttpSide implements AutoCloseable {

    /** What one load phase measured. Latencies in microseconds. */
    static final class Result {
        final Histogram latencyMicros = new Histogram(3_600_000_000L, 3);
        final Histogram serviceMicros = new Histogram(3_600_000_000L, 3);
        final Histogram freshnessLagMillis = new Histogram(3_600_000L, 3);
        long ok;
        long errors;
        long sent;
        double seconds;
        String firstError;

        double perSecond() {
            return ok / seconds;
        }
    }

    /** One request: POST an event, or GET a path. */
    record Call(Event event, String getPath) {
    }

    private final Vertx vertx;
    private final HttpClient client;
    private final int port;

    HttpSide(int port, int connections) {
        this.port = port;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1").setDefaultPort(port)
                .setTcpNoDelay(true), new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    }

    Result openLoop(int rate, double seconds, IntFunction<Call> calls) {
        Result result = new Result();
        CompletableFuture<Void> done = new CompletableFuture<>();
        long total = (long) (rate * seconds);
        vertx.runOnContext(v -> {
            long start = System.nanoTime();
            long[] sent = { 0 };
            long[] finished = { 0 };
            vertx.setPeriodic(1, timer -> {
                long due = Math.min(total, (long) ((System.nanoTime() - start) / 1e9 * rate) + 1);
                while (sent[0] < due) {
                    long intended = start + (long) (sent[0] * 1e9 / rate);
                    Call call = calls.apply((int) sent[0]);
                    sent[0]++;
                    send(call, result, () -> intended).onComplete(x -> {
                        if (++finished[0] == total) {
                            result.seconds = (System.nanoTime() - start) / 1e9;
                            done.complete(null);
                        }
                    });
                }
                if (sent[0] >= total) {
                    vertx.cancelTimer(timer);
                }
            });
        });
        await(done, seconds + 60);
        result.sent = total;
        return result;
    }

    Result closedLoop(int inFlight, double seconds, IntFunction<Call> calls) {
        Result result = new Result();
        CompletableFuture<Void> done = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            int[] counter = { 0 };
            int[] active = { inFlight };
            Runnable[] next = new Runnable[1];
            next[0] = () -> {
                if (System.nanoTime() >= end) {
                    if (--active[0] == 0) {
                        result.seconds = (System.nanoTime() - start) / 1e9;
                        done.complete(null);
                    }
                    return;
                }
                long sentAt = System.nanoTime();
                result.sent++;
                send(calls.apply(counter[0]++), result, () -> sentAt).onComplete(x -> next[0].run());
            };
            for (int i = 0; i < inFlight; i++) {
                next[0].run();
            }
        });
        await(done, seconds + 60);
        return result;
    }

    /** One request now, waiting for the answer (start-up probing). Answers status and body. */
    Object[] once(Call call) {
        CompletableFuture<Object[]> answer = new CompletableFuture<>();
        vertx.runOnContext(v -> request(call).onComplete(ar -> {
            if (ar.failed()) {
                answer.complete(new Object[] { -1, ar.cause().toString() });
            } else {
                answer.complete(new Object[] { ar.result().resp.statusCode(), ar.result().body.toString() });
            }
        }));
        try {
            return answer.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            return new Object[] { -1, e.toString() };
        }
    }

    private record Answer(HttpClientResponse resp, Buffer body) {
    }

    private Future<Answer> request(Call call) {
        HttpMethod method = call.event() == null ? HttpMethod.GET : HttpMethod.POST;
        String uri = call.event() == null ? call.getPath() : "/";
        return client.request(method, port, "127.0.0.1", uri).compose(req -> {
            Event e = call.event();
            if (e == null) {
                return req.send();
            }
            // Binary content mode, written by the CloudEvents SDK's HTTP binding (ce-* headers, Content-Type).
            Buffer[] body = new Buffer[1];
            HttpMessageFactory.createWriter(req::putHeader, bytes -> body[0] = Buffer.buffer(bytes)).writeBinary(e.cloudEvent());
            return req.send(body[0]);
        }).compose(resp -> resp.body().map(body -> new Answer(resp, body)));
    }

    private Future<Void> send(Call call, Result result, LongSupplier startNanos) {
        long sentAt = System.nanoTime();
        return request(call).transform(ar -> {
            long now = System.nanoTime();
            long micros = (now - startNanos.getAsLong()) / 1000;
            long serviceMicros = (now - sentAt) / 1000;
            if (ar.succeeded() && ar.result().resp.statusCode() / 100 == 2 || ar.succeeded() && call.event() == null
                    && ar.result().resp.statusCode() == 404) {
                result.ok++;
                result.latencyMicros.recordValue(Math.max(0, Math.min(micros, result.latencyMicros.getHighestTrackableValue())));
                result.serviceMicros.recordValue(Math.max(0, Math.min(serviceMicros, result.serviceMicros.getHighestTrackableValue())));
                // Re-deliveries answer DUPLICATE (no lag); out-of-order events carry their own lateness.
                if (call.event() != null && !call.event().outOfOrder()) {
                    long lag = lagOf(ar.result().body.toString());
                    if (lag >= 0) {
                        result.freshnessLagMillis.recordValue(Math.min(lag, 3_600_000L));
                    }
                }
            } else {
                result.errors++;
                if (result.firstError == null) {
                    result.firstError = ar.succeeded() ? ar.result().resp.statusCode() + " " + ar.result().body : ar.cause().toString();
                }
            }
            return Future.succeededFuture();
        });
    }

    /** freshnessLagMillis of an APPLIED answer; -1 for duplicates and other outcomes (nothing was written). */
    static long lagOf(String body) {
        if (!body.contains("\"APPLIED\"")) {
            return -1;
        }
        int i = body.indexOf("\"freshnessLagMillis\":");
        if (i < 0) {
            return -1;
        }
        int j = i + "\"freshnessLagMillis\":".length();
        int k = j;
        while (k < body.length() && Character.isDigit(body.charAt(k))) {
            k++;
        }
        return Long.parseLong(body.substring(j, k));
    }

    private static void await(CompletableFuture<Void> done, double seconds) {
        try {
            done.get((long) seconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("HTTP load did not finish in " + seconds + " s", e);
        }
    }

    @Override
    public void close() {
        client.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
