package com.example.profiles.devtools.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the app's CPU time went during the profiled drain, from JFR's execution samples: by thread,
 * by the component of the innermost frame (self time), by the outermost component of our own code
 * on the stack, and the hottest methods.
 */
final class JfrSummary {

    private static final List<String[]> COMPONENTS = List.of(
            new String[] { "com.example.profiles", "our code" },
            new String[] { "com.fasterxml.jackson", "Jackson (JSON)" },
            new String[] { "org.hibernate.validator", "Hibernate Validator" },
            new String[] { "jakarta.validation", "Hibernate Validator" },
            new String[] { "io.cloudevents", "CloudEvents SDK" },
            new String[] { "org.apache.kafka", "Kafka client" },
            new String[] { "io.smallrye.reactive.messaging", "SmallRye Reactive Messaging" },
            new String[] { "io.smallrye.mutiny", "Mutiny" },
            new String[] { "io.vertx.redis", "Vert.x Redis client" },
            new String[] { "io.vertx.mutiny.redis", "Vert.x Redis client" },
            new String[] { "io.quarkus.redis", "Quarkus Redis client" },
            new String[] { "io.netty", "Netty (I/O)" },
            new String[] { "io.vertx", "Vert.x core" },
            new String[] { "io.micrometer", "Micrometer" },
            new String[] { "io.quarkus", "Quarkus" },
            new String[] { "java.", "JDK" },
            new String[] { "jdk.", "JDK" },
            new String[] { "sun.", "JDK" });

    private JfrSummary() {
    }

    static Map<String, Object> summarize(Path file) throws Exception {
        Map<String, Integer> byThread = new HashMap<>();
        Map<String, Integer> selfByComponent = new HashMap<>();
        Map<String, Integer> selfByMethod = new HashMap<>();
        Map<String, Integer> inclusiveByOurMethod = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            String thread = event.getThread("sampledThread") == null ? "?" : event.getThread("sampledThread").getJavaName();
            byThread.merge(thread == null ? "?" : thread.replaceAll("[0-9]+", "N"), 1, Integer::sum);
            RecordedFrame top = stack.getFrames().get(0);
            String topClass = top.getMethod().getType().getName();
            selfByComponent.merge(component(topClass), 1, Integer::sum);
            selfByMethod.merge(topClass + "." + top.getMethod().getName(), 1, Integer::sum);
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (RecordedFrame frame : stack.getFrames()) {
                String type = frame.getMethod().getType().getName();
                if (type.startsWith("com.example.profiles")) {
                    String m = type.substring("com.example.profiles.".length()) + "." + frame.getMethod().getName();
                    if (seen.add(m)) {
                        inclusiveByOurMethod.merge(m, 1, Integer::sum);
                    }
                }
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("executionSamples", samples);
        r.put("samplesByThread", top(byThread, samples, 12));
        r.put("selfTimeByComponent", top(selfByComponent, samples, 20));
        r.put("hottestMethodsSelf", top(selfByMethod, samples, 25));
        r.put("ourMethodsInclusive", top(inclusiveByOurMethod, samples, 20));
        return r;
    }

    private static String component(String className) {
        for (String[] c : COMPONENTS) {
            if (className.startsWith(c[0])) {
                return c[1];
            }
        }
        return "other (" + className.replaceAll("\\.[^.]*$", "") + ")";
    }

    private static Map<String, String> top(Map<String, Integer> counts, int total, int n) {
        Map<String, String> r = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(n)
                .forEach(e -> r.put(e.getKey(), String.format("%.1f%%", 100.0 * e.getValue() / Math.max(1, total))));
        return r;
    }
}
