package com.example.profiles.devtools.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One {@code functions/<name>/samples/*.json}: a structured CloudEvent, re-stamped in place before it is sent. */
record Sample(FunctionDescriptor function, String file, ObjectNode event) {

    String label() {
        return function.name() + "/" + file;
    }

    /** data.userId, or for a Debezium change the {@code id} column of its row (after, else before). */
    String userId() {
        JsonNode data = event.path("data");
        JsonNode user = data.path("userId");
        if (user.isMissingNode()) {
            user = (data.path("after").isObject() ? data.path("after") : data.path("before")).path("id");
        }
        return user.isTextual() || user.isNumber() ? user.asText() : null;
    }

    /** The function's samples in file-name order; none if it has no samples folder. */
    static List<Sample> readAll(ObjectMapper json, Path functionsDir, FunctionDescriptor function) throws IOException {
        Path dir = functionsDir.resolve(function.name()).resolve("samples");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        List<Sample> samples = new ArrayList<>();
        for (Path file : files) {
            JsonNode event = json.readTree(file.toFile());
            if (!(event instanceof ObjectNode object)) {
                throw new IllegalStateException(file + " is not a JSON object (a structured CloudEvent)");
            }
            samples.add(new Sample(function, file.getFileName().toString(), object));
        }
        return samples;
    }
}
