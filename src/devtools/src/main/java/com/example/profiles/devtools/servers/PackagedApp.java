package com.example.profiles.devtools.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A packaged Quarkus application ({@code target/quarkus-app/quarkus-run.jar}) run as a child JVM of
 * this one, the way a container platform runs it: its own process, configured through the
 * environment, listening for HTTP on 127.0.0.1 on a port chosen at start. The one launcher of the
 * packaged app for the process tests, the benchmark and the tools. Several instances of the same
 * application (one {@link PackagedApp} each) make a scaled-out deployment on one machine.
 *
 * <p>One instance is one process life: {@link #terminate} sends SIGTERM (what Kubernetes sends) and
 * waits for the graceful shutdown, {@link #kill} sends SIGKILL (a crash, an OOM kill),
 * {@link #awaitExit} waits for an application that stops by itself; start it again with
 * {@link #restart()}, which launches a new process with the same settings and appends to the same
 * log. A JVM shutdown hook stops every instance still running, and a {@link Watchdog} stops it even
 * if this JVM is killed outright.
 */
public final class PackagedApp implements AutoCloseable {

    /** How long a graceful shutdown may take before the process is killed. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Set<PackagedApp> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (PackagedApp app : List.copyOf(RUNNING)) {
                app.close();
            }
        }, "packaged-app-shutdown"));
    }

    private final String name;
    private final Path jar;
    private final Path log;
    private final Map<String, String> environment;
    private final List<String> jvmOptions;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;
    private Process watchdog;
    private int port;
    private long launchedNanos;
    private long launchedAtMillis;

    private PackagedApp(String name, Path jar, Path log, Map<String, String> environment, List<String> jvmOptions) {
        this.name = name;
        this.jar = jar.toAbsolutePath();
        this.log = log.toAbsolutePath();
        this.environment = Map.copyOf(environment);
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /**
     * Launches {@code java [jvmOptions] -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=P -jar jar}
     * with the JVM running this code, from the jar's folder, with {@code environment} added to this
     * process's; stdout and stderr go to {@code log} (replaced; {@link #restart()} appends to it).
     * Returns once the process runs; it is not yet ready, see {@link #awaitHttp}.
     *
     * @param name what the instance is called in messages (e.g. "a")
     */
    public static PackagedApp start(String name, Path jar, Path log, Map<String, String> environment, List<String> jvmOptions) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " does not exist: package the application first (./mvnw package)");
        }
        PackagedApp app = new PackagedApp(name, jar, log, environment, jvmOptions);
        try {
            Files.deleteIfExists(app.log); // one log per instance and test run; restarts append to it
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove " + app.log, e);
        }
        app.launch();
        return app;
    }

    public String name() {
        return name;
    }

    /** The running process's id; -1 when stopped. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** The HTTP port of the current (or last) process. */
    public synchronized int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT} of the current process. */
    public synchronized String baseUri() {
        return "http://" + LoopbackPorts.HOST + ":" + port;
    }

    /** When the current (or last) process was launched, in epoch milliseconds: the origin of start-up times. */
    public synchronized long launchedAtMillis() {
        return launchedAtMillis;
    }

    public Path log() {
        return log;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /**
     * Waits until {@code path} answers 200 (e.g. {@code /q/health/ready}), failing at once with the
     * log's end if the process exits first. Answers the time from the launch to that answer.
     */
    public Duration awaitHttp(String path, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!isAlive()) {
                throw new IllegalStateException("instance " + name + " exited before " + path + " answered:\n" + logTail(40));
            }
            try {
                HttpResponse<String> response = send(path, Duration.ofSeconds(5));
                if (response.statusCode() == 200) {
                    synchronized (this) {
                        return Duration.ofNanos(System.nanoTime() - launchedNanos);
                    }
                }
                last = "HTTP " + response.statusCode();
            } catch (IOException e) {
                last = e.toString();
            }
            sleep(100);
        }
        throw new IllegalStateException("instance " + name + ": " + path + " not 200 within " + timeout.toSeconds() + " s (" + last + "):\n"
                + logTail(40));
    }

    /** The body of {@code GET path}, which must answer 200. */
    public String get(String path) {
        try {
            HttpResponse<String> response = send(path, Duration.ofSeconds(30));
            if (response.statusCode() != 200) {
                throw new IllegalStateException("instance " + name + ": GET " + path + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("instance " + name + ": GET " + path + " failed", e);
        }
    }

    /**
     * SIGTERM, then waits for the process to exit (killing it, and failing, after 60 s).
     * Returns the exit code (a Quarkus application that shut down gracefully exits with 0 or, as
     * the JVM reports a SIGTERM, 143).
     */
    public synchronized int terminate() {
        if (process == null) {
            throw new IllegalStateException("instance " + name + " is not running");
        }
        stopWatchdog();
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                throw new IllegalStateException("instance " + name + " did not stop within " + STOP_TIMEOUT.toSeconds()
                        + " s of SIGTERM and was killed:\n" + logTail(40));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping instance " + name, e);
        } finally {
            RUNNING.remove(this);
            process = null;
        }
    }

    /** SIGKILL, as a crash or the OOM killer would end it: no shutdown hook, nothing committed on the way out. */
    public synchronized void kill() {
        if (process == null) {
            throw new IllegalStateException("instance " + name + " is not running");
        }
        stopWatchdog();
        try {
            process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing instance " + name, e);
        } finally {
            RUNNING.remove(this);
            process = null;
        }
    }

    /**
     * Waits for an application that stops by itself (e.g. refuses its configuration) and answers its
     * exit code; kills it, and fails, if it still runs after {@code timeout}.
     */
    public synchronized int awaitExit(Duration timeout) {
        if (process == null) {
            throw new IllegalStateException("instance " + name + " is not running");
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("instance " + name + " did not exit within " + timeout.toSeconds() + " s:\n" + logTail(40));
            }
            int exit = process.exitValue();
            stopWatchdog();
            RUNNING.remove(this);
            process = null;
            return exit;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for instance " + name + " to exit", e);
        }
    }

    /** Starts the application again (a new process, a new port, the same settings and log). */
    public synchronized void restart() {
        if (isAlive()) {
            throw new IllegalStateException("instance " + name + " is still running");
        }
        launch();
    }

    /** Everything in the log: each launch's command line, then what the application wrote. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The last {@code lines} lines of the log, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the process if it runs: SIGTERM, SIGKILL after the timeout. Never throws. */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        stopWatchdog();
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            RUNNING.remove(this);
            process = null;
        }
    }

    @Override
    public String toString() {
        return "instance " + name + (isAlive() ? " (pid " + pid() + ", " + baseUri() + ")" : " (stopped)");
    }

    private synchronized void launch() {
        port = LoopbackPorts.freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dquarkus.http.host=" + LoopbackPorts.HOST);
        command.add("-Dquarkus.http.port=" + port);
        command.add("-jar");
        command.add(jar.toString());
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "=== " + java.time.Instant.now() + " launching instance " + name + ": " + String.join(" ", command) + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + log, e);
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(jar.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(new LinkedHashMap<>(environment));
        try {
            launchedNanos = System.nanoTime();
            launchedAtMillis = System.currentTimeMillis();
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not launch instance " + name + " of " + jar, e);
        }
        RUNNING.add(this);
        watchdog = Watchdog.of(process.pid());
    }

    private HttpResponse<String> send(String path, Duration timeout) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUri() + path)).timeout(timeout).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** First, so the watchdog can never signal a PID the OS has meanwhile given to another process. */
    private void stopWatchdog() {
        if (watchdog != null) {
            watchdog.destroyForcibly();
            watchdog = null;
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
