package com.example.profiles.devtools.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.example.profiles.devtools.ProjectRoot;
import com.example.profiles.devtools.knative.KnativeManifests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.example.profiles.descriptor.FunctionDescriptor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Knative manifests under infra/knative/generated: up to date with functions/*, wired as the
 * descriptors say (checked here, no cluster needed), and valid against the upstream Knative CRD
 * schemas copied into this module's test resources ({@code knative-crds/}, see its README.md).
 *
 * <p>Plain JUnit: no Quarkus, no servers. Regenerate with
 * {@code ./mvnw -q test -pl src/devtools -am -Dtest=KnativeManifestsTest -Dsurefire.failIfNoSpecifiedTests=false -Dknative.regenerate=true}.
 */
class KnativeManifestsTest {

    static final Path ROOT = ProjectRoot.path();
    /** The upstream CRDs, from the test class path (src/test/resources/knative-crds). */
    static final Path CRDS = crdFolder();
    static final YAMLMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = new ObjectMapper();

    static List<FunctionDescriptor> descriptors;
    /** Committed file (relative to infra/knative/generated) → its object. */
    static SortedMap<String, JsonNode> committed;

    @BeforeAll
    static void read() throws IOException {
        if (Boolean.getBoolean("knative.regenerate")) {
            KnativeManifests.writeAll(ROOT);
        }
        descriptors = KnativeManifests.readDescriptors(ROOT.resolve("functions"));
        committed = readCommitted();
    }

    // --- up to date

    @Test
    void committedManifestsAreWhatTheDescriptorsGenerate() throws IOException {
        SortedMap<String, String> expected = KnativeManifests.render(KnativeManifests.generate(descriptors));
        SortedMap<String, String> actual = new TreeMap<>();
        Path dir = KnativeManifests.outputDir(ROOT);
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    actual.put(dir.relativize(f).toString().replace('\\', '/'), Files.readString(f, StandardCharsets.UTF_8));
                }
            }
        }
        List<String> stale = new ArrayList<>();
        expected.keySet().stream().filter(p -> !actual.containsKey(p)).forEach(p -> stale.add("missing: " + p));
        actual.keySet().stream().filter(p -> !expected.containsKey(p)).forEach(p -> stale.add("not generated any more: " + p));
        expected.keySet().stream().filter(actual::containsKey).filter(p -> !expected.get(p).equals(actual.get(p)))
                .forEach(p -> stale.add("differs: " + p));
        assertThat(stale)
                .as("infra/knative/generated is stale; regenerate with: " + KnativeManifests.REGENERATE)
                .isEmpty();
    }

    @Test
    void renderedYamlReadsBackAsTheGeneratedObjects() throws IOException {
        // Catches YAML typing surprises: an annotation "0" read back as the number 0, a cron read as an alias.
        for (KnativeManifests.Manifest m : KnativeManifests.generate(descriptors)) {
            String text = KnativeManifests.render(List.of(m)).get(m.path());
            assertEquals(JSON.valueToTree(m.body()), YAML.readTree(text), m.path());
        }
    }

    // --- wiring, from the committed files (no ../shared needed)

    @Test
    void manifestsAreWiredAsTheDescriptorsSay() {
        assertThat(KnativeWiring.problems(descriptors, committed)).isEmpty();
    }

    @Test
    void everyFunctionHasExactlyOneTriggerDeliveringItsOwnType() {
        for (FunctionDescriptor d : descriptors) {
            List<JsonNode> triggers = KnativeWiring.triggersOf(d, committed);
            int expected = KnativeWiring.triggered(d) ? 1 : 0;
            assertThat(triggers).as("triggers of " + d.name()).hasSize(expected);
            for (JsonNode trigger : triggers) {
                assertThat(KnativeWiring.deliveredType(d, trigger)).as("type delivered to " + d.name())
                        .isEqualTo(KnativeWiring.acceptedType(d, committed));
            }
        }
        assertThat(descriptors).as("functions/ holds the five functions this was written for").hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void everyTriggerHasADeadLetterSink() {
        List<JsonNode> triggers = committed.values().stream().filter(o -> "Trigger".equals(o.path("kind").asText())).toList();
        assertThat(triggers).isNotEmpty();
        for (JsonNode t : triggers) {
            assertThat(t.at("/spec/delivery/deadLetterSink/ref/kind").asText()).as(t.at("/metadata/name").asText()).isEqualTo("KafkaSink");
            assertThat(t.at("/spec/delivery/retry").asInt()).isPositive();
            assertThat(t.at("/spec/delivery/backoffPolicy").asText()).isEqualTo("exponential");
        }
    }

    @Test
    void everyServiceScalesToZero() {
        List<JsonNode> services = committed.values().stream().filter(o -> "Service".equals(o.path("kind").asText())).toList();
        assertThat(services).hasSize((int) descriptors.stream().filter(d -> !KnativeWiring.isJob(d)).count());
        for (JsonNode s : services) {
            assertThat(s.at("/spec/template/metadata/annotations").path("autoscaling.knative.dev/min-scale").asText())
                    .as(s.at("/metadata/name").asText()).isEqualTo("0");
        }
    }

    /**
     * A Service's heap reaches the JVM and fits its container: the JVM image's command line takes
     * JAVA_OPTS_APPEND after its own JAVA_OPTS (the JVM keeps the last -Xmx, so the Service's wins),
     * and that heap plus what the JVM was measured to need beside it stays under the memory limit.
     */
    @Test
    void everyServiceHeapReachesTheJvmAndFitsItsMemoryLimit() throws IOException {
        // Resident memory beyond the heap, measured with the heap pre-touched under the benchmark's
        // HTTP load: 160-164 MB (bench/results/round2/start-and-memory-2/NOTES.md).
        int nonHeapMb = 165;
        String entrypoint = Files.readString(ROOT.resolve("src/knative/src/main/docker/Dockerfile.jvm")).lines()
                .filter(l -> l.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
        assertThat(entrypoint).contains("$JAVA_OPTS ");
        assertThat(entrypoint.indexOf("$JAVA_OPTS_APPEND")).as(entrypoint).isGreaterThan(entrypoint.indexOf("$JAVA_OPTS "));
        // A Service's or a Job's pod: the same path in both.
        List<JsonNode> services = committed.values().stream().filter(o -> List.of("Service", "Job").contains(o.path("kind").asText())).toList();
        assertThat(services).hasSameSizeAs(descriptors);
        for (JsonNode s : services) {
            String name = s.at("/metadata/name").asText();
            JsonNode container = s.at("/spec/template/spec/containers/0");
            // KnativeWiring checks the variable is there with KnativeManifests.SERVICE_JVM_OPTIONS; here, that its heap fits.
            String append = KnativeWiring.env(s, "JAVA_OPTS_APPEND");
            assertThat(append).as(name + " JAVA_OPTS_APPEND").isNotNull();
            Matcher xmx = Pattern.compile("-Xmx(\\d+)m").matcher(append);
            assertThat(xmx.find()).as(name + ": " + append).isTrue();
            int heapMb = Integer.parseInt(xmx.group(1));
            String limit = container.at("/resources/limits/memory").asText();
            assertThat(limit).as(name).endsWith("Mi");
            assertThat(heapMb + nonHeapMb).as(name + ": heap " + heapMb + " MB + " + nonHeapMb + " MB against the limit " + limit)
                    .isLessThanOrEqualTo(Integer.parseInt(limit.substring(0, limit.length() - 2)));
        }
    }

    @Test
    void theWiringCheckNoticesATriggerOnAnotherType() {
        SortedMap<String, JsonNode> broken = copy(committed);
        ((ObjectNode) broken.get("purchase/trigger.yaml").at("/spec/filter/attributes")).put("type", "com.example.commerce.cart.changed.v1");
        ((ObjectNode) broken.get("cart/trigger.yaml").at("/spec/delivery")).remove("deadLetterSink");
        ((ObjectNode) broken.get("profile/service.yaml").at("/spec/template/metadata/annotations")).put("autoscaling.knative.dev/min-scale", "1");
        broken.put("sweeper/extra-ping.yaml", broken.get("sweeper/ping-source.yaml").deepCopy());
        for (JsonNode e : broken.get("customer/service.yaml").at("/spec/template/spec/containers/0/env")) {
            if ("JAVA_OPTS_APPEND".equals(e.path("name").asText())) {
                ((ObjectNode) e).put("value", "-Xmx512m");
            }
        }
        assertThat(KnativeWiring.problems(descriptors, broken))
                .anyMatch(p -> p.contains("purchase") && p.contains("com.example.commerce.cart.changed.v1"))
                .anyMatch(p -> p.contains("cart") && p.contains("dead-letter"))
                .anyMatch(p -> p.contains("profile") && p.contains("min-scale"))
                .anyMatch(p -> p.contains("sweeper") && p.contains("2 triggers"))
                .anyMatch(p -> p.contains("customer") && p.contains("JAVA_OPTS_APPEND"));
    }

    // --- the upstream CRD schemas (src/test/resources/knative-crds)

    @Test
    void everyGeneratedManifestMatchesItsCrdSchema() {
        CrdSchemas crds = crds();
        assertThat(committed).isNotEmpty();
        Map<String, List<String>> problems = new TreeMap<>();
        committed.forEach((path, object) -> {
            List<String> p = KubernetesModel.knows(object) ? KubernetesModel.problems(object) : crds.validate(object);
            if (!p.isEmpty()) {
                problems.put(path, p);
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void theCrdValidatorRejectsAnUnknownField() {
        CrdSchemas crds = crds();
        JsonNode service = committed.get("purchase/service.yaml").deepCopy();
        ((ObjectNode) service.at("/spec/template/spec/containers/0")).put("imagePullPolcy", "Always");
        assertThat(crds.validate(service)).anyMatch(p -> p.contains("imagePullPolcy"));

        JsonNode sink = committed.get("purchase/dead-letter-sink.yaml").deepCopy();
        ((ObjectNode) sink.at("/spec")).put("partitions", 3);
        assertThat(crds.validate(sink)).anyMatch(p -> p.contains("partitions"));

        JsonNode source = committed.get("customer/kafka-source.yaml").deepCopy();
        ((ObjectNode) source.at("/spec/delivery")).put("retries", 3);
        assertThat(crds.validate(source)).anyMatch(p -> p.contains("retries"));

        JsonNode ping = committed.get("sweeper/ping-source.yaml").deepCopy();
        ((ObjectNode) ping.at("/metadata")).put("nmae", "x");
        assertThat(crds.validate(ping)).anyMatch(p -> p.contains("nmae"));
    }

    @Test
    void theKubernetesModelCheckRejectsAnUnknownFieldAndAWrongType() {
        JsonNode job = committed.get("rebuild/job.yaml");
        assertThat(KubernetesModel.problems(job)).isEmpty();
        ObjectNode misspelled = job.deepCopy();
        ((ObjectNode) misspelled.at("/spec/template/spec")).put("restartPolcy", "Never");
        assertThat(KubernetesModel.problems(misspelled)).anyMatch(p -> p.contains("restartPolcy") && p.contains("/spec/template/spec"));
        ObjectNode inContainer = job.deepCopy();
        ((ObjectNode) inContainer.at("/spec/template/spec/containers/0")).put("imagePullPolcy", "Always");
        assertThat(KubernetesModel.problems(inContainer)).anyMatch(p -> p.contains("imagePullPolcy"));
        ObjectNode wrongType = job.deepCopy();
        ((ObjectNode) wrongType.at("/spec")).put("backoffLimit", "ten");
        assertThat(KubernetesModel.problems(wrongType)).anyMatch(p -> p.contains("backoffLimit"));
        ObjectNode quoted = job.deepCopy();
        ((ObjectNode) quoted.at("/spec")).put("backoffLimit", "10");
        assertThat(KubernetesModel.problems(quoted)).as("no coercion of a quoted number").isNotEmpty();
    }

    @Test
    void theCrdValidatorChecksTypesIntOrStringAndPreservedFields() {
        CrdSchemas crds = crds();
        JsonNode service = committed.get("purchase/service.yaml");

        JsonNode namedPort = service.deepCopy();
        ((ObjectNode) namedPort.at("/spec/template/spec/containers/0/readinessProbe/httpGet")).put("port", "http1");
        assertThat(crds.validate(namedPort)).as("int-or-string takes a name").isEmpty();

        JsonNode booleanPort = service.deepCopy();
        ((ObjectNode) booleanPort.at("/spec/template/spec/containers/0/readinessProbe/httpGet")).put("port", true);
        assertThat(crds.validate(booleanPort)).as("int-or-string refuses a boolean").isNotEmpty();

        JsonNode numericAnnotation = service.deepCopy();
        ((ObjectNode) numericAnnotation.at("/metadata")).putObject("annotations").put("a", 0);
        assertThat(crds.validate(numericAnnotation)).as("annotation values are strings").isNotEmpty();

        JsonNode wrongKind = service.deepCopy();
        ((ObjectNode) wrongKind).put("apiVersion", "serving.knative.dev/v1alpha9");
        assertThat(crds.validate(wrongKind)).anyMatch(p -> p.contains("no schema"));

        // Trigger.spec keeps unknown fields (x-kubernetes-preserve-unknown-fields): the API server accepts them.
        JsonNode trigger = committed.get("purchase/trigger.yaml").deepCopy();
        ((ObjectNode) trigger.at("/spec")).put("someFutureField", "x");
        assertThat(crds.validate(trigger)).isEmpty();
    }

    @Test
    void theConversionRulesRejectUndeclaredFields() throws IOException {
        // A tiny CRD written here proves the conversion rules themselves, apart from the Knative schemas.
        JsonNode crd = YAML.readTree("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                spec:
                  group: example.com
                  names: {kind: Widget}
                  versions:
                    - name: v1
                      served: true
                      schema:
                        openAPIV3Schema:
                          type: object
                          properties:
                            spec:
                              type: object
                              required: [size]
                              properties:
                                size: {x-kubernetes-int-or-string: true}
                                labels: {type: object, additionalProperties: {type: string}}
                                free: {type: object, x-kubernetes-preserve-unknown-fields: true}
                                empty: {type: object}
                """);
        CrdSchemas crds = CrdSchemas.of(crd);
        assertThat(crds.validate(YAML.readTree("{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {size: 3, labels: {a: b}, free: {any: [1]}}}")))
                .isEmpty();
        assertThat(crds.validate(YAML.readTree("{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {size: '3Gi'}}")))
                .isEmpty();
        assertThat(crds.validate(YAML.readTree("{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {size: 3, colour: red}}")))
                .anyMatch(p -> p.contains("colour"));
        assertThat(crds.validate(YAML.readTree("{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {size: 3, empty: {x: 1}}}")))
                .anyMatch(p -> p.contains("x"));
        assertThat(crds.validate(YAML.readTree("{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {size: 3.5}}")))
                .isNotEmpty();
        assertThat(crds.validate(YAML.readTree("{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {}}")))
                .anyMatch(p -> p.contains("size"));
        assertThat(crds.validate(YAML.readTree("{apiVersion: example.com/v1, kind: Widget, metadata: {name: w, labelz: {}}, spec: {size: 1}}")))
                .anyMatch(p -> p.contains("labelz"));
    }

    /** The upstream Knative CRDs, plus ConfigMap (a core kind, no CRD) from a schema written here. */
    static CrdSchemas crds() {
        try {
            JsonNode configMap = YAML.readTree("""
                    type: object
                    properties:
                      data: {type: object, additionalProperties: {type: string}}
                      binaryData: {type: object, additionalProperties: {type: string}}
                      immutable: {type: boolean}
                    """);
            return CrdSchemas.load(CRDS).with("v1", "ConfigMap", configMap);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path crdFolder() {
        try {
            return Path.of(Objects.requireNonNull(KnativeManifestsTest.class.getResource("/knative-crds"),
                    "knative-crds/ is not on the test class path").toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static SortedMap<String, JsonNode> readCommitted() throws IOException {
        SortedMap<String, JsonNode> objects = new TreeMap<>();
        Path dir = KnativeManifests.outputDir(ROOT);
        if (!Files.isDirectory(dir)) {
            return objects;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                objects.put(dir.relativize(f).toString().replace('\\', '/'), Objects.requireNonNull(YAML.readTree(f.toFile()), f.toString()));
            }
        }
        return objects;
    }

    static SortedMap<String, JsonNode> copy(SortedMap<String, JsonNode> objects) {
        SortedMap<String, JsonNode> out = new TreeMap<>();
        objects.forEach((k, v) -> out.put(k, v.deepCopy()));
        return out;
    }
}
