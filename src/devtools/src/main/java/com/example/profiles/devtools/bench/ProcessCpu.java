package com.example.profiles.devtools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time per process from {@code /proc/<pid>/stat} (user + system, in clock ticks of 10 ms): the
 * app's, Redis's, the broker's (the LocalServers JVM) and this load generator's. Everything shares
 * one machine, so each figure says which process spent the cores.
 */
final class ProcessCpu {

    private static final String[] NAMES = { "app", "redis", "kafkaBroker", "loadGenerator" };

    private final long redisPid;
    private final long brokerPid;

    ProcessCpu(long redisPid, long brokerPid) {
        this.redisPid = redisPid;
        this.brokerPid = brokerPid;
    }

    /** {app, redis, broker, this load generator}, in ticks. */
    long[] perProcess(long appPid) {
        return new long[] { ticks(appPid), ticks(redisPid), ticks(brokerPid), ticks(ProcessHandle.current().pid()) };
    }

    /** utime + stime of a process in ticks; 0 for no process or one that is gone. */
    static long ticks(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            return ticksOf(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException e) {
            return 0;
        }
    }

    /** CPU ticks per thread of a process, threads of the same name (digits dropped) added up. */
    static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> r = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "N");
                    r.merge(name, ticksOf(stat), Long::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return r;
        }
        return r;
    }

    /** The dozen threads that took the most CPU seconds between two readings. */
    static Map<String, Object> threadDelta(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Object> r = new LinkedHashMap<>();
        b.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - a.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
                .forEach(e -> r.put(e.getKey(), Report.round(e.getValue() / 100.0)));
        return r;
    }

    /** CPU seconds per process between two readings of {@link #perProcess}. */
    static Map<String, Object> seconds(long[] a, long[] b) {
        Map<String, Object> r = new LinkedHashMap<>();
        for (int i = 0; i < a.length; i++) {
            r.put(NAMES[i], Report.round((b[i] - a[i]) / 100.0));
        }
        return r;
    }

    /** CPU microseconds per event per process between two readings of {@link #perProcess}. */
    static Map<String, Object> microsPerEvent(long[] a, long[] b, long events) {
        Map<String, Object> r = new LinkedHashMap<>();
        for (int i = 0; i < a.length; i++) {
            r.put(NAMES[i], events == 0 ? 0 : Math.round((b[i] - a[i]) * 10_000.0 / events));
        }
        return r;
    }

    private static long ticksOf(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
