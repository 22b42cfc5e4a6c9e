package com.example.profiles.devtools.servers;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A real {@code redis-server} running as a child process of this JVM, bound to 127.0.0.1 on a port
 * chosen at start, without persistence, working in its own temp dir.
 *
 * <p>The server is not daemonized, so {@link Process#destroy()} (SIGTERM) stops it. A JVM shutdown
 * hook stops every server still running, and a tiny watchdog shell stops it even if this JVM is
 * killed outright (see {@link Watchdog}).
 *
 * <p>Since nothing is persisted, {@link #restart()} brings back an <em>empty</em> Redis on the same
 * port, which is what a test of "Redis went away and came back" wants.
 */
public final class RedisServerProcess implements AutoCloseable {

    private static final String NOT_FOUND =
            "redis-server not found on PATH; install it with: apt-get install -y redis-server";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** Attempts at {@link #start()}, each on a fresh port, in case another process took the port. */
    private static final int START_ATTEMPTS = 3;

    private static final Set<RedisServerProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (RedisServerProcess server : List.copyOf(RUNNING)) {
                server.stop();
            }
        }, "redis-server-shutdown"));
    }

    private final Path executable;
    private final int port;
    /** Options after the standard ones, e.g. for a cluster node; the same on every {@link #restart()}. */
    private final List<String> extraArgs;
    private Process process;
    private Process watchdog;
    private Path workDir;

    private RedisServerProcess(Path executable, int port, List<String> extraArgs) {
        this.executable = executable;
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** Starts a server on a free loopback port and returns once it answers PING. */
    public static RedisServerProcess start() {
        return start(List::of);
    }

    /**
     * Starts a server on the given loopback port (e.g. Redis's default 6379, for an application run
     * with its default configuration) and returns once it answers PING; fails, naming the port, if
     * it is taken.
     */
    public static RedisServerProcess startOnPort(int port) {
        RedisServerProcess server = new RedisServerProcess(findOnPath("redis-server"), port, List.of());
        try {
            server.launch();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("redis-server could not start on 127.0.0.1:" + port + " (is another Redis running there?)", e);
        }
        return server;
    }

    /**
     * Like {@link #start()}, with more {@code redis-server} options after the standard ones (a later
     * option wins over an earlier one). {@code extraArgs} is asked once per start attempt, so options
     * that name a port (e.g. {@code --cluster-port}) can take a fresh one when an attempt fails; the
     * options of the attempt that succeeded are kept for {@link #restart()}.
     */
    static RedisServerProcess start(Supplier<List<String>> extraArgs) {
        Path executable = findOnPath("redis-server");
        IllegalStateException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            RedisServerProcess server = new RedisServerProcess(executable, LoopbackPorts.freePort(), extraArgs.get());
            try {
                server.launch();
                return server;
            } catch (IllegalStateException e) {
                // Most likely someone else bound the port between our probe and redis-server's bind.
                last = e;
            }
        }
        throw last;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}, the form {@code quarkus.redis.hosts} takes. */
    public String uri() {
        return "redis://" + LoopbackPorts.HOST + ":" + port;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the server, waits for it to exit and removes its temp dir. Does nothing if stopped. */
    public synchronized void stop() {
        RUNNING.remove(this);
        if (watchdog != null) {
            // First, so it cannot signal a PID that the OS has meanwhile given to another process.
            watchdog.destroyForcibly();
            watchdog = null;
        }
        if (process != null) {
            if (process.isAlive()) {
                try {
                    signal("CONT"); // a frozen server would not act on SIGTERM
                } catch (RuntimeException ignored) {
                    // it ended meanwhile
                }
            }
            process.destroy();
            try {
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            process = null;
        }
        TempDirs.deleteQuietly(workDir);
        workDir = null;
    }

    /**
     * Freezes the server with SIGSTOP, as a hung host or a stalled VM would: connections are still
     * accepted by the kernel and commands are taken, but nothing is answered until {@link #unfreeze()}.
     */
    public synchronized void freeze() {
        signal("STOP");
    }

    /** Lets a frozen server go on (SIGCONT); what it received meanwhile is then processed. */
    public synchronized void unfreeze() {
        signal("CONT");
    }

    private void signal(String name) {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("redis-server on port " + port + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Stops the server if it runs and starts it again on the same port, returning once it answers
     * PING. The new server is empty: nothing was persisted.
     */
    public synchronized void restart() {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "redis-server at " + uri() + (isRunning() ? "" : " (stopped)");
    }

    private synchronized void launch() {
        workDir = TempDirs.create("redis-server-");
        Path log = workDir.resolve("redis.log");
        List<String> command = new ArrayList<>(List.of(
                executable.toString(),
                "--port", Integer.toString(port),
                "--bind", LoopbackPorts.HOST,
                "--daemonize", "no",
                "--save", "",
                "--appendonly", "no",
                "--dir", workDir.toString()));
        if (allowsDebugSetting(executable)) {
            // DEBUG DIGEST from loopback, so tests can show a refused event changed nothing at all
            // (RedisSnapshot.digest). Redis 7 refuses DEBUG unless told; older ones allow it.
            command.addAll(List.of("--enable-debug-command", "local"));
        }
        command.addAll(extraArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        try {
            process = builder.start();
        } catch (IOException e) {
            TempDirs.deleteQuietly(workDir);
            throw new IllegalStateException("could not run " + executable + ": " + e.getMessage(), e);
        }
        RUNNING.add(this);
        watchdog = Watchdog.of(process.pid());
        try {
            awaitPong(log);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    private void awaitPong(Path log) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server on port " + port + " exited with code "
                        + process.exitValue() + ":\n" + readQuietly(log));
            }
            if (answersPing()) {
                return;
            }
            sleep(20);
        }
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING within "
                + READY_TIMEOUT.toSeconds() + " s:\n" + readQuietly(log));
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LoopbackPorts.loopback(), port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] expected = "+PONG".getBytes(StandardCharsets.US_ASCII);
            for (byte b : expected) {
                if (in.read() != b) {
                    return false; // e.g. -LOADING while the server is still getting ready
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Boolean debugSetting;

    /** True for Redis 7 and newer, which know {@code enable-debug-command}. */
    private static synchronized boolean allowsDebugSetting(Path executable) {
        if (debugSetting == null) {
            try {
                Process version = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
                String text = new String(version.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                version.waitFor();
                java.util.regex.Matcher v = java.util.regex.Pattern.compile("v=(\\d+)\\.").matcher(text);
                debugSetting = v.find() && Integer.parseInt(v.group(1)) >= 7;
            } catch (IOException e) {
                debugSetting = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                debugSetting = false;
            }
        }
        return debugSetting;
    }

    private static Path findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException(NOT_FOUND);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-server", e);
        }
    }
}
