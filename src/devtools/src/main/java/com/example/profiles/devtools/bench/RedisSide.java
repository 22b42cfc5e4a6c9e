package com.example.profiles.devtools.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Redis side: {@code redis-benchmark} runs of the real update scripts (the machine's limit),
 * a plain RESP client that pipelines many commands (populating a million profiles), and Redis's
 * INFO (its pid, memory, and its time per command).
 */
final class RedisSide {

    private final String host;
    private final int port;

    RedisSide(String uri) {
        String hostPort = uri.replaceFirst("^redis://", "").replaceFirst("/.*$", "");
        this.host = hostPort.substring(0, hostPort.lastIndexOf(':'));
        this.port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    /** One command, its reply as text (arrays flattened). */
    String call(String... command) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            write(out, List.of(command));
            out.flush();
            StringBuilder reply = new StringBuilder();
            boolean ok = read(new BufferedInputStream(socket.getInputStream()), reply);
            if (!ok) {
                throw new IOException("Redis answered " + reply);
            }
            return reply.toString().trim();
        }
    }

    /**
     * Each command's reply as text (arrays flattened; a nil is empty), in order, on one connection,
     * pipelined a few hundred at a time: many small reads without a connection each.
     */
    List<String> callEach(List<List<String>> commands) throws IOException {
        List<String> replies = new ArrayList<>(commands.size());
        try (Socket socket = new Socket(host, port)) {
            socket.setTcpNoDelay(true);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            for (int from = 0; from < commands.size(); from += 500) {
                List<List<String>> chunk = commands.subList(from, Math.min(commands.size(), from + 500));
                for (List<String> command : chunk) {
                    write(out, command);
                }
                out.flush();
                for (int i = 0; i < chunk.size(); i++) {
                    StringBuilder reply = new StringBuilder();
                    if (!read(in, reply)) {
                        throw new IOException("Redis answered " + reply + " to " + chunk.get(i));
                    }
                    replies.add(reply.toString().trim());
                }
            }
        }
        return replies;
    }

    /** One field of an INFO section, e.g. {@code info("server", "process_id")}. */
    String info(String section, String field) throws IOException {
        for (String line : call("INFO", section).split("\\r?\\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        throw new IllegalStateException("no " + field + " in INFO " + section);
    }

    /** INFO commandstats since the last RESETSTAT: each command's fields (calls, usec, usec_per_call, ...) by its name. */
    Map<String, Map<String, String>> commandStatFields() throws IOException {
        Map<String, Map<String, String>> byCommand = new LinkedHashMap<>();
        for (String line : call("INFO", "commandstats").split("\\r?\\n")) {
            if (!line.startsWith("cmdstat_")) {
                continue;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (String kv : line.substring(line.indexOf(':') + 1).split(",")) {
                int eq = kv.indexOf('=');
                fields.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            byCommand.put(line.substring("cmdstat_".length(), line.indexOf(':')), fields);
        }
        return byCommand;
    }

    /**
     * Redis's own account of its time per command since the last RESETSTAT: calls, microseconds per
     * call, and microseconds per event of {@code events}; commands under a nanosecond per event left out.
     */
    Map<String, Object> commandStats(long events) throws IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, String>> command : commandStatFields().entrySet()) {
            Map<String, String> fields = command.getValue();
            long calls = Long.parseLong(fields.getOrDefault("calls", "0"));
            long usec = Long.parseLong(fields.getOrDefault("usec", "0"));
            if (calls == 0 || usec * 1000 < events) {
                continue;
            }
            r.put(command.getKey(), Map.of("calls", calls, "usecPerCall", fields.get("usec_per_call"), "usecPerEvent", Report.round((double) usec / events)));
        }
        return r;
    }

    /**
     * Runs {@code redis-benchmark} with {@code command} (placeholders {@code __rand_int__}), answers
     * requests per second.
     */
    Map<String, Object> benchmark(int requests, int clients, int pipeline, int keyspace, List<String> command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-benchmark", "-h", host, "-p", Integer.toString(port), "-n", Integer.toString(requests),
                "-c", Integer.toString(clients), "-P", Integer.toString(pipeline), "-r", Integer.toString(keyspace), "--csv"));
        cmd.addAll(command);
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        // --csv: a header line, then "name","rps","avg_latency_ms","min","p50","p95","p99","max"
        String[] lines = output.trim().split("\n");
        String last = lines[lines.length - 1];
        String[] cells = last.replace("\"", "").split(",");
        if (exit != 0 || cells.length < 2 || !cells[1].matches("[0-9.]+")) {
            throw new IllegalStateException("redis-benchmark failed (" + exit + "): " + output);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("requests", requests);
        result.put("clients", clients);
        result.put("pipeline", pipeline);
        result.put("perSecond", Math.round(Double.parseDouble(cells[1])));
        if (cells.length >= 7) {
            result.put("p50Millis", Double.parseDouble(cells[4]));
            result.put("p99Millis", Double.parseDouble(cells[6]));
        }
        return result;
    }

    /**
     * Sends every command on one connection, pipelined (at most {@code window} unanswered), and
     * answers how many replies were errors (the first error's text in {@code firstError}).
     */
    long pipeline(Iterable<List<String>> commands, int window, AtomicReference<String> firstError) throws Exception {
        AtomicLong errors = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        AtomicLong received = new AtomicLong();
        Semaphore room = new Semaphore(window);
        AtomicReference<Throwable> readFailure = new AtomicReference<>();
        try (Socket socket = new Socket(host, port)) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread reader = new Thread(() -> {
                try {
                    while (true) {
                        if (received.get() >= sent.get()) {
                            if (!writing.get() && received.get() >= sent.get()) {
                                break;
                            }
                            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                            continue;
                        }
                        StringBuilder reply = new StringBuilder();
                        if (!read(in, reply)) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, reply.toString());
                        }
                        received.incrementAndGet();
                        room.release();
                    }
                } catch (Throwable t) {
                    readFailure.set(t);
                    room.release(window);
                }
            }, "resp-reader");
            reader.start();
            for (List<String> command : commands) {
                if (!room.tryAcquire()) {
                    out.flush();
                    room.acquire();
                }
                if (readFailure.get() != null) {
                    break;
                }
                write(out, command);
                sent.incrementAndGet();
            }
            out.flush();
            writing.set(false);
            reader.join();
        }
        if (readFailure.get() != null) {
            throw new IOException("reading replies failed", readFailure.get());
        }
        return errors.get();
    }

    private static void write(OutputStream out, List<String> command) throws IOException {
        out.write(('*' + Integer.toString(command.size()) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String arg : command) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            out.write(('$' + Integer.toString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write('\r');
            out.write('\n');
        }
    }

    /** Reads one reply into {@code text}; false when it is (or holds) an error. */
    private static boolean read(InputStream in, StringBuilder text) throws IOException {
        String line = line(in);
        char type = line.charAt(0);
        String rest = line.substring(1);
        switch (type) {
            case '+', ':' -> {
                text.append(rest).append(' ');
                return true;
            }
            case '-' -> {
                text.append(rest).append(' ');
                return false;
            }
            case '$' -> {
                int length = Integer.parseInt(rest);
                if (length >= 0) {
                    byte[] data = in.readNBytes(length + 2);
                    text.append(new String(data, 0, length, StandardCharsets.UTF_8)).append(' ');
                }
                return true;
            }
            case '*' -> {
                int n = Integer.parseInt(rest);
                boolean ok = true;
                for (int i = 0; i < n; i++) {
                    ok &= read(in, text);
                }
                return ok;
            }
            default -> throw new IOException("unexpected RESP reply: " + line);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\r') {
                in.read();
                return buffer.toString(StandardCharsets.UTF_8);
            }
            buffer.write(b);
        }
        throw new IOException("Redis closed the connection");
    }
}
