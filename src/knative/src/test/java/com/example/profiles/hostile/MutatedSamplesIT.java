package com.example.profiles.hostile;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.ProjectRoot;
import com.example.profiles.devtools.servers.RedisCommands;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.LongTest;
import com.example.profiles.testing.RealInfrastructure;
import com.example.profiles.testing.RedisSnapshot;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * A seeded mutation test: a thousand mutated variants of the samples of each event function
 * ({@code functions/<name>/samples}), posted over HTTP in structured and binary mode, then the
 * structured ones replayed on the Kafka topics. It asserts that
 * <ul>
 * <li>every answer is a documented one (200, 400, 405, 415, 422, or 503 with Redis down, which it
 * is not here): never a 500, never a 404 or 406 that Knative would retry;</li>
 * <li>every refused request left Redis exactly as it was (Redis's digest of the whole dataset,
 * before and after each request);</li>
 * <li>on Kafka every replayed variant ends as it did over HTTP: applied ones as duplicates, refused
 * ones as dead letters, with Redis's digest unchanged, and no channel stops (a valid record
 * behind them is applied, readiness stays UP). Not replayed: what only HTTP refuses, because Funqy
 * would read it otherwise (a null {@code time}, {@code datacontenttype} not written
 * {@code application/json}; see CloudEventScreen), which Kafka takes.</li>
 * </ul>
 * Same seed, same variants: a failure names the variant's number to reproduce it.
 */
@LongTest
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class MutatedSamplesIT {

    static final long SEED = 20_261_126L;
    /** Variants per function; -Dmutation.variants=N for a longer run. */
    static final int VARIANTS = Integer.getInteger("mutation.variants", 1000);
    static final Set<Integer> DOCUMENTED = Set.of(200, 400, 405, 415, 422, 503);
    static final List<String> FUNCTIONS = List.of("purchase", "cart", "customer");
    /** The starts of the messages of what only HTTP refuses (CloudEventScreen). */
    static final List<String> HTTP_ONLY = List.of("is not taken over HTTP", "is null: leave out an attribute", "must be written application/json");
    static final Map<String, String> TOPIC_OF_TYPE = Map.of(
            HostileData.PURCHASE_TYPE, "commerce.purchase.completed.v1",
            HostileData.CART_TYPE, "commerce.cart.changed.v1");

    @InjectInfrastructure
    Infrastructure infrastructure;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A structured variant to replay on Kafka, and how HTTP answered it. */
    record Sent(String function, int number, String topic, byte[] document, int status) {
    }

    @Test
    void mutatedSamplesGetDocumentedAnswersAndRefusalsChangeNothing() throws Exception {
        String redis = infrastructure.redis().uri();
        Mutator mutator = new Mutator(SEED);
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        List<Sent> structured = new ArrayList<>();
        long started = System.nanoTime();
        for (String function : List.of("purchase", "cart")) {
            structured.addAll(overHttp(function, mutator, statuses, failures));
        }
        // Replayed before any customer change: an erasure deletes the user's record of applied
        // events, after which a re-delivered newer event is rightly applied again.
        replayOnKafka(structured, RedisSnapshot.digest(redis));
        overHttp("customer", mutator, statuses, failures);
        System.out.printf("MutatedSamplesIT: %d variants over HTTP, %d of them replayed on Kafka, in %d ms; answers %s%n",
                VARIANTS * 3, structured.size(), Duration.ofNanos(System.nanoTime() - started).toMillis(), statuses);
        assertThat(failures).as("variants with an undocumented answer, or refused with a change").isEmpty();
        assertThat(statuses.keySet()).as("the variants reach both the applied and the refused paths").contains(200, 400);
    }

    /**
     * Posts the function's variants, checking each answer and, for a refusal, Redis's digest.
     * Answers the structured ones that can be replayed on Kafka.
     */
    private List<Sent> overHttp(String function, Mutator mutator, Map<Integer, Integer> statuses, List<String> failures)
            throws IOException, InterruptedException {
        String redis = infrastructure.redis().uri();
        List<Sent> structured = new ArrayList<>();
        List<ObjectNode> samples = samples(function);
        String digest = RedisSnapshot.digest(redis);
        for (int n = 0; n < VARIANTS; n++) {
            ObjectNode event = samples.get(mutator.random().nextInt(samples.size())).deepCopy();
            fresh(event, function, n);
            boolean asStructured = mutator.random().nextInt(5) < 3;
            HttpResponse<String> answer;
            String document = null;
            if (asStructured) {
                document = mutator.mutate(event);
                answer = post("application/cloudevents+json", Map.of(), document.getBytes(StandardCharsets.UTF_8));
            } else {
                answer = postBinary(event, mutator);
            }
            int status = answer.statusCode();
            statuses.merge(status, 1, Integer::sum);
            String after = RedisSnapshot.digest(redis);
            String variant = function + " variant " + n + (asStructured ? " (structured): " + abbreviate(document) : " (binary)");
            if (!DOCUMENTED.contains(status)) {
                failures.add(variant + " got " + status + " " + abbreviate(answer.body()));
            } else if (status >= 400 && !isJsonError(answer.body())) {
                failures.add(variant + " got " + status + " without the JSON error body: " + abbreviate(answer.body()));
            }
            if (status >= 400 && !after.equals(digest)) {
                failures.add(variant + " was refused (" + status + ") but changed Redis");
            }
            digest = after;
            String topic = asStructured ? topicFor(document) : null;
            if (topic != null && !refusedOnlyOverHttp(answer)) {
                structured.add(new Sent(function, n, topic, document.getBytes(StandardCharsets.UTF_8), status));
            }
        }
        return structured;
    }

    /**
     * Replays the structured variants on their function's topic. Each was applied or refused over
     * HTTP already, so on Kafka an applied one is a duplicate and a refused one a dead letter:
     * nothing changes in Redis, and the dead letters are exactly the refused ones.
     */
    private void replayOnKafka(List<Sent> variants, String digest) throws Exception {
        String redis = infrastructure.redis().uri();
        Map<String, String> everything = RedisSnapshot.all(redis);
        try (HostileKafka kafka = new HostileKafka(infrastructure.kafka().bootstrapServers());
                KafkaEvents offsets = new KafkaEvents(infrastructure.kafka().bootstrapServers())) {
            Map<String, java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> last = new LinkedHashMap<>();
            Map<String, Integer> refused = new LinkedHashMap<>();
            for (int i = 0; i < variants.size(); i++) {
                Sent variant = variants.get(i);
                last.put(variant.topic(), kafka.sendAsync(variant.topic(), kafka.keyOf(i), HostileKafka.structuredHeaders(), variant.document()));
                if (variant.status() >= 400) {
                    refused.merge(variant.topic(), 1, Integer::sum);
                }
            }
            Map<String, Long> lastOffset = new LinkedHashMap<>();
            for (Map.Entry<String, java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> topic : last.entrySet()) {
                lastOffset.put(topic.getKey(), topic.getValue().get(30, java.util.concurrent.TimeUnit.SECONDS).offset());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            for (Map.Entry<String, Long> topic : lastOffset.entrySet()) {
                String group = "profile-functions-" + (topic.getKey().startsWith("commerce.purchase") ? "purchase" : "cart");
                while (offsets.committedOffset(group, topic.getKey()) <= topic.getValue() && System.nanoTime() < deadline) {
                    sleep(200);
                }
                assertThat(offsets.committedOffset(group, topic.getKey())).as("%s consumed to its end", topic.getKey()).isGreaterThan(topic.getValue());
            }
            if (!RedisSnapshot.digest(redis).equals(digest)) {
                assertThat(RedisSnapshot.changes(everything, RedisSnapshot.all(redis), 20)).as("Redis after replaying every variant on Kafka").isEmpty();
            }
            for (Map.Entry<String, Integer> topic : refused.entrySet()) {
                // Consumed to the end, so every dead letter is written: read them all (one more would be a variant
                // applied over HTTP and refused on Kafka).
                assertThat(kafka.collect(topic.getKey() + ".dlq", topic.getValue() + 1, Duration.ofSeconds(3)))
                        .as("dead letters on %s.dlq: the variants refused over HTTP", topic.getKey()).hasSize(topic.getValue());
            }
            for (String type : TOPIC_OF_TYPE.keySet()) {
                String user = "mutation-sentinel-" + HostileHttp.newId().substring(0, 8);
                String data = type.equals(HostileData.PURCHASE_TYPE) ? HostileData.purchase(user, "o").toString() : HostileData.cart(user, "c").toString();
                kafka.send(TOPIC_OF_TYPE.get(type), user, HostileKafka.structuredHeaders(),
                        HostileKafka.bytes(HostileHttp.structured(type, data).toString()));
                long applied = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!Long.valueOf(1).equals(RedisCommands.call(redis, "EXISTS", "profile:{" + user + "}")) && System.nanoTime() < applied) {
                    sleep(100);
                }
                assertThat(RedisCommands.call(redis, "EXISTS", "profile:{" + user + "}")).as("%s channel still applies", type).isEqualTo(1L);
            }
            given().get("/q/health/ready").then().statusCode(200);
        }
    }

    /** A fresh id (and for a Debezium change a fresh log position), so accepted variants are applied, not duplicates. */
    private static void fresh(ObjectNode event, String function, int n) {
        event.put("id", "mut-" + function + "-" + n);
        JsonNode source = event.path("data").path("source");
        if (source instanceof ObjectNode position && position.has("lsn")) {
            position.put("lsn", 40_000_000L + n);
        }
    }

    /** Binary mode: the (tree-mutated) attributes as headers, the data as the body, sometimes mutated as text. */
    private HttpResponse<String> postBinary(ObjectNode event, Mutator mutator) throws IOException, InterruptedException {
        int mutations = 1 + mutator.random().nextInt(2);
        String body = null;
        for (int i = 0; i < mutations; i++) {
            if (body == null && mutator.random().nextInt(3) > 0) {
                mutator.mutateTree(event);
            } else {
                body = mutator.mutateText(body == null ? text(event.get("data")) : body, event);
            }
        }
        if (body == null) {
            body = text(event.get("data"));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String attribute : List.of("specversion", "id", "source", "type", "time")) {
            JsonNode value = event.get(attribute);
            if (value != null && !value.isNull()) {
                headers.put("ce-" + attribute, value.isTextual() ? value.textValue() : value.toString());
            }
        }
        JsonNode contentType = event.get("datacontenttype");
        String type = contentType == null || contentType.isNull() ? "application/json" : contentType.isTextual() ? contentType.textValue()
                : contentType.toString();
        for (String value : headers.values()) {
            // What an HTTP client cannot send as a header value is sent in structured mode instead.
            if (!headerSafe(value)) {
                return post("application/cloudevents+json", Map.of(), event.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return post(headerSafe(type) ? type : "application/json", headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(String contentType, Map<String, String> headers, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (!contentType.isEmpty()) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The topic a structured variant goes to: its type's, or the purchase topic for any other type (or none). Null for customer events. */
    private static String topicFor(String document) {
        String type = null;
        try {
            JsonNode event = Mutator.JSON.readTree(document);
            type = event != null && event.path("type").isTextual() ? event.path("type").textValue() : null;
        } catch (IOException notJson) {
            // goes to the purchase topic, to be dead-lettered there
        }
        if ("com.example.customers.changed.v1".equals(type)) {
            return null; // its topic carries plain Debezium records, not CloudEvents
        }
        return TOPIC_OF_TYPE.getOrDefault(type == null ? "" : type, TOPIC_OF_TYPE.get(HostileData.PURCHASE_TYPE));
    }

    private static List<ObjectNode> samples(String function) throws IOException {
        List<ObjectNode> samples = new ArrayList<>();
        try (Stream<Path> files = Files.list(ProjectRoot.resolve("functions/" + function + "/samples"))) {
            for (Iterator<Path> it = files.sorted().iterator(); it.hasNext();) {
                samples.add((ObjectNode) Mutator.JSON.readTree(it.next().toFile()));
            }
        }
        assertThat(samples).as("samples of %s", function).isNotEmpty();
        return samples;
    }

    private static boolean isJsonError(String body) {
        try {
            JsonNode answer = Mutator.JSON.readTree(body);
            return answer != null && answer.path("error").isTextual() && answer.path("violations").isArray();
        } catch (IOException e) {
            return false;
        }
    }

    /** A 400 whose every violation is one the Kafka channel does not have: Funqy would read the event otherwise. */
    private static boolean refusedOnlyOverHttp(HttpResponse<String> answer) throws IOException {
        if (answer.statusCode() != 400) {
            return false;
        }
        JsonNode violations = Mutator.JSON.readTree(answer.body()).path("violations");
        if (violations.isEmpty()) {
            return false;
        }
        for (JsonNode violation : violations) {
            String message = violation.path("message").asText();
            if (HTTP_ONLY.stream().noneMatch(message::startsWith)) {
                return false;
            }
        }
        return true;
    }

    private static boolean headerSafe(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    private static String text(JsonNode node) {
        return node == null ? "" : node.toString();
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
