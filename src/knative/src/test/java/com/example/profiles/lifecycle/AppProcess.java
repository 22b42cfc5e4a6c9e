package com.example.profiles.lifecycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged Knative application ({@code target/quarkus-app/quarkus-run.jar}, built by
 * {@code package} before the {@code *ProcessIT} tests run) as a process of its own, started and
 * stopped the way a platform does: environment variables, SIGTERM, SIGKILL. Its output goes to
 * {@code target/process-it/<name>.log}. Always bound to 127.0.0.1 on a port the OS picks.
 */
final class AppProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Pattern LISTENING = Pattern.compile("Listening on: http://127\\.0\\.0\\.1:(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path log;
    private final long startedNanos;
    private int port = -1;

    private AppProcess(String name, Process process, Path log, long startedNanos) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.startedNanos = startedNanos;
    }

    /** Launches the application with these environment variables (added to this JVM's). */
    static AppProcess launch(String name, Map<String, String> env) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: the *ProcessIT tests run after package (./mvnw verify)");
        }
        try {
            Path dir = Files.createDirectories(Path.of("target", "process-it"));
            Path log = dir.resolve(name + ".log");
            String java = ProcessHandle.current().info().command().orElse("java");
            // C1 only and the serial collector: these tests time starts, stops and takeovers, not
            // throughput, and on a 2-core machine the full JIT would compete with everything else.
            List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=0", "-jar", JAR.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            long started = System.nanoTime();
            return new AppProcess(name, builder.start(), log, started);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the application listens and reports ready (Redis and Kafka reachable); answers how long since launch. */
    Duration awaitReady(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " during start:\n" + output());
            }
            if (port < 0) {
                Matcher m = LISTENING.matcher(output());
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            if (port > 0 && status("/q/health/ready") == 200) {
                return Duration.ofNanos(System.nanoTime() - startedNanos);
            }
            sleep(100);
        }
        throw new IllegalStateException(name + " was not ready within " + within + ":\n" + output());
    }

    /** The HTTP status of a GET, -1 when nothing answers. */
    int status(String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** SIGTERM, as a platform stops a container; answers the time from the signal to the process's exit. */
    Duration stop(Duration within) {
        long signalled = System.nanoTime();
        process.destroy();
        awaitExit(within);
        return Duration.ofNanos(System.nanoTime() - signalled);
    }

    /** SIGKILL: no shutdown hook, no leaving the consumer groups, as a crash or an OOM kill. */
    void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    int awaitExit(Duration within) {
        try {
            if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(name + " did not exit within " + within + ":\n" + output());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Everything the application wrote so far. */
    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** Its log lines at ERROR level. */
    List<String> errorLines() {
        return output().lines().filter(line -> line.contains(" ERROR ")).toList();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
