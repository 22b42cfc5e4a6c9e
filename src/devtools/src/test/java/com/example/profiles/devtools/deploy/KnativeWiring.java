package com.example.profiles.devtools.deploy;

import static com.example.profiles.devtools.knative.KnativeManifests.envName;

import com.example.profiles.devtools.knative.KnativeManifests;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.example.profiles.descriptor.FunctionDescriptor;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Checks that a set of Knative objects does what the descriptors say, without a cluster:
 * <ul>
 * <li>each function has one Service, scaled to zero, with its settings, probes and Secret, and
 * the app's own Kafka consumers off (events arrive over HTTP); a job has a Job instead, that runs
 * the job on start, restarts when it fails, and has the same Secret and switches;</li>
 * <li>each event or schedule function has exactly one trigger (a Trigger, PingSource or
 * KafkaSource delivering to its Service) and a request function or a job none, and the trigger delivers
 * the one CloudEvent type the Service accepts for that function;</li>
 * <li>every Trigger and KafkaSource retries with backoff and dead-letters to a KafkaSink that
 * writes the function's dead-letter topic; the Trigger's Broker exists and is Kafka-backed; the
 * topic the descriptor names is read (by the trigger or by an ingress source into the Broker).</li>
 * </ul>
 */
final class KnativeWiring {

    private KnativeWiring() {
    }

    static List<String> problems(List<FunctionDescriptor> descriptors, Map<String, JsonNode> objects) {
        List<String> problems = new ArrayList<>();
        for (FunctionDescriptor d : descriptors) {
            if (isJob(d)) {
                checkJob(d, objects, problems);
            } else {
                checkService(d, descriptors, objects, problems);
            }
            checkTrigger(d, objects, problems);
        }
        for (JsonNode o : objects.values()) {
            String kind = o.path("kind").asText();
            if (kind.equals("Trigger") || kind.equals("KafkaSource")) {
                checkDelivery(o, objects, problems);
            }
        }
        return problems;
    }

    static boolean isJob(FunctionDescriptor d) {
        return "job".equals(d.trigger().kind());
    }

    /** Whether something delivers events to the function (an event or schedule function), not asked (request) or started (job). */
    static boolean triggered(FunctionDescriptor d) {
        return !"request".equals(d.trigger().kind()) && !isJob(d);
    }

    private static void checkJob(FunctionDescriptor d, Map<String, JsonNode> objects, List<String> problems) {
        String name = d.name();
        List<JsonNode> jobs = objects.values().stream().filter(o -> "Job".equals(o.path("kind").asText()))
                .filter(o -> name.equals(o.at("/metadata/labels").path(KnativeManifests.FUNCTION_LABEL).asText())).toList();
        if (jobs.size() != 1) {
            problems.add(name + ": " + jobs.size() + " Jobs; a job function has 1");
            return;
        }
        JsonNode job = jobs.get(0);
        // Started by `kubectl create -f` under a fresh name each run, so no fixed name.
        expect(problems, name, "generateName", job.at("/metadata/generateName").asText(null), KnativeManifests.PREFIX + name + "-");
        expect(problems, name, "restartPolicy", job.at("/spec/template/spec/restartPolicy").asText(null), "OnFailure");
        if (job.at("/spec/backoffLimit").asInt(0) < 1) {
            problems.add(name + ": a Job that is never restarted; a stopped run goes on only when it is");
        }
        JsonNode c = job.at("/spec/template/spec/containers/0");
        String memory = d.settings().get("memoryMb") + "Mi";
        expect(problems, name, "memory limit", c.at("/resources/limits/memory").asText(null), memory);
        expect(problems, name, "env PROFILES_" + envName(name) + "_RUN", env(job, "PROFILES_" + envName(name) + "_RUN"), "true");
        expect(problems, name, "env " + KnativeManifests.CONSUMERS_SWITCH, env(job, KnativeManifests.CONSUMERS_SWITCH), "false");
        for (String key : List.of("REDIS_URL", "KAFKA_BOOTSTRAP_SERVERS", "PROFILE_HASH_KEY")) {
            boolean fromSecret = false;
            for (JsonNode e : c.path("env")) {
                if (key.equals(e.path("name").asText())) {
                    fromSecret = KnativeManifests.SECRET.equals(e.at("/valueFrom/secretKeyRef/name").asText());
                }
            }
            if (!fromSecret) {
                problems.add(name + ": env " + key + " does not come from the Secret " + KnativeManifests.SECRET);
            }
        }
    }

    /** The objects that deliver events to the function's Service: its triggers. */
    static List<JsonNode> triggersOf(FunctionDescriptor d, Map<String, JsonNode> objects) {
        String service = KnativeManifests.serviceName(d);
        List<JsonNode> triggers = new ArrayList<>();
        for (JsonNode o : objects.values()) {
            JsonNode target = switch (o.path("kind").asText()) {
                case "Trigger" -> o.at("/spec/subscriber/ref");
                case "PingSource", "KafkaSource" -> o.at("/spec/sink/ref");
                default -> null;
            };
            if (target != null && "Service".equals(target.path("kind").asText()) && service.equals(target.path("name").asText())) {
                triggers.add(o);
            }
        }
        return triggers;
    }

    /** The CloudEvent type this trigger hands the function. */
    static String deliveredType(FunctionDescriptor d, JsonNode trigger) {
        return switch (trigger.path("kind").asText()) {
            case "Trigger" -> trigger.at("/spec/filter/attributes/type").asText(null);
            case "PingSource" -> KnativeManifests.PING_SOURCE_EVENT_TYPE;
            // A KafkaSource forwards CloudEvents records as they are and wraps anything else.
            case "KafkaSource" -> KnativeManifests.isDebezium(d) ? KnativeManifests.KAFKA_SOURCE_EVENT_TYPE : d.eventType();
            default -> null;
        };
    }

    /** The type the function's Service routes to and accepts for it: the descriptor's, unless its env overrides both. */
    static String acceptedType(FunctionDescriptor d, Map<String, JsonNode> objects) {
        JsonNode service = service(d, objects);
        String accepted = env(service, "PROFILES_FUNCTIONS_" + envName(d.name()) + "_EVENT_TYPE");
        String routed = env(service, "QUARKUS_FUNQY_KNATIVE_EVENTS_MAPPING_" + envName(d.name()) + "_TRIGGER");
        if (accepted == null && routed == null) {
            return d.eventType();
        }
        return accepted != null && accepted.equals(routed) ? accepted : "(routes " + routed + " but accepts " + accepted + ")";
    }

    private static void checkService(FunctionDescriptor d, List<FunctionDescriptor> all, Map<String, JsonNode> objects, List<String> problems) {
        JsonNode s = service(d, objects);
        String name = d.name();
        if (s == null) {
            problems.add(name + ": no Service " + KnativeManifests.serviceName(d));
            return;
        }
        JsonNode annotations = s.at("/spec/template/metadata/annotations");
        expect(problems, name, "min-scale", annotations.path("autoscaling.knative.dev/min-scale").asText(null), "0");
        expect(problems, name, "max-scale", annotations.path("autoscaling.knative.dev/max-scale").asText(null),
                String.valueOf(d.settings().get("maxScale")));
        JsonNode spec = s.at("/spec/template/spec");
        expect(problems, name, "containerConcurrency", spec.path("containerConcurrency").asText(null), String.valueOf(d.settings().get("containerConcurrency")));
        expect(problems, name, "timeoutSeconds", spec.path("timeoutSeconds").asText(null), String.valueOf(d.settings().get("timeoutSeconds")));
        JsonNode c = spec.at("/containers/0");
        String memory = d.settings().get("memoryMb") + "Mi";
        expect(problems, name, "memory request", c.at("/resources/requests/memory").asText(null), memory);
        expect(problems, name, "memory limit", c.at("/resources/limits/memory").asText(null), memory);
        expect(problems, name, "port", c.at("/ports/0/containerPort").asText(null), String.valueOf(KnativeManifests.HTTP_PORT));
        expect(problems, name, "readiness probe", c.at("/readinessProbe/httpGet/path").asText(null), "/q/health/ready");
        expect(problems, name, "liveness probe", c.at("/livenessProbe/httpGet/path").asText(null), "/q/health/live");
        // Events arrive over HTTP from Knative: the app's own Kafka consumers must not read the topics too.
        expect(problems, name, "env " + KnativeManifests.CONSUMERS_SWITCH, env(s, KnativeManifests.CONSUMERS_SWITCH), "false");
        // The heap the Service's JVM runs with (Dockerfile.jvm appends it after its own options): the
        // one measured to keep a function under its memory size (bench/results/round2/start-and-memory-2/NOTES.md).
        expect(problems, name, "env JAVA_OPTS_APPEND", env(s, "JAVA_OPTS_APPEND"), KnativeManifests.SERVICE_JVM_OPTIONS);
        for (String key : List.of("REDIS_URL", "KAFKA_BOOTSTRAP_SERVERS", "PROFILE_HASH_KEY")) {
            boolean fromSecret = false;
            for (JsonNode e : c.path("env")) {
                if (key.equals(e.path("name").asText())) {
                    fromSecret = KnativeManifests.SECRET.equals(e.at("/valueFrom/secretKeyRef/name").asText());
                }
            }
            if (!fromSecret) {
                problems.add(name + ": env " + key + " does not come from the Secret " + KnativeManifests.SECRET);
            }
        }
    }

    private static void checkTrigger(FunctionDescriptor d, Map<String, JsonNode> objects, List<String> problems) {
        String name = d.name();
        String kind = d.trigger().kind();
        List<JsonNode> triggers = triggersOf(d, objects);
        int expected = triggered(d) ? 1 : 0;
        if (triggers.size() != expected) {
            problems.add(name + ": " + triggers.size() + " triggers deliver to its Service; a " + kind + " function has " + expected);
            return;
        }
        if (triggers.isEmpty()) {
            return;
        }
        JsonNode t = triggers.get(0);
        String delivered = deliveredType(d, t);
        String accepted = acceptedType(d, objects);
        if (!accepted.equals(delivered)) {
            problems.add(name + ": its " + t.path("kind").asText() + " delivers type " + delivered + " but its Service accepts " + accepted);
        }
        switch (t.path("kind").asText()) {
            case "Trigger" -> {
                String broker = t.at("/spec/broker").asText();
                JsonNode b = find(objects, "Broker", broker);
                if (b == null || !"Kafka".equals(b.at("/metadata/annotations").path("eventing.knative.dev/broker.class").asText())) {
                    problems.add(name + ": its Trigger's Broker '" + broker + "' is missing or not a Kafka Broker");
                }
                boolean fed = objects.values().stream().anyMatch(o -> "KafkaSource".equals(o.path("kind").asText())
                        && "Broker".equals(o.at("/spec/sink/ref/kind").asText()) && broker.equals(o.at("/spec/sink/ref/name").asText())
                        && containsText(o.at("/spec/topics"), d.trigger().topic()));
                if (!fed) {
                    problems.add(name + ": nothing feeds its topic " + d.trigger().topic() + " into the Broker '" + broker + "'");
                }
            }
            case "KafkaSource" -> {
                if (!containsText(t.at("/spec/topics"), d.trigger().topic())) {
                    problems.add(name + ": its KafkaSource does not read its topic " + d.trigger().topic());
                }
            }
            case "PingSource" -> expect(problems, name, "schedule", t.at("/spec/schedule").asText(null), d.trigger().schedule());
            default -> problems.add(name + ": unexpected trigger kind " + t.path("kind").asText());
        }
        if ("event".equals(kind)) {
            String sink = t.at("/spec/delivery/deadLetterSink/ref/name").asText(null);
            JsonNode kafkaSink = sink == null ? null : find(objects, "KafkaSink", sink);
            if (kafkaSink == null || !d.trigger().deadLetterTopic().equals(kafkaSink.at("/spec/topic").asText())) {
                problems.add(name + ": its trigger's dead-letter sink does not write its dead-letter topic " + d.trigger().deadLetterTopic());
            }
        }
    }

    private static void checkDelivery(JsonNode o, Map<String, JsonNode> objects, List<String> problems) {
        String what = o.path("kind").asText() + " " + o.at("/metadata/name").asText();
        JsonNode delivery = o.at("/spec/delivery");
        JsonNode sink = delivery.at("/deadLetterSink/ref");
        if (sink.isMissingNode() || find(objects, sink.path("kind").asText(), sink.path("name").asText()) == null) {
            problems.add(what + ": no dead-letter sink (or it names an object that is not generated)");
        }
        if (delivery.path("retry").asInt(0) <= 0 || !"exponential".equals(delivery.path("backoffPolicy").asText())
                || delivery.path("backoffDelay").asText().isEmpty()) {
            problems.add(what + ": no retry with exponential backoff");
        }
    }

    static JsonNode service(FunctionDescriptor d, Map<String, JsonNode> objects) {
        return find(objects, "Service", KnativeManifests.serviceName(d));
    }

    static JsonNode find(Map<String, JsonNode> objects, String kind, String name) {
        return objects.values().stream()
                .filter(o -> kind.equals(o.path("kind").asText()) && name.equals(o.at("/metadata/name").asText()))
                .findFirst().orElse(null);
    }

    static String env(JsonNode service, String name) {
        if (service == null) {
            return null;
        }
        for (JsonNode e : service.at("/spec/template/spec/containers/0/env")) {
            if (name.equals(e.path("name").asText()) && e.has("value")) {
                return e.path("value").asText();
            }
        }
        return null;
    }

    private static boolean containsText(JsonNode array, String text) {
        for (JsonNode n : array) {
            if (n.asText().equals(text)) {
                return true;
            }
        }
        return false;
    }

    private static void expect(List<String> problems, String function, String what, String actual, String expected) {
        if (!expected.equals(actual)) {
            problems.add(function + ": " + what + " is " + actual + ", expected " + expected);
        }
    }
}
