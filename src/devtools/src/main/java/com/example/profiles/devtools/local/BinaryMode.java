package com.example.profiles.devtools.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A structured CloudEvent taken apart for binary mode (HTTP and Kafka): attributes as headers, data as body. */
final class BinaryMode {

    /** Attributes that are not sent as ce-/ce_ headers in binary mode. */
    private static final Set<String> NOT_HEADERS = Set.of("data", "data_base64", "datacontenttype");

    private BinaryMode() {
    }

    /** Context attributes (specversion, id, source, type, time, extensions) as strings, for headers. */
    static Map<String, String> attributes(ObjectNode event) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = event.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!NOT_HEADERS.contains(field.getKey()) && field.getValue().isValueNode() && !field.getValue().isNull()) {
                attributes.put(field.getKey(), field.getValue().asText());
            }
        }
        return attributes;
    }

    static String contentType(ObjectNode event) {
        return event.path("datacontenttype").asText("application/json");
    }

    static byte[] data(ObjectMapper json, ObjectNode event) {
        try {
            JsonNode data = event.get("data");
            return data == null || data.isNull() ? new byte[0] : json.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
