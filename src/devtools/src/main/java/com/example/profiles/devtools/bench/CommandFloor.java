package com.example.profiles.devtools.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The floor of the update scripts' Redis time per event, derived from the scripts themselves: the
 * commands the real scripts send for the benchmark's stream, recorded ({@link #record}), then sent
 * again with no logic around them, one script call per event ({@link #SOURCE}). The floor is what
 * any script keeping this data model, with these commands, pays; what the real scripts cost beyond
 * it is their logic (checks, ordering, the cart's replay, JSON). The floor's call carries every
 * command's arguments (several times the real call's count), so it errs high, if anything: its
 * call alone costs Redis more than the real one. Kept in step with the scripts by construction:
 * nothing here names a command of theirs.
 *
 * <p>The recording watches the server with {@code MONITOR} while the calls go, on a connection of
 * its own: Redis shows each script call as the client sent it, then each command the script ran,
 * marked {@code [0 lua]}, in the order it ran them. A script runs atomically, so the commands that
 * follow one call's line up to the next call's are that call's. The recording is checked before it
 * is used: each call line must be the call that was sent, in order; a probe script shows that the
 * server prints a script's commands after its call (and not before); and the commands recorded,
 * counted by name, must be exactly {@code INFO commandstats}' calls of the same run.
 *
 * <p>{@link #measure} runs the real scripts and the floor in turns on one server and answers their
 * times per event and the ratio; the benchmark's limits phase records it as {@code limits.scriptFloor}.
 */
final class CommandFloor {

    /**
     * The floor's one script. ARGV holds the event's commands, each as its argument count and then
     * its arguments (the name first), exactly as the real script sent them; KEYS are the real
     * call's keys, so the call declares the keys it touches as the real one does (and the call
     * carries as many). Beyond the commands it reads one count and unpacks one slice of ARGV per
     * command: the least Lua that can hand arguments it did not compute to {@code redis.call}.
     * It passes the commands' replies to Lua (the reads' results arrive as the real scripts'
     * do) and returns nothing.
     */
    static final String SOURCE = """
            -- The command floor (CommandFloor in src/devtools): runs the commands in ARGV, each
            -- given as its argument count followed by its arguments, and nothing else.
            local i, n = 1, #ARGV
            while i <= n do
              local count = tonumber(ARGV[i])
              redis.call(unpack(ARGV, i + 1, i + count))
              i = i + count + 1
            end
            """;

    static final String SHA = sha1(SOURCE);

    /** The probe that shows on which side of its call's line the server prints a script's commands. */
    private static final String PROBE_SCRIPT = "return redis.call('EXISTS', KEYS[1])";
    private static final String PROBE_KEY = "command-floor:probe";

    private CommandFloor() {
    }

    /**
     * The real scripts' commands for a stream of calls, as floor calls (one per event, in order), and
     * their counts by command name.
     *
     * @param floorCalls     each event's floor call: EVALSHA of {@link #SHA}, the real call's keys,
     *                       then each command's argument count and arguments
     * @param commandCounts  the commands the scripts sent, by lower-case name (as commandstats names them)
     * @param scriptErrors   the real calls answered with an error
     * @param realArguments  the real calls' arguments (ARGV), all events together
     * @param floorArguments the floor calls' arguments (ARGV), all events together
     */
    record Recording(List<List<String>> floorCalls, Map<String, Long> commandCounts, long scriptErrors, long realArguments,
            long floorArguments) {

        long commands() {
            return commandCounts.values().stream().mapToLong(Long::longValue).sum();
        }

        double commandsPerEvent() {
            return (double) commands() / floorCalls.size();
        }

        /** Event {@code event}'s commands, in the order the real script sent them. */
        List<List<String>> commandsOf(int event) {
            List<String> call = floorCalls.get(event);
            List<List<String>> commands = new ArrayList<>();
            int i = 3 + Integer.parseInt(call.get(2));
            while (i < call.size()) {
                int count = Integer.parseInt(call.get(i));
                commands.add(call.subList(i + 1, i + 1 + count));
                i += count + 1;
            }
            return commands;
        }

        /** What results.json keeps of it. */
        Map<String, Object> describe() {
            Map<String, Object> r = new LinkedHashMap<>();
            int events = floorCalls.size();
            r.put("events", events);
            r.put("commandsPerEvent", Report.round(commandsPerEvent()));
            Map<String, Object> perEvent = new LinkedHashMap<>();
            commandCounts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> perEvent.put(e.getKey(), Report.round((double) e.getValue() / events)));
            r.put("commandsPerEventByName", perEvent);
            r.put("scriptArgumentsPerEvent", Report.round((double) realArguments / events));
            r.put("floorArgumentsPerEvent", Report.round((double) floorArguments / events));
            if (scriptErrors > 0) {
                r.put("scriptErrors", scriptErrors);
            }
            return r;
        }
    }

    /**
     * Sends {@code calls} (EVALSHA of the real update scripts) pipelined to an emptied server, with
     * the scripts loaded, and records what each script sent; fails if the recording does not check
     * out (see the class comment). Leaves the stream's keys in the server.
     */
    static Recording record(RedisSide redis, List<List<String>> calls) throws Exception {
        return record(redis, ScriptCalls.scripts(Map.of()), calls);
    }

    /** {@link #record(RedisSide, List)} with these scripts loaded (calls of other scripts, for tests). */
    static Recording record(RedisSide redis, List<String> scripts, List<List<String>> calls) throws Exception {
        redis.call("FLUSHALL");
        for (String script : scripts) {
            redis.call("SCRIPT", "LOAD", script);
        }
        String endMarker = "command-floor:end:" + System.nanoTime();
        Monitor monitor = new Monitor(calls, endMarker);
        try (Socket socket = new Socket(redis.host(), redis.port())) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            monitor.message(in);
            if (!monitor.text().equals("+OK")) {
                throw new IOException("MONITOR answered " + monitor.text());
            }
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    monitor.read(in);
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "command-floor-monitor");
            reader.setDaemon(true);
            reader.start();
            redis.call("EVAL", PROBE_SCRIPT, "1", PROBE_KEY);
            redis.call("CONFIG", "RESETSTAT");
            AtomicReference<String> firstError = new AtomicReference<>();
            long errors = redis.pipeline(calls, 64, firstError);
            Map<String, Map<String, String>> stats = redis.commandStatFields();
            // The last line the recording waits for: every line of the stream was printed before it.
            redis.call("ECHO", endMarker);
            reader.join(600_000);
            if (reader.isAlive()) {
                socket.close();
                throw new IllegalStateException("MONITOR did not show the end of the recording within 10 minutes");
            }
            if (failure.get() != null) {
                throw new IllegalStateException("the recording failed: " + failure.get().getMessage(), failure.get());
            }
            Recording recording = new Recording(monitor.floorCalls, monitor.counts, errors, monitor.realArguments, monitor.floorArguments);
            check(recording, calls.size(), stats);
            return recording;
        }
    }

    /** The recorded commands by name must be exactly the server's count of the calls of the same run. */
    private static void check(Recording recording, int events, Map<String, Map<String, String>> stats) {
        if (recording.floorCalls().size() != events) {
            throw new IllegalStateException("recorded " + recording.floorCalls().size() + " script calls of " + events + " sent");
        }
        Map<String, Long> expected = new TreeMap<>(recording.commandCounts());
        expected.merge("evalsha", (long) events, Long::sum);
        Map<String, Long> counted = new TreeMap<>();
        for (Map.Entry<String, Map<String, String>> stat : stats.entrySet()) {
            // The recording's own commands on other connections (CONFIG RESETSTAT), not the stream's.
            if (!stat.getKey().startsWith("config") && !stat.getKey().equals("info")) {
                counted.put(stat.getKey(), Long.parseLong(stat.getValue().getOrDefault("calls", "0")));
            }
        }
        if (!expected.equals(counted)) {
            throw new IllegalStateException("the recording's commands " + expected + " are not INFO commandstats' " + counted);
        }
    }

    /**
     * The real scripts and the floor in turns on one server, {@code rounds} times, on the
     * benchmark's stream of {@code events} events (ScriptCost's: the same seed): Redis's time per
     * event ({@code EVALSHA} in commandstats) and its CPU per event for each, and the ratio
     * scripts/floor per round and as the median of the rounds'. Empties the server before each run
     * and at the end. Answers {@code events}, {@code rounds} (each {@code scriptsUsecPerEvent},
     * {@code floorUsecPerEvent}, {@code ratio} and both Redis CPU figures), the medians of those over
     * the rounds, {@code commandsPerEvent} and what the recording found ({@code recording}).
     */
    static Map<String, Object> measure(RedisSide redis, LoadStream.Settings settings, int events, int rounds) throws Exception {
        long now = System.currentTimeMillis();
        List<List<String>> calls = ScriptCost.streamCalls(settings, events, now, null);
        Recording recording = record(redis, calls);
        List<String> scripts = ScriptCalls.scripts(Map.of());
        List<Map<String, Object>> perRound = new ArrayList<>();
        double[] scriptUsec = new double[rounds];
        double[] floorUsec = new double[rounds];
        double[] ratios = new double[rounds];
        double[] scriptCpu = new double[rounds];
        double[] floorCpu = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            Map<String, Object> real = ScriptCost.run(redis, scripts, calls);
            Map<String, Object> floor = ScriptCost.run(redis, List.of(SOURCE), recording.floorCalls());
            scriptUsec[round] = ((Number) real.get("scriptUsecPerEvent")).doubleValue();
            floorUsec[round] = ((Number) floor.get("scriptUsecPerEvent")).doubleValue();
            ratios[round] = scriptUsec[round] / floorUsec[round];
            scriptCpu[round] = ((Number) real.get("redisCpuUsecPerEvent")).doubleValue();
            floorCpu[round] = ((Number) floor.get("redisCpuUsecPerEvent")).doubleValue();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("scriptsUsecPerEvent", scriptUsec[round]);
            r.put("floorUsecPerEvent", floorUsec[round]);
            r.put("ratio", Report.round(ratios[round]));
            r.put("scriptsRedisCpuUsecPerEvent", scriptCpu[round]);
            r.put("floorRedisCpuUsecPerEvent", floorCpu[round]);
            long floorErrors = ((Number) floor.get("errors")).longValue();
            if (floorErrors > 0) {
                r.put("floorErrors", floorErrors);
                r.put("floorFirstError", floor.get("firstError"));
            }
            perRound.add(r);
        }
        redis.call("FLUSHALL");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("events", events);
        r.put("rounds", perRound);
        r.put("scriptsUsecPerEvent", Report.round(median(scriptUsec)));
        r.put("floorUsecPerEvent", Report.round(median(floorUsec)));
        r.put("ratio", Report.round(median(ratios)));
        r.put("scriptsRedisCpuUsecPerEvent", Report.round(median(scriptCpu)));
        r.put("floorRedisCpuUsecPerEvent", Report.round(median(floorCpu)));
        r.put("commandsPerEvent", Report.round(recording.commandsPerEvent()));
        r.put("recording", recording.describe());
        return r;
    }

    /** The median (of an even count, the mean of the middle two). */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /**
     * Reads MONITOR's lines and turns them into floor calls. Runs on its own thread while the calls
     * go; lines of other clients than the stream's (the recording's own INFO) are skipped.
     */
    private static final class Monitor {
        private final List<List<String>> calls;
        private final String endMarker;
        final List<List<String>> floorCalls;
        final Map<String, Long> counts = new HashMap<>();
        long realArguments;
        long floorArguments;
        private final byte[] buffer = new byte[1 << 16];
        private int position;
        private int filled;
        private byte[] line = new byte[1 << 12];
        private int length;
        private byte[] scratch = new byte[1 << 12];
        /** The event whose commands the lines now show; -1 before the first. */
        private int event = -1;
        private ArrayList<String> current;
        private List<String> currentKeys = List.of();
        private final Map<String, String> sharedArguments = new HashMap<>();

        Monitor(List<List<String>> calls, String endMarker) {
            this.calls = calls;
            this.endMarker = endMarker;
            this.floorCalls = new ArrayList<>(calls.size());
        }

        void read(InputStream in) throws IOException {
            boolean probeCall = false;
            boolean probed = false;
            while (true) {
                message(in);
                if (length == 0 || line[0] != '+') {
                    throw new IOException("MONITOR sent " + text());
                }
                int quote = indexOf((byte) '"', 1);
                int open = indexOf((byte) '[', 1);
                if (quote < 0 || open < 0 || open > quote) {
                    throw new IOException("not a MONITOR line: " + text());
                }
                // "[<db> <client>] ": the client is "lua" for the commands a script runs.
                String client = new String(line, open + 1, quote - open - 3, StandardCharsets.US_ASCII);
                boolean lua = client.endsWith(" lua");
                List<String> args = arguments(quote);
                if (!probed) {
                    if (!probeCall && !lua && args.size() == 4 && args.get(0).equalsIgnoreCase("EVAL") && args.get(1).equals(PROBE_SCRIPT)) {
                        probeCall = true;
                    } else if (probeCall) {
                        if (!lua || !args.equals(List.of("EXISTS", PROBE_KEY))) {
                            throw new IOException("MONITOR did not show the probe script's command right after its call, but: " + args);
                        }
                        probed = true;
                    } else if (lua) {
                        throw new IOException("a script ran before the recording began: " + args);
                    }
                    continue;
                }
                if (lua) {
                    if (current == null) {
                        throw new IOException("a script's command before any call of the stream: " + args);
                    }
                    command(args);
                } else if (args.size() > 1 && args.get(0).equalsIgnoreCase("EVALSHA")) {
                    finishEvent();
                    event++;
                    if (event >= calls.size() || !args.equals(calls.get(event))) {
                        throw new IOException("call " + event + " as MONITOR showed it is not the one sent: " + args);
                    }
                    List<String> call = calls.get(event);
                    int keys = Integer.parseInt(call.get(2));
                    currentKeys = call.subList(3, 3 + keys);
                    current = new ArrayList<>(call.size() * 3);
                    current.add("EVALSHA");
                    current.add(SHA);
                    current.add(call.get(2));
                    current.addAll(currentKeys);
                    realArguments += call.size() - 3 - keys;
                } else if (args.size() == 2 && args.get(0).equalsIgnoreCase("ECHO") && args.get(1).equals(endMarker)) {
                    finishEvent();
                    return;
                }
            }
        }

        private void command(List<String> args) {
            current.add(shared(Integer.toString(args.size())));
            String name = shared(args.get(0));
            current.add(name);
            counts.merge(name.toLowerCase(Locale.ROOT), 1L, Long::sum);
            for (int i = 1; i < args.size(); i++) {
                String arg = args.get(i);
                int key = currentKeys.indexOf(arg);
                current.add(key >= 0 ? currentKeys.get(key) : shared(arg));
            }
        }

        /**
         * One string for equal arguments: most of the scripts' arguments recur (field names, times,
         * values written again), and a recording of a few hundred thousand events then takes a
         * fraction of the memory.
         */
        private String shared(String arg) {
            String known = sharedArguments.putIfAbsent(arg, arg);
            return known != null ? known : arg;
        }

        private void finishEvent() {
            if (current != null) {
                floorArguments += current.size() - 3 - currentKeys.size();
                current.trimToSize();
                floorCalls.add(current);
                current = null;
            }
        }

        /** Reads one RESP simple string or error (up to its CRLF) into {@code line}, {@code length} bytes. */
        void message(InputStream in) throws IOException {
            length = 0;
            while (true) {
                if (position == filled) {
                    filled = in.read(buffer);
                    position = 0;
                    if (filled < 0) {
                        throw new IOException("Redis closed the MONITOR connection");
                    }
                }
                byte b = buffer[position++];
                if (b == '\n' && length > 0 && line[length - 1] == '\r') {
                    length--;
                    return;
                }
                if (length == line.length) {
                    line = Arrays.copyOf(line, length * 2);
                }
                line[length++] = b;
            }
        }

        String text() {
            return new String(line, 0, length, StandardCharsets.UTF_8);
        }

        private int indexOf(byte b, int from) {
            for (int i = from; i < length; i++) {
                if (line[i] == b) {
                    return i;
                }
            }
            return -1;
        }

        /**
         * The quoted arguments from {@code from} on, unescaped as Redis escapes them (sdscatrepr):
         * {@code \" \\ \n \r \t \a \b} and {@code \xHH} for any other byte that is not printable.
         */
        private List<String> arguments(int from) throws IOException {
            List<String> args = new ArrayList<>();
            int i = from;
            while (i < length) {
                if (line[i] != '"') {
                    throw new IOException("expected a quoted argument at " + i + ": " + text());
                }
                i++;
                int n = 0;
                boolean ascii = true;
                while (true) {
                    if (i >= length) {
                        throw new IOException("unterminated argument: " + text());
                    }
                    byte b = line[i++];
                    if (b == '"') {
                        break;
                    }
                    if (b == '\\') {
                        byte e = line[i++];
                        b = switch (e) {
                            case '\\' -> '\\';
                            case '"' -> '"';
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'a' -> 7;
                            case 'b' -> '\b';
                            case 'x' -> {
                                int value = Integer.parseInt(new String(line, i, 2, StandardCharsets.US_ASCII), 16);
                                i += 2;
                                yield (byte) value;
                            }
                            default -> throw new IOException("unknown escape \\" + (char) e);
                        };
                    }
                    if (n == scratch.length) {
                        scratch = Arrays.copyOf(scratch, n * 2);
                    }
                    ascii &= b >= 0;
                    scratch[n++] = b;
                }
                args.add(ascii ? new String(scratch, 0, n, StandardCharsets.ISO_8859_1) : utf8(scratch, n));
                if (i < length) {
                    if (line[i] != ' ') {
                        throw new IOException("expected a space after an argument at " + i);
                    }
                    i++;
                }
            }
            return args;
        }

        /** The bytes as UTF-8, which they must be: the floor sends its arguments as text again. */
        private static String utf8(byte[] bytes, int n) throws IOException {
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, n)).toString();
            } catch (CharacterCodingException e) {
                throw new IOException("a script sent an argument that is not UTF-8 text; the floor could not send it again", e);
            }
        }
    }

    private static String sha1(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
