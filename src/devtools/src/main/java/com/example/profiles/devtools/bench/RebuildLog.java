package com.example.profiles.devtools.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a rebuild job printed (the packaged app with {@code profiles.rebuild.run=true}; the
 * {@code printf} calls of {@code Rebuild}), read back from its log: its progress lines, the steps
 * of the switch, the records a partition no longer retains, and its last line. Lines that are not
 * the rebuild's own (Quarkus's log) are passed over.
 */
record RebuildLog(List<Progress> progress, List<String> steps, Map<String, Long> notRetained, Done done) {

    /**
     * {@code rebuild: BUILDING: 61234 read {topic=n, ...}, 2001/s, 870 left (about 0 s) {topic-0=870}: {applied=n, ...}}:
     * the phase, the records read so far and by topic, the job's own rate (records read over the
     * seconds since its pass began), the records left on the topics, and the outcomes so far.
     */
    record Progress(String phase, long read, Map<String, Long> readByTopic, long perSecond, long left, Map<String, Long> outcomes) {

        /** Seconds since the job's pass began, by its own count (read over its average rate); -1 before its first records. */
        double seconds() {
            return perSecond < 1 ? -1 : (double) read / perSecond;
        }
    }

    /** {@code rebuild: done, generation 1 (version 4); 61234 records read, {applied=n, ...}}. */
    record Done(String state, long read, Map<String, Long> outcomes) {
    }

    private static final String MAP = "(\\{[^}]*\\})";
    private static final Pattern PROGRESS = Pattern.compile("rebuild: (BUILDING|DUAL|SWITCHED|IDLE): (\\d+) read " + MAP
            + ", (\\d+)/s, (\\d+) left \\(about [^)]*\\)(?: " + MAP + ")?: " + MAP);
    private static final Pattern STEP = Pattern.compile("rebuild: (.+), every instance acts on it");
    private static final Pattern NOT_RETAINED = Pattern.compile("rebuild: (\\S+) no longer retains its first (\\d+) records.*");
    private static final Pattern DONE = Pattern.compile("rebuild: done, (.+); (\\d+) records read, " + MAP);

    static RebuildLog parse(List<String> lines) {
        List<Progress> progress = new ArrayList<>();
        List<String> steps = new ArrayList<>();
        Map<String, Long> notRetained = new LinkedHashMap<>();
        Done done = null;
        for (String raw : lines) {
            String line = raw.strip();
            Matcher m;
            if ((m = PROGRESS.matcher(line)).matches()) {
                progress.add(new Progress(m.group(1), Long.parseLong(m.group(2)), counts(m.group(3)), Long.parseLong(m.group(4)),
                        Long.parseLong(m.group(5)), counts(m.group(7))));
            } else if ((m = STEP.matcher(line)).matches()) {
                steps.add(m.group(1));
            } else if ((m = NOT_RETAINED.matcher(line)).matches()) {
                notRetained.put(m.group(1), Long.parseLong(m.group(2)));
            } else if ((m = DONE.matcher(line)).matches()) {
                done = new Done(m.group(1), Long.parseLong(m.group(2)), counts(m.group(3)));
            }
        }
        return new RebuildLog(List.copyOf(progress), List.copyOf(steps), notRetained, done);
    }

    /**
     * The rate at which the job read (and applied) records while it built the new generation: the
     * slope between its first and last BUILDING progress lines, on its own clock; the first second
     * (the consumer's first fetch) is left out. Null with fewer than two such lines.
     */
    Double buildingPerSecond() {
        return buildingPerSecond(Double.POSITIVE_INFINITY);
    }

    /**
     * The same over the end of the building only, from its last line at least {@code window}
     * seconds before its last line (or its first line): the rate once the job's JVM has compiled its
     * code, which a long rebuild keeps; the whole building's rate includes its warm-up.
     */
    Double buildingPerSecond(double window) {
        List<Progress> building = progress.stream().filter(p -> p.phase().equals("BUILDING") && p.seconds() > 0).toList();
        if (building.size() < 2) {
            return null;
        }
        Progress last = building.get(building.size() - 1);
        Progress first = building.get(0);
        for (Progress p : building) {
            if (p.seconds() <= last.seconds() - window) {
                first = p;
            }
        }
        double seconds = last.seconds() - first.seconds();
        return seconds <= 0 ? null : (last.read() - first.read()) / seconds;
    }

    /** The job's own average rate in its last BUILDING line, null if it printed none. */
    Long lastBuildingPerSecond() {
        Long rate = null;
        for (Progress p : progress) {
            if (p.phase().equals("BUILDING")) {
                rate = p.perSecond();
            }
        }
        return rate;
    }

    /** {@code {a=1, b=2}} as a map; {@code {}} as an empty one. */
    private static Map<String, Long> counts(String text) {
        Map<String, Long> counts = new LinkedHashMap<>();
        String inner = text.substring(1, text.length() - 1).strip();
        if (inner.isEmpty()) {
            return counts;
        }
        for (String entry : inner.split(", ")) {
            int eq = entry.lastIndexOf('=');
            counts.put(entry.substring(0, eq), Long.parseLong(entry.substring(eq + 1)));
        }
        return counts;
    }
}
