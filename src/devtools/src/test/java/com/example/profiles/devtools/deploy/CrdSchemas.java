package com.example.profiles.devtools.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

/**
 * Validates Kubernetes objects against the OpenAPI v3 schemas of CustomResourceDefinitions, the
 * way a strict API server would (kubectl's default field validation): the schema's types, enums,
 * required fields and patterns, and no field the schema does not declare.
 *
 * <p>A CRD schema is OpenAPI v3 with Kubernetes extensions, not JSON Schema; it is converted:
 * <ul>
 * <li>an object node (reached through properties, items or additionalProperties) with no
 * {@code additionalProperties} and no {@code x-kubernetes-preserve-unknown-fields: true} gets
 * {@code additionalProperties: false}: Kubernetes prunes or, strictly, rejects undeclared fields;</li>
 * <li>{@code x-kubernetes-int-or-string: true} becomes "an integer or a string";</li>
 * <li>{@code nullable: true} also allows null;</li>
 * <li>the other {@code x-kubernetes-*} keywords (list/map types) are annotations and dropped;</li>
 * <li>the root gets apiVersion and kind as constants and metadata as a small ObjectMeta (the API
 * server validates metadata itself; a CRD's own metadata schema is only {@code type: object}).</li>
 * </ul>
 * Branches of allOf/anyOf/oneOf/not are converted without the additionalProperties rule: in a
 * structural schema they only add value checks to fields the node declares.
 */
public final class CrdSchemas {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    /** apiVersion + " " + kind → the converted schema. */
    private final Map<String, Schema> schemas = new LinkedHashMap<>();
    private final Map<String, JsonNode> jsonSchemas = new LinkedHashMap<>();

    private CrdSchemas() {
    }

    /** Reads every served version of every CRD in the folder's *.yaml files. */
    public static CrdSchemas load(Path crdDir) {
        CrdSchemas crds = new CrdSchemas();
        try (Stream<Path> files = Files.list(crdDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                    while (docs.hasNext()) {
                        JsonNode doc = docs.next();
                        if (doc != null && "CustomResourceDefinition".equals(doc.path("kind").asText())) {
                            crds.addCrd(doc);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the CRDs in " + crdDir, e);
        }
        return crds;
    }

    /** Also validates objects of one more kind, e.g. a core kind (ConfigMap) that has no CRD, against a schema written here. */
    public CrdSchemas with(String apiVersion, String kind, JsonNode openApiSchema) {
        add(apiVersion, kind, openApiSchema);
        return this;
    }

    /** Builds from one CRD document (for tests of the conversion itself). */
    public static CrdSchemas of(JsonNode crd) {
        CrdSchemas crds = new CrdSchemas();
        crds.addCrd(crd);
        return crds;
    }

    private void addCrd(JsonNode crd) {
        String group = crd.path("spec").path("group").asText();
        String kind = crd.path("spec").path("names").path("kind").asText();
        for (JsonNode version : crd.path("spec").path("versions")) {
            if (!version.path("served").asBoolean(false)) {
                continue;
            }
            JsonNode schema = version.path("schema").path("openAPIV3Schema");
            if (schema.isMissingNode()) {
                continue;
            }
            add(group + "/" + version.path("name").asText(), kind, schema);
        }
    }

    private void add(String apiVersion, String kind, JsonNode openApiSchema) {
        ObjectNode converted = (ObjectNode) convert(openApiSchema, true);
        ObjectNode properties = converted.withObject("properties");
        properties.set("apiVersion", NODES.objectNode().put("const", apiVersion));
        properties.set("kind", NODES.objectNode().put("const", kind));
        properties.set("metadata", objectMeta());
        ArrayNode required = converted.has("required") ? (ArrayNode) converted.get("required") : converted.putArray("required");
        for (String field : List.of("apiVersion", "kind", "metadata")) {
            if (!containsText(required, field)) {
                required.add(field);
            }
        }
        converted.put("additionalProperties", false);
        jsonSchemas.put(key(apiVersion, kind), converted);
        schemas.put(key(apiVersion, kind), REGISTRY.getSchema(converted));
    }

    /** The apiVersion/kind pairs this can validate. */
    public TreeSet<String> kinds() {
        return new TreeSet<>(schemas.keySet());
    }

    /** The JSON Schema an object of this kind is validated against (after conversion). */
    public JsonNode jsonSchema(String apiVersion, String kind) {
        return jsonSchemas.get(key(apiVersion, kind));
    }

    /** Every problem with this object; an object of an unknown apiVersion/kind is one problem. */
    public List<String> validate(JsonNode object) {
        String apiVersion = object.path("apiVersion").asText();
        String kind = object.path("kind").asText();
        Schema schema = schemas.get(key(apiVersion, kind));
        if (schema == null) {
            return List.of("no schema for apiVersion " + apiVersion + ", kind " + kind + " (known: " + kinds() + ")");
        }
        List<String> problems = new ArrayList<>();
        for (Error error : schema.validate(object)) {
            problems.add(error.toString());
        }
        return problems;
    }

    private static String key(String apiVersion, String kind) {
        return apiVersion + " " + kind;
    }

    /** Converts one OpenAPI v3 (Kubernetes structural) schema node to JSON Schema 2020-12. */
    static JsonNode convert(JsonNode node, boolean structural) {
        if (!node.isObject()) {
            return node.deepCopy();
        }
        ObjectNode out = NODES.objectNode();
        boolean preserveUnknown = node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        boolean intOrString = node.path("x-kubernetes-int-or-string").asBoolean(false);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            switch (name) {
                case "description", "nullable", "example", "externalDocs" -> {
                }
                case "properties" -> {
                    ObjectNode properties = out.putObject("properties");
                    value.fields().forEachRemaining(p -> properties.set(p.getKey(), convert(p.getValue(), true)));
                }
                case "items" -> out.set("items", convert(value, true));
                case "additionalProperties" -> out.set("additionalProperties", value.isObject() ? convert(value, true) : value.deepCopy());
                case "allOf", "anyOf", "oneOf" -> {
                    ArrayNode branches = out.putArray(name);
                    value.forEach(branch -> branches.add(convert(branch, false)));
                }
                case "not" -> out.set("not", convert(value, false));
                default -> {
                    if (!name.startsWith("x-kubernetes-")) {
                        out.set(name, value.deepCopy());
                    }
                }
            }
        }
        if (intOrString) {
            out.remove("type");
            if (!out.has("anyOf")) {
                out.putArray("anyOf").add(NODES.objectNode().put("type", "integer")).add(NODES.objectNode().put("type", "string"));
            }
        }
        if (node.path("nullable").asBoolean(false) && out.has("type") && out.get("type").isTextual()) {
            out.putArray("type").add(out.get("type").asText()).add("null");
        }
        boolean isObject = "object".equals(node.path("type").asText()) || node.has("properties");
        if (structural && isObject && !node.has("additionalProperties") && !preserveUnknown) {
            out.put("additionalProperties", false);
        }
        return out;
    }

    /** The part of ObjectMeta that manifests in a repository set (server-set fields are not ours to write). */
    static JsonNode objectMeta() {
        ObjectNode stringMap = NODES.objectNode().put("type", "object");
        stringMap.putObject("additionalProperties").put("type", "string");
        ObjectNode meta = NODES.objectNode().put("type", "object").put("additionalProperties", false);
        meta.putArray("required").add("name");
        ObjectNode properties = meta.putObject("properties");
        properties.putObject("name").put("type", "string").put("maxLength", 63)
                .put("pattern", "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
        properties.putObject("namespace").put("type", "string").put("maxLength", 63)
                .put("pattern", "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
        properties.set("labels", stringMap.deepCopy());
        properties.set("annotations", stringMap.deepCopy());
        return meta;
    }

    private static boolean containsText(ArrayNode array, String text) {
        for (JsonNode n : array) {
            if (text.equals(n.asText())) {
                return true;
            }
        }
        return false;
    }
}
