package com.example.profiles.devtools.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What a {@code functions/<name>/function.json} tells Replay: the function's event type and its Kafka trigger. */
record FunctionDescriptor(String name, String eventType, String topic, String deadLetterTopic, String format, String kind) {

    /** Kafka records of this function are plain Debezium JSON, not CloudEvents. */
    boolean debezium() {
        return "debezium-json".equals(format);
    }

    /** Every function under {@code functionsDir}, in folder order. */
    static List<FunctionDescriptor> readAll(ObjectMapper json, Path functionsDir) throws IOException {
        if (!Files.isDirectory(functionsDir)) {
            throw new IllegalStateException("no folder " + functionsDir.toAbsolutePath());
        }
        List<Path> descriptors;
        try (Stream<Path> dirs = Files.list(functionsDir)) {
            descriptors = dirs.map(d -> d.resolve("function.json")).filter(Files::isRegularFile).sorted().toList();
        }
        List<FunctionDescriptor> functions = new ArrayList<>();
        for (Path descriptor : descriptors) {
            JsonNode d = json.readTree(descriptor.toFile());
            functions.add(new FunctionDescriptor(
                    d.path("name").asText(descriptor.getParent().getFileName().toString()),
                    textOrNull(d.path("eventType")),
                    textOrNull(d.path("trigger").path("topic")),
                    textOrNull(d.path("trigger").path("deadLetterTopic")),
                    textOrNull(d.path("trigger").path("format")),
                    textOrNull(d.path("trigger").path("kind"))));
        }
        return functions;
    }

    private static String textOrNull(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }
}
