package com.example.profiles.devtools.knative;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.example.profiles.descriptor.FunctionDescriptor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Generates the Knative manifests of every {@code functions/<name>/function.json} into
 * {@code infra/knative/generated/}: one Kubernetes object per file (Terraform's {@code yamldecode}
 * reads one document per file), in a stable order and format, so the committed files can be
 * compared with a fresh generation ({@link KnativeManifestsTest} fails when they are stale).
 *
 * <p>Regenerate after changing a descriptor:
 * {@code ./mvnw -q test -pl src/devtools -am -Dtest=KnativeManifestsTest -Dsurefire.failIfNoSpecifiedTests=false -Dknative.regenerate=true}
 *
 * <p>What each function gets:
 * <ul>
 * <li>every function: a Knative Service running the one image of all functions, scale to zero,
 * its concurrency, timeout, memory and max scale from the descriptor's settings;</li>
 * <li>an event function: a KafkaSink writing its dead-letter topic, and either a Trigger on the
 * Broker filtering on its one event type (CloudEvents topics, fed into the Broker by an ingress
 * KafkaSource), or, for a Debezium topic, a KafkaSource delivering to the Service directly;</li>
 * <li>a schedule function: a PingSource delivering to the Service;</li>
 * <li>a request function: only the Service;</li>
 * <li>a job (a one-off run such as the rebuild): no Service, a Kubernetes Job that
 * {@code kubectl create -f} starts under a fresh name each time, and the Terraform module only
 * when asked (its {@code job_runs}).</li>
 * </ul>
 * Placeholders that a deployment replaces (the Terraform module does): {@link #IMAGE} and
 * {@link #KAFKA_BOOTSTRAP}. No object names a namespace: they are applied into one namespace.
 */
public final class KnativeManifests {

    /** The image of all functions; Terraform's knative module replaces it with var.image. */
    public static final String IMAGE = "registry.example.com/profile-functions:0.1.0";
    /** The Kafka bootstrap servers; Terraform's knative module replaces it with var.kafka_bootstrap_servers. */
    public static final String KAFKA_BOOTSTRAP = "my-cluster-kafka-bootstrap.kafka:9092";
    /** The Secret holding REDIS_URL, KAFKA_BOOTSTRAP_SERVERS and PROFILE_HASH_KEY (created by hand, never generated). */
    public static final String SECRET = "profile-functions";
    public static final String BROKER = "profiles";
    public static final String BROKER_CONFIG = "profiles-kafka-broker-config";
    public static final String PREFIX = "profiles-";
    public static final int HTTP_PORT = 8080;

    /** The type a KafkaSource gives a record that is not itself a CloudEvent (a plain Debezium record). */
    public static final String KAFKA_SOURCE_EVENT_TYPE = "dev.knative.kafka.event";
    /** The type a PingSource gives its ticks. */
    public static final String PING_SOURCE_EVENT_TYPE = "dev.knative.sources.ping";

    /** Retries before the dead-letter sink; Knative retries 5xx (and 404, 408, 409, 429), never other 4xx such as our 400. */
    static final int RETRY = 5;
    static final String BACKOFF_POLICY = "exponential";
    static final String BACKOFF_DELAY = "PT0.5S";
    static final String CPU_REQUEST = "250m";
    /** The tick's data, the same as EventBridge Scheduler's input in infra/terraform/aws. */
    static final String TICK_DATA = "{\"reason\":\"scheduled\"}";

    static final String API_SERVICE = "serving.knative.dev/v1";
    static final String API_BROKER = "eventing.knative.dev/v1";
    static final String API_TRIGGER = "eventing.knative.dev/v1";
    static final String API_KAFKA_SINK = "eventing.knative.dev/v1alpha1";
    static final String API_KAFKA_SOURCE = "sources.knative.dev/v1beta1";
    static final String API_PING_SOURCE = "sources.knative.dev/v1";

    public static final String ROLE_LABEL = "profiles.example.com/role";
    public static final String FUNCTION_LABEL = "profiles.example.com/function";

    /**
     * A Knative Service's JVM options, appended to the JVM image's (Dockerfile.jvm's
     * JAVA_OPTS_APPEND; of a repeated option the JVM keeps the last). With the app's own Kafka
     * consumers off the functions only serve HTTP: a fixed 80 MB heap kept the whole process at
     * 238-244 MB resident with the heap pre-touched under the benchmark's HTTP load, and at 241-243 MB
     * over a 20-minute soak ending at 50 requests in flight (bench/results/round2/start-and-memory-2/NOTES.md).
     * And C1 only (tiered compilation stopped at level 1) instead of the image's C2 only: a Service
     * scales from zero, and its start counts more than its code's speed (the figures:
     * infra/knative/README.md, "Memory"). The image's defaults are sized for the Kafka path's drain.
     */
    public static final String SERVICE_JVM_OPTIONS = "-Xms80m -Xmx80m -Xmn40m -XX:+TieredCompilation -XX:TieredStopAtLevel=1";

    /** The one switch of the app's own Kafka consumers (profiles.kafka.consumers.enabled). */
    public static final String CONSUMERS_SWITCH = "PROFILES_KAFKA_CONSUMERS_ENABLED";

    public static final String REGENERATE = "./mvnw -q test -pl src/devtools -am -Dtest=KnativeManifestsTest -Dsurefire.failIfNoSpecifiedTests=false -Dknative.regenerate=true";

    /** One generated object: its path under the output folder, a header comment and its content. */
    public record Manifest(String path, List<String> comment, Map<String, Object> body) {
    }

    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            // "0", "10" stay strings (annotation values must be strings), as do "true"/"false".
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build()).build();

    private KnativeManifests() {
    }

    /** Reads every {@code <functionsDir>/<name>/function.json}, sorted by name; a name must match its folder. */
    public static List<FunctionDescriptor> readDescriptors(Path functionsDir) {
        ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        List<FunctionDescriptor> descriptors = new ArrayList<>();
        try (Stream<Path> folders = Files.list(functionsDir)) {
            for (Path folder : folders.sorted().toList()) {
                Path file = folder.resolve("function.json");
                if (!Files.isRegularFile(file)) {
                    continue;
                }
                FunctionDescriptor d = json.readValue(file.toFile(), FunctionDescriptor.class);
                if (!folder.getFileName().toString().equals(d.name())) {
                    throw new IllegalArgumentException(file + " says its name is '" + d.name() + "'; it must match its folder");
                }
                descriptors.add(d);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the descriptors in " + functionsDir, e);
        }
        descriptors.sort(Comparator.comparing(FunctionDescriptor::name));
        return descriptors;
    }

    /** Every manifest of these functions, plus the Broker they share when any of them uses it. */
    public static List<Manifest> generate(List<FunctionDescriptor> descriptors) {
        List<Manifest> out = new ArrayList<>();
        boolean usesBroker = false;
        for (FunctionDescriptor d : descriptors) {
            String kind = kind(d);
            if (!kind.equals("job")) {
                out.add(service(d, descriptors));
            }
            switch (kind) {
                case "event" -> {
                    require(d, d.trigger().topic(), "trigger.topic");
                    require(d, d.trigger().deadLetterTopic(), "trigger.deadLetterTopic");
                    out.add(deadLetterSink(d));
                    if (isDebezium(d)) {
                        out.add(directKafkaSource(d));
                    } else {
                        usesBroker = true;
                        out.add(ingressKafkaSource(d));
                        out.add(trigger(d));
                    }
                }
                case "schedule" -> {
                    require(d, d.trigger().schedule(), "trigger.schedule");
                    out.add(pingSource(d));
                }
                case "request" -> {
                    // Asked over HTTP (a CloudEvent or GET /profiles/{id}): the Service is all it needs.
                }
                case "job" -> out.add(job(d, descriptors));
                default -> throw new IllegalArgumentException("functions/" + d.name() + "/function.json: unknown trigger.kind '" + kind + "'");
            }
        }
        if (usesBroker) {
            out.add(0, brokerConfig());
            out.add(0, broker());
        }
        return out;
    }

    /** Each manifest as the text of its file: the header comment, then the YAML. */
    public static SortedMap<String, String> render(List<Manifest> manifests) {
        SortedMap<String, String> files = new TreeMap<>();
        for (Manifest m : manifests) {
            StringBuilder text = new StringBuilder();
            for (String line : m.comment()) {
                text.append(line.isEmpty() ? "#" : "# " + line).append('\n');
            }
            try {
                text.append(YAML.writeValueAsString(m.body()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Cannot render " + m.path(), e);
            }
            if (files.put(m.path(), text.toString()) != null) {
                throw new IllegalStateException("Two manifests would be written to " + m.path());
            }
        }
        return files;
    }

    /** Generates from {@code projectDir/functions} into {@code projectDir/infra/knative/generated}, replacing what was there. */
    public static SortedMap<String, String> writeAll(Path projectDir) throws IOException {
        SortedMap<String, String> files = render(generate(readDescriptors(projectDir.resolve("functions"))));
        Path out = outputDir(projectDir);
        if (Files.exists(out)) {
            try (Stream<Path> old = Files.walk(out)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path target = out.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
        }
        return files;
    }

    public static Path outputDir(Path projectDir) {
        return projectDir.resolve("infra/knative/generated");
    }

    // --- the objects

    static Manifest service(FunctionDescriptor d, List<FunctionDescriptor> all) {
        Map<String, Object> annotations = map(
                "autoscaling.knative.dev/min-scale", "0",
                "autoscaling.knative.dev/max-scale", String.valueOf(setting(d, "maxScale")));

        List<Object> env = commonEnv(all, SERVICE_JVM_OPTIONS);
        if (isDebezium(d)) {
            // The KafkaSource wraps each plain Debezium record as a dev.knative.kafka.event CloudEvent
            // (ceOverrides can only add extensions, not change the type): route and accept that type.
            env.add(map("name", "QUARKUS_FUNQY_KNATIVE_EVENTS_MAPPING_" + envName(d.name()) + "_TRIGGER", "value", KAFKA_SOURCE_EVENT_TYPE));
            env.add(map("name", "PROFILES_FUNCTIONS_" + envName(d.name()) + "_EVENT_TYPE", "value", KAFKA_SOURCE_EVENT_TYPE));
        }

        Map<String, Object> container = map(
                "name", "functions",
                "image", IMAGE,
                "ports", List.of(map("name", "http1", "containerPort", HTTP_PORT)),
                "env", env,
                "resources", resources(d),
                "readinessProbe", map("httpGet", map("path", "/q/health/ready", "port", HTTP_PORT), "periodSeconds", 5, "failureThreshold", 3),
                "livenessProbe", map("httpGet", map("path", "/q/health/live", "port", HTTP_PORT), "periodSeconds", 10, "failureThreshold", 3),
                "securityContext", CONTAINER_SECURITY);

        Map<String, Object> body = map(
                "apiVersion", API_SERVICE,
                "kind", "Service",
                "metadata", map(
                        "name", serviceName(d),
                        "labels", labels(d, "service", map(
                                // Reachable only inside the cluster; expose the profile reader deliberately if needed.
                                "networking.knative.dev/visibility", "cluster-local"))),
                "spec", map("template", map(
                        "metadata", map("labels", labels(d, "service", map()), "annotations", annotations),
                        "spec", map(
                                "containerConcurrency", setting(d, "containerConcurrency"),
                                "timeoutSeconds", setting(d, "timeoutSeconds"),
                                "containers", List.of(container)))));
        return new Manifest(d.name() + "/service.yaml", header(d,
                "The function's Knative Service: the image of all functions, scale to zero, settings from the descriptor.",
                "Env comes from the Secret '" + SECRET + "' (REDIS_URL, KAFKA_BOOTSTRAP_SERVERS, PROFILE_HASH_KEY, optional REDIS_CLIENT_TYPE).",
                "Events reach it over HTTP by CloudEvent type, so every Service routes by type and exports nothing."), body);
    }

    /**
     * The one-off job: the image of all functions started with {@code profiles.<name>.run=true}
     * (the application runs the job, then exits 0 when it is done), its own Kafka consumers and
     * schedules off like a Service's. A failed or evicted run is restarted, and goes on from where
     * it stopped (a rebuild is resumable), up to {@link #JOB_RETRIES} times. Its metrics are on
     * port 8080 like a Service's ({@code profile_rebuild_*}).
     */
    static Manifest job(FunctionDescriptor d, List<FunctionDescriptor> all) {
        List<Object> env = commonEnv(all, JOB_HEAP);
        env.add(map("name", "PROFILES_" + envName(d.name()) + "_RUN", "value", "true"));
        Object rate = d.settings() == null ? null : d.settings().get("maxEventsPerSecond");
        if (rate != null) {
            env.add(map("name", "PROFILES_" + envName(d.name()) + "_MAX_EVENTS_PER_SECOND", "value", String.valueOf(setting(d, "maxEventsPerSecond"))));
        }
        Map<String, Object> container = map(
                "name", "functions",
                "image", IMAGE,
                "ports", List.of(map("name", "http", "containerPort", HTTP_PORT)),
                "env", env,
                "resources", resources(d),
                "securityContext", CONTAINER_SECURITY);
        Map<String, Object> body = map(
                "apiVersion", "batch/v1",
                "kind", "Job",
                "metadata", map("generateName", PREFIX + d.name() + "-", "labels", labels(d, "job", map())),
                "spec", map(
                        "backoffLimit", JOB_RETRIES,
                        "template", map(
                                "metadata", map("labels", labels(d, "job", map())),
                                "spec", map(
                                        "restartPolicy", "OnFailure",
                                        "containers", List.of(container)))));
        return new Manifest(d.name() + "/job.yaml", header(d,
                "The one-off job, not applied with the rest: start a run with `kubectl create -n <namespace> -f` this file",
                "(a fresh name each time), or with the Terraform module's job_runs. Env as the Services have it, from the Secret '" + SECRET + "'.",
                "Restarted when it fails, it goes on from where it stopped; its progress is in its log and its metrics."), body);
    }

    /** Retries of a failed job run before the Job is marked failed (each goes on where the last stopped). */
    static final int JOB_RETRIES = 10;

    /**
     * A job's heap: it holds one batch of records at a time ({@code profiles.rebuild.batch-size}),
     * so the Services' heap with room for the Kafka consumer's fetch buffers.
     */
    static final String JOB_HEAP = "-Xms128m -Xmx128m";

    static final Map<String, Object> CONTAINER_SECURITY = map(
            "allowPrivilegeEscalation", false,
            "runAsNonRoot", true,
            "capabilities", map("drop", List.of("ALL")),
            "seccompProfile", map("type", "RuntimeDefault"));

    static Map<String, Object> resources(FunctionDescriptor d) {
        String memory = setting(d, "memoryMb") + "Mi";
        return map("requests", map("cpu", CPU_REQUEST, "memory", memory), "limits", map("memory", memory));
    }

    /** What every container of the function app is told: the store and broker, no consumers of its own, no in-process schedules. */
    static List<Object> commonEnv(List<FunctionDescriptor> all, String jvmOptions) {
        List<Object> env = new ArrayList<>();
        env.add(fromSecret("REDIS_URL", "REDIS_URL", false));
        env.add(fromSecret("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_BOOTSTRAP_SERVERS", false));
        env.add(fromSecret("PROFILE_HASH_KEY", "PROFILE_HASH_KEY", false));
        // Set REDIS_CLIENT_TYPE=cluster in the Secret for a Redis Cluster (keys are hash-tagged).
        env.add(fromSecret("QUARKUS_REDIS_CLIENT_TYPE", "REDIS_CLIENT_TYPE", true));
        // Knative Eventing delivers every event over HTTP; the app's own Kafka consumers (one per
        // topic, in every image) would read the same topics a second time, so they are off here.
        env.add(map("name", CONSUMERS_SWITCH, "value", "false"));
        // So the JVM image runs with the heap and JIT this container needs (the native image ignores it).
        env.add(map("name", "JAVA_OPTS_APPEND", "value", jvmOptions));
        // A schedule function is ticked by its PingSource; its in-process schedule (for long-running
        // runtimes, profiles.<name>.every) would sweep again from every instance of every Service.
        for (FunctionDescriptor other : all) {
            if ("schedule".equals(kind(other))) {
                env.add(map("name", "PROFILES_" + envName(other.name()) + "_EVERY", "value", "off"));
            }
        }
        return env;
    }

    static Manifest trigger(FunctionDescriptor d) {
        Map<String, Object> body = map(
                "apiVersion", API_TRIGGER,
                "kind", "Trigger",
                "metadata", map("name", PREFIX + d.name(), "labels", labels(d, "trigger", map())),
                "spec", map(
                        "broker", BROKER,
                        "filter", map("attributes", map("type", d.eventType())),
                        "subscriber", map("ref", ref(API_SERVICE, "Service", serviceName(d))),
                        "delivery", delivery(d)));
        return new Manifest(d.name() + "/trigger.yaml", header(d,
                "The function's one trigger: events of type " + d.eventType() + " on the Broker '" + BROKER + "'.",
                "A 5xx answer (e.g. 503, Redis unavailable) is retried " + RETRY + " times with exponential backoff from " + BACKOFF_DELAY + ";",
                "a 400 answer (an invalid event) goes straight to the dead-letter sink: Knative does not retry other 4xx."), body);
    }

    static Manifest deadLetterSink(FunctionDescriptor d) {
        Map<String, Object> body = map(
                "apiVersion", API_KAFKA_SINK,
                "kind", "KafkaSink",
                "metadata", map("name", deadLetterSinkName(d), "labels", labels(d, "dead-letter-sink", map())),
                "spec", map(
                        "topic", d.trigger().deadLetterTopic(),
                        "bootstrapServers", List.of(KAFKA_BOOTSTRAP),
                        "contentMode", "binary"));
        return new Manifest(d.name() + "/dead-letter-sink.yaml", header(d,
                "Where events the function cannot take end: its dead-letter topic " + d.trigger().deadLetterTopic() + ",",
                "the CloudEvent in binary mode (ce_* headers) as Knative delivered it, with Knative's knativeerror* extensions."), body);
    }

    /** Feeds a topic of CloudEvents into the Broker; records keep their own CloudEvent type, so the Trigger's filter matches. */
    static Manifest ingressKafkaSource(FunctionDescriptor d) {
        Map<String, Object> body = map(
                "apiVersion", API_KAFKA_SOURCE,
                "kind", "KafkaSource",
                "metadata", map("name", PREFIX + d.name() + "-ingress", "labels", labels(d, "ingress", map())),
                "spec", map(
                        "bootstrapServers", List.of(KAFKA_BOOTSTRAP),
                        "topics", List.of(d.trigger().topic()),
                        "consumerGroup", PREFIX + d.name() + "-ingress",
                        "initialOffset", "earliest",
                        "sink", map("ref", ref(API_BROKER, "Broker", BROKER)),
                        "delivery", delivery(d)));
        return new Manifest(d.name() + "/ingress-kafka-source.yaml", header(d,
                "Feeds the topic " + d.trigger().topic() + " into the Broker '" + BROKER + "'. Its records are CloudEvents",
                "(binary mode, ce_* headers), which a KafkaSource forwards unchanged, type included, so the",
                "function's Trigger matches them. This is not the function's trigger: it delivers to the Broker."), body);
    }

    /**
     * A Debezium topic's records are not CloudEvents: a KafkaSource wraps each as type
     * dev.knative.kafka.event, which no type filter of ours matches, and ceOverrides may only add
     * extensions (a CloudEvents extension must not shadow the type attribute). So the source
     * delivers to the function's Service directly, in partition order, and that Service is told
     * (env) to route and accept dev.knative.kafka.event as this function's type.
     */
    static Manifest directKafkaSource(FunctionDescriptor d) {
        Map<String, Object> body = map(
                "apiVersion", API_KAFKA_SOURCE,
                "kind", "KafkaSource",
                "metadata", map("name", PREFIX + d.name(), "labels", labels(d, "trigger", map())),
                "spec", map(
                        "bootstrapServers", List.of(KAFKA_BOOTSTRAP),
                        "topics", List.of(d.trigger().topic()),
                        "consumerGroup", PREFIX + d.name(),
                        // The snapshot is at the start of the topic; duplicates are recognised by their log position.
                        "initialOffset", "earliest",
                        // One change at a time per partition: a row's changes stay in commit order.
                        "ordering", "ordered",
                        "sink", map("ref", ref(API_SERVICE, "Service", serviceName(d))),
                        "delivery", delivery(d)));
        return new Manifest(d.name() + "/kafka-source.yaml", header(d,
                "The function's one trigger: a KafkaSource reading the Debezium topic " + d.trigger().topic() + " and",
                "delivering to the Service directly, in partition order.",
                "Why not the Broker: Debezium writes plain JSON records, not CloudEvents, so the KafkaSource gives",
                "every record the type " + KAFKA_SOURCE_EVENT_TYPE + ", which a Trigger filter on " + d.eventType(),
                "would never match, and ceOverrides can only add extensions: it cannot change the type (an extension",
                "must not shadow a CloudEvents attribute). Instead the Service maps " + KAFKA_SOURCE_EVENT_TYPE,
                "to this function (QUARKUS_FUNQY_KNATIVE_EVENTS_MAPPING_" + envName(d.name()) + "_TRIGGER and",
                "PROFILES_FUNCTIONS_" + envName(d.name()) + "_EVENT_TYPE in service.yaml). Re-delivered changes are",
                "recognised as duplicates by their position in the database log, whatever their CloudEvent id.",
                "Retries and the dead-letter sink work as for a Trigger: 5xx retried, 400 dead-lettered at once."), body);
    }

    static Manifest pingSource(FunctionDescriptor d) {
        Map<String, Object> body = map(
                "apiVersion", API_PING_SOURCE,
                "kind", "PingSource",
                "metadata", map("name", PREFIX + d.name(), "labels", labels(d, "trigger", map())),
                "spec", map(
                        "schedule", d.trigger().schedule(),
                        "timezone", "Etc/UTC",
                        "contentType", "application/json",
                        "data", TICK_DATA,
                        "sink", map("ref", ref(API_SERVICE, "Service", serviceName(d)))));
        return new Manifest(d.name() + "/ping-source.yaml", header(d,
                "The function's one trigger: a " + PING_SOURCE_EVENT_TYPE + " tick on the cron schedule '" + d.trigger().schedule() + "' (UTC),",
                "delivered to the Service directly (no Broker hop for a tick only this function wants)."), body);
    }

    static Manifest broker() {
        Map<String, Object> body = map(
                "apiVersion", API_BROKER,
                "kind", "Broker",
                "metadata", map(
                        "name", BROKER,
                        "labels", map("app.kubernetes.io/part-of", "profile-functions", ROLE_LABEL, "broker"),
                        "annotations", map("eventing.knative.dev/broker.class", "Kafka")),
                "spec", map("config", map("apiVersion", "v1", "kind", "ConfigMap", "name", BROKER_CONFIG)));
        return new Manifest("broker/broker.yaml", List.of(
                "Generated by " + KnativeManifests.class.getName() + "; do not edit, run: " + REGENERATE,
                "",
                "The Kafka-backed Broker that the event functions' Triggers subscribe to. Needs Knative Eventing",
                "and the Kafka Broker (eventing-kafka-broker) installed."), body);
    }

    static Manifest brokerConfig() {
        Map<String, Object> body = map(
                "apiVersion", "v1",
                "kind", "ConfigMap",
                "metadata", map("name", BROKER_CONFIG, "labels", map("app.kubernetes.io/part-of", "profile-functions", ROLE_LABEL, "broker")),
                "data", map(
                        "bootstrap.servers", KAFKA_BOOTSTRAP,
                        "default.topic.partitions", "10",
                        "default.topic.replication.factor", "3"));
        return new Manifest("broker/kafka-broker-config.yaml", List.of(
                "Generated by " + KnativeManifests.class.getName() + "; do not edit, run: " + REGENERATE,
                "",
                "The Kafka Broker's configuration: where Kafka is and how its Broker topic is created."), body);
    }

    // --- helpers

    static Map<String, Object> delivery(FunctionDescriptor d) {
        return map(
                "retry", RETRY,
                "backoffPolicy", BACKOFF_POLICY,
                "backoffDelay", BACKOFF_DELAY,
                "deadLetterSink", map("ref", ref(API_KAFKA_SINK, "KafkaSink", deadLetterSinkName(d))));
    }

    static Map<String, Object> ref(String apiVersion, String kind, String name) {
        return map("apiVersion", apiVersion, "kind", kind, "name", name);
    }

    static Map<String, Object> fromSecret(String env, String key, boolean optional) {
        Map<String, Object> ref = map("name", SECRET, "key", key);
        if (optional) {
            ref.put("optional", true);
        }
        return map("name", env, "valueFrom", map("secretKeyRef", ref));
    }

    static Map<String, Object> labels(FunctionDescriptor d, String role, Map<String, Object> extra) {
        Map<String, Object> labels = map(
                "app.kubernetes.io/part-of", "profile-functions",
                "app.kubernetes.io/component", d.name(),
                FUNCTION_LABEL, d.name(),
                ROLE_LABEL, role);
        labels.putAll(extra);
        return labels;
    }

    static List<String> header(FunctionDescriptor d, String... lines) {
        List<String> out = new ArrayList<>();
        out.add("Generated by " + KnativeManifests.class.getName() + " from functions/" + d.name() + "/function.json;");
        out.add("do not edit: change the descriptor and run: " + REGENERATE);
        out.add("");
        out.addAll(List.of(lines));
        return out;
    }

    public static String serviceName(FunctionDescriptor d) {
        return PREFIX + d.name();
    }

    public static String deadLetterSinkName(FunctionDescriptor d) {
        return PREFIX + d.name() + "-dead-letters";
    }

    /** The environment-variable form of a name in a config key: upper case, anything else an underscore. */
    public static String envName(String name) {
        return name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    public static boolean isDebezium(FunctionDescriptor d) {
        return d.trigger() != null && "debezium-json".equals(d.trigger().format());
    }

    static String kind(FunctionDescriptor d) {
        if (d.trigger() == null || d.trigger().kind() == null) {
            throw new IllegalArgumentException("functions/" + d.name() + "/function.json has no trigger.kind");
        }
        return d.trigger().kind();
    }

    static int setting(FunctionDescriptor d, String key) {
        Object value = d.settings() == null ? null : d.settings().get(key);
        if (!(value instanceof Number n) || n.intValue() <= 0) {
            throw new IllegalArgumentException("functions/" + d.name() + "/function.json: settings." + key + " must be a positive number, not " + value);
        }
        return n.intValue();
    }

    private static void require(FunctionDescriptor d, String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("functions/" + d.name() + "/function.json: a " + d.trigger().kind() + " function needs " + field);
        }
    }

    /** An insertion-ordered map from alternating keys and values. */
    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
