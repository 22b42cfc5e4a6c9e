package com.example.profiles.devtools.deploy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * Checks a core Kubernetes object (one no CRD describes, such as a Job) against Kubernetes's own
 * object model: fabric8's classes, generated from the API's OpenAPI. Jackson reads the object
 * without coercing scalars (a number written as a string is refused), and every field the model
 * does not know lands in a class's {@code additionalProperties}, which is reported with its path:
 * a misspelled {@code restartPolcy} is found as the CRD schemas find it in a Knative object.
 */
final class KubernetesModel {

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private static final Map<String, Class<? extends KubernetesResource>> KINDS = Map.of("batch/v1 Job", Job.class);

    private KubernetesModel() {
    }

    /** Whether this object's apiVersion and kind are checked here. */
    static boolean knows(JsonNode object) {
        return KINDS.containsKey(object.path("apiVersion").asText() + " " + object.path("kind").asText());
    }

    /** What is wrong with the object: fields the model does not know, values of the wrong type; empty when nothing is. */
    static List<String> problems(JsonNode object) {
        Class<? extends KubernetesResource> type = KINDS.get(object.path("apiVersion").asText() + " " + object.path("kind").asText());
        if (type == null) {
            return List.of("no model for apiVersion " + object.path("apiVersion").asText() + ", kind " + object.path("kind").asText());
        }
        List<String> problems = new ArrayList<>();
        try {
            walk(STRICT.treeToValue(object, type), "", problems);
        } catch (JsonProcessingException e) {
            problems.add(e.getOriginalMessage() + " at " + (e instanceof JsonMappingException mapping ? mapping.getPathReference() : e.getLocation()));
        }
        return problems;
    }

    private static void walk(Object value, String path, List<String> problems) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "/" + i++, problems);
            }
            return;
        }
        if (value instanceof Map<?, ?> entries) {
            entries.forEach((key, item) -> walk(item, path + "/" + key, problems));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Class<?> c = value.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                Object fieldValue;
                try {
                    fieldValue = field.get(value);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                if (field.getName().equals("additionalProperties")) {
                    if (fieldValue instanceof Map<?, ?> unknown && !unknown.isEmpty()) {
                        problems.add(path + ": unknown to " + c.getSimpleName() + ": " + unknown.keySet());
                    }
                } else {
                    walk(fieldValue, path + "/" + field.getName(), problems);
                }
            }
        }
    }
}
