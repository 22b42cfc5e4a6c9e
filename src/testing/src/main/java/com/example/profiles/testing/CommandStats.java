package com.example.profiles.testing;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.example.profiles.devtools.servers.RedisCommands;

/**
 * Redis's own count of the commands it ran ({@code INFO commandstats}), summed over the nodes of
 * a server or cluster. Commands a Lua script calls are counted under their own names, so the
 * difference between two snapshots says how much Redis work a run of events cost, command by
 * command. For figures, not for assertions about speed.
 */
public final class CommandStats {

    private CommandStats() {
    }

    /** Zeroes the counters of every node. */
    public static void reset(List<String> uris) {
        for (String uri : uris) {
            RedisCommands.call(uri, "CONFIG", "RESETSTAT");
        }
    }

    /** Calls per command (lower case), summed over the nodes. */
    public static Map<String, Long> calls(List<String> uris) {
        Map<String, Long> calls = new TreeMap<>();
        for (String uri : uris) {
            String info = (String) RedisCommands.call(uri, "INFO", "commandstats");
            for (String line : info.split("\r?\n")) {
                // cmdstat_zadd:calls=12,usec=...
                if (!line.startsWith("cmdstat_")) {
                    continue;
                }
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                int start = line.indexOf("calls=") + "calls=".length();
                int end = line.indexOf(',', start);
                calls.merge(name, Long.parseLong(line.substring(start, end)), Long::sum);
            }
        }
        return calls;
    }

    /** One line: per-event averages of the commands a run cost, leaving out the test's own reads and these statistics. */
    public static String perEvent(Map<String, Long> calls, long events) {
        StringBuilder line = new StringBuilder();
        long total = 0;
        for (Map.Entry<String, Long> entry : calls.entrySet()) {
            String name = entry.getKey();
            if (name.equals("info") || name.equals("config") || name.equals("cluster") || name.equals("ping") || name.equals("hello")
                    || name.equals("client|setinfo") || name.equals("client")) {
                continue;
            }
            total += entry.getValue();
            line.append(String.format(java.util.Locale.ROOT, " %s=%.2f", name, entry.getValue() / (double) events));
        }
        return String.format(java.util.Locale.ROOT, "%.2f commands per event (%d commands, %d events):", total / (double) events, total, events)
                + line;
    }
}
