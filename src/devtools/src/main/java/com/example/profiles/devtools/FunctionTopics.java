package com.example.profiles.devtools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Kafka topics the functions of this project read from and dead-letter to: {@code trigger.topic}
 * and {@code trigger.deadLetterTopic} of every {@code functions/*}{@code /function.json}.
 */
public final class FunctionTopics {

    /** {@code functions/} of the project. */
    public static final Path FUNCTIONS_DIR = ProjectRoot.resolve("functions");

    private static final ObjectMapper JSON = new ObjectMapper();

    private FunctionTopics() {
    }

    /** The topics named in the descriptors under {@link #FUNCTIONS_DIR}, in folder order, without repeats. */
    public static List<String> fromProject() {
        return fromDescriptors(FUNCTIONS_DIR);
    }

    /** The topics named in {@code functionsDir/*}{@code /function.json}; none if the folder is absent. */
    public static List<String> fromDescriptors(Path functionsDir) {
        if (!Files.isDirectory(functionsDir)) {
            return List.of();
        }
        List<Path> descriptors;
        try (Stream<Path> children = Files.list(functionsDir)) {
            descriptors = children.map(dir -> dir.resolve("function.json"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + functionsDir.toAbsolutePath(), e);
        }
        Set<String> topics = new LinkedHashSet<>();
        for (Path descriptor : descriptors) {
            JsonNode trigger;
            try {
                trigger = JSON.readTree(descriptor.toFile()).path("trigger");
            } catch (IOException e) {
                throw new UncheckedIOException("could not parse " + descriptor.toAbsolutePath(), e);
            }
            for (String field : List.of("topic", "deadLetterTopic")) {
                String topic = trigger.path(field).asText("");
                if (!topic.isBlank()) {
                    topics.add(topic);
                }
            }
        }
        return new ArrayList<>(topics);
    }
}
