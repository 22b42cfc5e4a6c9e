package com.example.profiles.lambda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The AWS Lambda Runtime API (version 2018-06-01), served by the test, as the Lambda service
 * serves it to a function's runtime: the runtime polls {@code GET /runtime/invocation/next}, which
 * answers when there is an event (with the {@code Lambda-Runtime-Aws-Request-Id},
 * {@code -Deadline-Ms}, {@code -Invoked-Function-Arn}, {@code -Trace-Id} headers and
 * {@code Content-Type}), and answers with {@code POST /runtime/invocation/{id}/response} or
 * {@code /error}; {@code POST /runtime/init/error} reports a failed start. For SnapStart, the
 * runtime calls {@code GET /runtime/restore/next} once its init (and its {@code beforeCheckpoint}
 * hooks) are done: the snapshot would be taken then; the call returns when the test
 * {@link #restore()}s, and the runtime runs its {@code afterRestore} hooks.
 */
final class RuntimeApiServer implements AutoCloseable {

    private static final String BASE = "/2018-06-01/runtime";
    private static final Pattern INVOCATION = Pattern.compile(BASE + "/invocation/([^/]+)/(response|error)");

    /** An answer of the function: a response body, or an error with its type. */
    record Answer(boolean error, String errorType, String body, long atNanos) {
    }

    /** A POST to /init/error or /restore/error. */
    record InitError(String path, String errorType, String body) {
    }

    /** The deadline is set when the runtime takes the event, as Lambda's timeout runs from the invoke phase's start. */
    private record Pending(String requestId, String payload, Duration timeout, String functionArn) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "runtime-api");
        thread.setDaemon(true);
        return thread;
    });
    private final BlockingQueue<Pending> events = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Answer>> answers = new ConcurrentHashMap<>();
    private final List<InitError> initErrors = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Long> firstNextPoll = new CompletableFuture<>();
    private final CompletableFuture<Long> restoreRequested = new CompletableFuture<>();
    private final CompletableFuture<Void> restore = new CompletableFuture<>();
    private final CompletableFuture<InitError> initError = new CompletableFuture<>();

    RuntimeApiServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext(BASE + "/", this::handle);
        server.start();
    }

    /** {@code host:port}, the value of {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues an event; the future completes with the function's answer. */
    CompletableFuture<Answer> invoke(String payload, Duration timeout, String functionArn) {
        String requestId = UUID.randomUUID().toString();
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        answers.put(requestId, answer);
        events.add(new Pending(requestId, payload, timeout, functionArn));
        return answer;
    }

    /** When the runtime first asked for an invocation (System.nanoTime()). */
    CompletableFuture<Long> firstNextPoll() {
        return firstNextPoll;
    }

    /** When the runtime, its init done, asked to be restored (SnapStart only). */
    CompletableFuture<Long> restoreRequested() {
        return restoreRequested;
    }

    /** Lets the runtime's {@code /restore/next} return: the snapshot is "restored". */
    void restore() {
        restore.complete(null);
    }

    CompletableFuture<InitError> initError() {
        return initError;
    }

    List<InitError> initErrors() {
        return List.copyOf(initErrors);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (method.equals("GET") && path.equals(BASE + "/invocation/next")) {
                firstNextPoll.complete(System.nanoTime());
                next(exchange);
                return;
            }
            if (method.equals("GET") && path.equals(BASE + "/restore/next")) {
                restoreRequested.complete(System.nanoTime());
                restore.join();
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            if (method.equals("POST") && (path.equals(BASE + "/init/error") || path.equals(BASE + "/restore/error"))) {
                InitError error = new InitError(path, exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type"),
                        new String(body, StandardCharsets.UTF_8));
                initErrors.add(error);
                initError.complete(error);
                accepted(exchange);
                return;
            }
            Matcher invocation = INVOCATION.matcher(path);
            if (method.equals("POST") && invocation.matches()) {
                CompletableFuture<Answer> answer = answers.remove(invocation.group(1));
                if (answer == null) {
                    // The real API refuses an answer to an unknown or already answered invocation.
                    exchange.sendResponseHeaders(400, -1);
                    return;
                }
                boolean error = invocation.group(2).equals("error");
                answer.complete(new Answer(error, exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type"),
                        new String(body, StandardCharsets.UTF_8), System.nanoTime()));
                accepted(exchange);
                return;
            }
            exchange.sendResponseHeaders(404, -1);
        } finally {
            exchange.close();
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        Pending event;
        try {
            event = events.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.sendResponseHeaders(500, -1);
            return;
        }
        byte[] payload = event.payload().getBytes(StandardCharsets.UTF_8);
        var headers = exchange.getResponseHeaders();
        headers.add("Content-Type", "application/json");
        headers.add("Lambda-Runtime-Aws-Request-Id", event.requestId());
        headers.add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + event.timeout().toMillis()));
        headers.add("Lambda-Runtime-Invoked-Function-Arn", event.functionArn());
        headers.add("Lambda-Runtime-Trace-Id", "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-"
                + event.requestId().replace("-", "").substring(0, 24) + ";Sampled=0");
        exchange.sendResponseHeaders(200, payload.length);
        exchange.getResponseBody().write(payload);
    }

    private static void accepted(HttpExchange exchange) throws IOException {
        byte[] ok = "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(202, ok.length);
        exchange.getResponseBody().write(ok);
    }

    @Override
    public void close() {
        restore.complete(null);
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
