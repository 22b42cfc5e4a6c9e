package com.example.profiles.devtools.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What Replay prints for each event, and the problems it found, which decide its exit code. */
final class ReplayLog {

    private final List<String> problems = new ArrayList<>();

    /** Prints the event's line; a failed event is a problem. Returns the outcome. */
    String event(Sample sample, String transport, String outcome, String detail) {
        System.out.printf("%-43s %-9s %-13s %s%n", sample.label(), transport, outcome, detail);
        if (outcome.equals("failed")) {
            problems.add(sample.label() + " via " + transport + ": " + detail);
        }
        return outcome;
    }

    void problem(String problem) {
        problems.add(problem);
    }

    /** Prints the verdict; returns the exit code: 0 without problems, 1 with. */
    int verdict() {
        System.out.println();
        if (problems.isEmpty()) {
            System.out.println("Replay OK: every event reached a definite outcome and every check passed.");
            return 0;
        }
        System.out.println("Replay FAILED (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + "):");
        problems.forEach(p -> System.out.println("  - " + p));
        return 1;
    }

    static String abbreviate(String s) {
        String oneLine = s == null ? "" : s.replaceAll("\\s+", " ").strip();
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }

    /** 1.234 s, 6 min 0.4 s, 2 h 3 min; negative shifts keep their sign. */
    static String human(Duration d) {
        String sign = d.isNegative() ? "-" : "";
        d = d.abs();
        long days = d.toDays();
        long hours = d.toHoursPart();
        long minutes = d.toMinutesPart();
        double seconds = d.toSecondsPart() + d.toMillisPart() / 1000.0;
        if (days > 0) {
            return String.format("%s%d d %d h %d min", sign, days, hours, minutes);
        }
        if (hours > 0) {
            return String.format("%s%d h %d min %.0f s", sign, hours, minutes, seconds);
        }
        if (minutes > 0) {
            return String.format("%s%d min %.1f s", sign, minutes, seconds);
        }
        return String.format("%s%.3f s", sign, seconds);
    }
}
