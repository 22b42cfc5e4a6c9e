package com.example.profiles.lambda;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.example.profiles.devtools.FunctionTopics;
import com.example.profiles.devtools.ProjectRoot;
import com.example.profiles.devtools.servers.KafkaBroker;
import com.example.profiles.devtools.servers.RedisCommands;
import com.example.profiles.devtools.servers.RedisServerProcess;
import com.example.profiles.devtools.servers.TestTls;
import com.example.profiles.lambda.RuntimeApiServer.Answer;
import com.example.profiles.testing.CloudEvents;
import com.example.profiles.testing.Fixtures;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.LongTest;
import com.example.profiles.testing.TerraformModule;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The packaged JVM {@code target/function.zip} as AWS Lambda's managed Java runtime runs it: unpacked
 * and started under the AWS Lambda Runtime Interface Client 2.10.1 (what the java17/java21 managed
 * runtimes run) in a child JVM, with the handler, memory and environment that the Terraform module
 * sets for each function, read from the module itself (an offline plan, {@link TerraformModule}).
 * The test serves the Lambda Runtime API ({@link RuntimeApiServer}) and the Parameters and Secrets
 * extension ({@link SecretsExtensionServer}), and feeds the event shapes AWS sends; behind the
 * function are a real Redis (TLS and AUTH token, as ElastiCache is set up) and a real Kafka broker
 * with a SASL_SSL SCRAM listener (the module planned with kafka_auth = scram).
 *
 * <p>What the test changes from the module's environment, because it cannot be otherwise here:
 * {@code REDIS_URL} (not known before apply) becomes its own Redis's TLS address;
 * {@code KAFKA_BOOTSTRAP_SERVERS} its broker's SASL_SSL listener; the extension's port
 * ({@code PARAMETERS_SECRETS_EXTENSION_HTTP_PORT}, 2773 on Lambda) and the JVM's trust store
 * (the test's self-signed certificate; ElastiCache's and MSK's chain to public CAs) are the
 * test's. Everything else is the module's.
 *
 * <p>It also measures the JVM start to the first {@code /next} poll and to the first answered
 * invocation, and writes them to {@code target/lambda-runtime-it/startup-figures.txt}.
 */
@LongTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("process") // runs in failsafe, after package (see the parent pom)
class LambdaRuntimeIT {

    /** This module's folder (Maven runs its tests there): target/function.zip is its build. */
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path WORK = MODULE.resolve("target/lambda-runtime-it");
    static final Duration INIT_WAIT = Duration.ofSeconds(120);
    static final String SESSION_TOKEN = "test-session-token-" + newId();
    static final String KAFKA_USER = "profile-functions";
    static final String KAFKA_PASSWORD = "scram-" + newId();
    static final String KAFKA_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:AmazonMSK_profiles-staging-AbCdEf";
    static final String PURCHASE_TOPIC = "commerce.purchase.completed.v1";

    JsonNode plan;
    TestTls tls;
    RedisServerProcess redis;
    String redisToken;
    KafkaBroker kafka;
    SecretsExtensionServer secrets;
    Path taskRoot;
    List<Path> runtimeClient;
    final Map<String, Object> figures = new LinkedHashMap<>();
    String purchaser;

    @BeforeAll
    void setUp() throws IOException {
        Path zip = MODULE.resolve("target/function.zip");
        assertThat(zip).as("the packaged JVM function.zip (this test runs after the lambda module's `package`)").isRegularFile();
        Path clientDir = MODULE.resolve("target/lambda-runtime-client");
        assertThat(clientDir).as("the Runtime Interface Client jars (copied by the lambda module's build)").isDirectory();
        try (Stream<Path> jars = Files.list(clientDir)) {
            runtimeClient = jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        assertThat(runtimeClient).anyMatch(p -> p.getFileName().toString().startsWith("aws-lambda-java-runtime-interface-client-2.10.1"));

        Optional<String> unavailable = TerraformModule.unavailable();
        if (unavailable.isPresent()) {
            String reason = "[lambda runtime] skipped: " + unavailable.get()
                    + ", so the handler, memory and environment cannot be read from infra/terraform/aws";
            System.out.println(reason);
            Assumptions.abort(reason);
        }
        // A single Redis node here (the module's default is cluster mode; the functions against a
        // real Redis Cluster are tested in ClusterFunctionsIT), and SASL/SCRAM to Kafka (IAM cannot
        // be checked without AWS).
        plan = TerraformModule.plan(ProjectRoot.path(), WORK.resolve("terraform"), Map.of(
                "redis_cluster_mode", "false",
                "redis_replicas_per_shard", "0",
                "kafka_auth", "scram",
                "msk_bootstrap_servers", "b-1.shop.abc123.c2.kafka.eu-west-1.amazonaws.com:9096",
                "kafka_secret_arn", KAFKA_SECRET,
                "kafka_secret_kms_key_arn", "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"));

        tls = TestTls.create(WORK.resolve("tls"));
        redis = RedisServerProcess.startWithTls(tls);
        redisToken = "redis-token-" + newId();
        protectRedis();
        kafka = KafkaBroker.startWithScram(new KafkaBroker.ScramListener(tls, KAFKA_USER, KAFKA_PASSWORD));
        kafka.createTopics(FunctionTopics.fromProject().toArray(String[]::new));

        secrets = new SecretsExtensionServer(SESSION_TOKEN);
        secrets.put(environmentOf("purchase").get("PROFILES_SECRET_ID"),
                Map.of("REDIS_AUTH_TOKEN", redisToken, "PROFILE_HASH_KEY", "runtime-test-hash-key-0123456789abcdef"));
        secrets.put(KAFKA_SECRET, Map.of("username", KAFKA_USER, "password", KAFKA_PASSWORD));

        taskRoot = PackagedFunction.unpack(zip, WORK.resolve("task"));
        assertThat(taskRoot.resolve("lib/io.quarkus.quarkus-funqy-amazon-lambda-3.33.2.jar"))
                .as("Quarkus's Funqy stream handler io.quarkus.funqy.lambda.FunqyStreamHandler, which the module's handler wraps").isRegularFile();
    }

    @AfterAll
    void tearDown() throws IOException {
        if (!figures.isEmpty()) {
            StringBuilder text = new StringBuilder("# Lambda runtime test: start-up figures of this run (ms)\n");
            figures.forEach((k, v) -> text.append(k).append(": ").append(v).append('\n'));
            text.append("machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, java ")
                    .append(System.getProperty("java.version")).append(" (").append(System.getProperty("java.vm.name")).append(")\n");
            Files.writeString(WORK.resolve("startup-figures.txt"), text);
            System.out.println(text);
        }
        if (secrets != null) {
            secrets.close();
        }
        if (kafka != null) {
            kafka.stop();
        }
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    @Order(1)
    void thePlanDeploysTheJvmPackagingAsThisTestRunsIt() {
        for (String name : List.of("purchase", "cart", "customer", "sweeper", "profile")) {
            JsonNode function = TerraformModule.resource(plan, "aws_lambda_function", name);
            assertThat(function.path("runtime").asText()).as(name).isEqualTo("java21");
            assertThat(function.path("handler").asText()).as(name).isEqualTo("com.example.profiles.lambda.ProfileLambdaHandler::handleRequest");
            assertThat(function.at("/snap_start/0/apply_on").asText()).as(name).isEqualTo("PublishedVersions");
            // The handler class the module names is in the zip, at the task root where Lambda loads it from.
            assertThat(taskRoot.resolve("com/example/profiles/lambda/ProfileLambdaHandler.class")).isRegularFile();
        }
        // Only the Redis endpoint is unknown before apply; the test knows every other variable.
        JsonNode unknown = plan.at("/output_changes/function_environment/after_unknown");
        unknown.fields().forEachRemaining(f -> assertThat(iterable(f.getValue().fieldNames())).as(f.getKey()).containsExactly("REDIS_URL"));
    }

    /**
     * The purchase function under SnapStart as the runtime does it: init (Quarkus's start and the
     * priming hook) ends in {@code /restore/next}, where the snapshot would be taken; then the
     * restore, the {@code afterRestore} hook, and the batches: MSK, self-managed, Redis down, Redis
     * hanging.
     */
    @Test
    @Order(2)
    void purchaseUnderSnapStartThenBatchesOfEveryKind() throws Exception {
        RedisCommands.call(redisUri(), "CONFIG", "RESETSTAT");
        try (RuntimeApiServer api = new RuntimeApiServer(); PackagedFunction function = start("purchase", api, true)) {
            long restoreAsked = await(api.restoreRequested(), api, function, "the runtime's init to end in /restore/next");
            figures.put("snapstart: JVM start to /restore/next (init + priming, snapshot taken here)", millis(function.startedNanos(), restoreAsked));
            assertThat(function.output()).contains("Primed purchase for the snapshot");
            // The priming read a profile from Redis, then closed the connection: none is left in the snapshot.
            assertThat(commandCalls("evalsha") + commandCalls("eval")).as("scripts run by the priming").isPositive();
            assertThat(clientsBesidesUs()).as("Redis connections held by the function at the snapshot: " + RedisCommands.call(redisUri(), "CLIENT", "LIST"))
                    .isZero();

            long restored = System.nanoTime();
            api.restore();
            long firstPoll = await(api.firstNextPoll(), api, function, "the first /next after the restore");
            figures.put("snapstart: restore to first /next (afterRestore: Redis reconnected)", millis(restored, firstPoll));
            assertThat(clientsBesidesUs()).as("the Redis connection re-established after the restore, before any invocation").isPositive();
            assertThat(function.output()).contains("Restored: Redis connection open again");

            // 0. The first invocation after the restore: two valid records (as the on-demand test's first batch).
            String warm = "rt-" + newId();
            long sent = System.nanoTime();
            Answer answer = answer(api.invoke(KafkaBatchEvents.msk()
                    .binary(PURCHASE_TOPIC, 5, 1, warm, PURCHASE_TYPE, newId(), "/test/runtime", Instant.now().minusSeconds(1),
                            json(PurchaseLambdaIT.order(warm, "o-w1")))
                    .binary(PURCHASE_TOPIC, 5, 2, warm, PURCHASE_TYPE, newId(), "/test/runtime", Instant.now().minusSeconds(1),
                            json(PurchaseLambdaIT.order(warm, "o-w2")))
                    .json(), timeout("purchase"), arn("purchase")), api, function);
            figures.put("snapstart: first invocation after the restore (2 valid records), sent to answered", millis(sent, answer.atNanos()));
            assertThat(failedItems(answer)).isEmpty();
            assertThat(profile(warm)).containsEntry("purchase:count", "2");

            // 1. An MSK batch: valid, re-delivered, invalid (dead-lettered over SASL_SSL/SCRAM: the
            // producer is created and authenticates now), structured, two partitions.
            String purchaser = "rt-" + newId();
            String other = "rt-" + newId();
            String first = newId();
            String invalid = newId();
            Instant time = Instant.now().minusSeconds(3).truncatedTo(ChronoUnit.MILLIS);
            Map<String, Object> bad = PurchaseLambdaIT.order(purchaser, "o-bad");
            bad.put("total", new BigDecimal("9.99"));
            String msk = KafkaBatchEvents.msk()
                    .binary(PURCHASE_TOPIC, 0, 100, purchaser, PURCHASE_TYPE, first, "/test/runtime", time, json(PurchaseLambdaIT.order(purchaser, "o-1")))
                    .binary(PURCHASE_TOPIC, 0, 101, purchaser, PURCHASE_TYPE, first, "/test/runtime", time, json(PurchaseLambdaIT.order(purchaser, "o-1")))
                    .binary(PURCHASE_TOPIC, 0, 102, purchaser, PURCHASE_TYPE, invalid, "/test/runtime", time, json(bad))
                    .structured(PURCHASE_TOPIC, 0, 103, purchaser, CloudEvents.structured(PURCHASE_TYPE, newId(), "/test/runtime", time,
                            PurchaseLambdaIT.order(purchaser, "o-2")))
                    .binary(PURCHASE_TOPIC, 1, 7, other, PURCHASE_TYPE, newId(), "/test/runtime", time, json(PurchaseLambdaIT.order(other, "o-3")))
                    .json();
            sent = System.nanoTime();
            answer = answer(api.invoke(msk, timeout("purchase"), arn("purchase")), api, function);
            figures.put("snapstart: first batch with a dead letter (Kafka producer created, SCRAM over TLS), sent to answered",
                    millis(sent, answer.atNanos()));
            assertThat(answer.error()).as(answer.body()).isFalse();
            assertThat(CloudEvents.JSON.readTree(answer.body()).path("batchItemFailures")).isEmpty();
            assertThat(profile(purchaser)).containsEntry("purchase:count", "2").containsEntry("version", "2");
            assertThat(profile(other)).containsEntry("purchase:count", "1");
            try (KafkaEvents events = new KafkaEvents(kafka.bootstrapServers())) {
                ConsumerRecord<byte[], byte[]> dead = events.readAll(PURCHASE_TOPIC + ".dlq", Duration.ofSeconds(5)).stream()
                        .filter(r -> invalid.equals(KafkaEvents.header(r, "ce_id"))).findFirst().orElseThrow();
                assertThat(KafkaEvents.header(dead, "dead-letter-reason")).contains("total");
                assertThat(KafkaEvents.header(dead, "dead-letter-offset")).isEqualTo("102");
            }
            assertThat(emfLines(function)).anyMatch(line -> line.contains("\"profile_events_applied\":3") && line.contains("\"profile_events_invalid\":1"));
            // The lag counts are in Redis as the answer comes back: flushed by the invocation, not by a
            // timer (which the Lambda binding turns off: it would not run while the instance is frozen).
            Map<String, String> lag = RedisCommands.asMap(RedisCommands.call(redisUri(), "HGETALL", "freshness:lag:{purchase}"));
            assertThat(lag.entrySet()).as("freshness:lag:{purchase}").anyMatch(e -> e.getKey().endsWith(":total") && Long.parseLong(e.getValue()) >= 3);
            assertThat(RedisCommands.call(redisUri(), "ZSCORE", "freshness:last-event", "purchase")).isNotNull();

            // 2. A self-managed Kafka batch.
            String selfManaged = "rt-" + newId();
            answer = answer(api.invoke(KafkaBatchEvents.selfManaged()
                    .binary(PURCHASE_TOPIC, 2, 5, selfManaged, PURCHASE_TYPE, newId(), "/test/runtime", time, json(PurchaseLambdaIT.order(selfManaged, "o-s")))
                    .json(), timeout("purchase"), arn("purchase")), api, function);
            assertThat(CloudEvents.JSON.readTree(answer.body()).path("batchItemFailures")).isEmpty();
            assertThat(profile(selfManaged)).containsEntry("purchase:count", "1");

            // 3. Redis down: every record reported, the first of each partition and the ones after it; the retry applies them once.
            String down = "rt-" + newId();
            KafkaBatchEvents outage = KafkaBatchEvents.msk()
                    .binary(PURCHASE_TOPIC, 0, 200, down, PURCHASE_TYPE, newId(), "/test/runtime", time, json(PurchaseLambdaIT.order(down, "o-d1")))
                    .binary(PURCHASE_TOPIC, 0, 201, down, PURCHASE_TYPE, newId(), "/test/runtime", time, json(PurchaseLambdaIT.order(down, "o-d2")))
                    .binary(PURCHASE_TOPIC, 1, 50, down + "x", PURCHASE_TYPE, newId(), "/test/runtime", time, json(PurchaseLambdaIT.order(down + "x", "o-d3")));
            redis.stop();
            try {
                answer = answer(api.invoke(outage.json(), timeout("purchase"), arn("purchase")), api, function);
            } finally {
                redis.restart();
                protectRedis();
            }
            assertThat(failedItems(answer)).containsExactly(PURCHASE_TOPIC + "-0@200", PURCHASE_TOPIC + "-0@201", PURCHASE_TOPIC + "-1@50");
            answer = answer(api.invoke(outage.json(), timeout("purchase"), arn("purchase")), api, function);
            assertThat(failedItems(answer)).isEmpty();
            assertThat(profile(down)).containsEntry("purchase:count", "2");
            assertThat(profile(down + "x")).containsEntry("purchase:count", "1");

            // 4. Redis hanging (the process stopped): the function answers before the deadline the
            // Runtime API gives, naming the records it could not apply; the retry applies them once.
            // A deadline shorter than the function's timeout keeps the suite short: the code path is the same.
            String hung = "rt-" + newId();
            KafkaBatchEvents hanging = KafkaBatchEvents.msk()
                    .binary(PURCHASE_TOPIC, 0, 300, hung, PURCHASE_TYPE, newId(), "/test/runtime", time, json(PurchaseLambdaIT.order(hung, "o-h1")))
                    .binary(PURCHASE_TOPIC, 0, 301, hung, PURCHASE_TYPE, newId(), "/test/runtime", time, json(PurchaseLambdaIT.order(hung, "o-h2")));
            Duration deadline = Duration.ofSeconds(8);
            redis.freeze();
            long hangSent = System.nanoTime();
            try {
                CompletableFuture<Answer> pending = api.invoke(hanging.json(), deadline, arn("purchase"));
                answer = pending.get(deadline.toSeconds() + 20, TimeUnit.SECONDS);
            } finally {
                redis.unfreeze();
            }
            long answeredAfter = millis(hangSent, answer.atNanos());
            figures.put("redis hanging: batch sent to answered, deadline " + deadline.toMillis() + " ms", answeredAfter);
            assertThat(answer.error()).as(answer.body()).isFalse();
            assertThat(failedItems(answer)).containsExactly(PURCHASE_TOPIC + "-0@300", PURCHASE_TOPIC + "-0@301");
            assertThat(answeredAfter).as("answered before the Runtime API's deadline").isLessThan(deadline.toMillis());
            answer = answer(api.invoke(hanging.json(), timeout("purchase"), arn("purchase")), api, function);
            assertThat(failedItems(answer)).isEmpty();
            assertThat(profile(hung)).containsEntry("purchase:count", "2").containsEntry("version", "2");
            // (Redis was restarted empty above: this profile is the one the profile reader's test reads.)
            this.purchaser = hung;

            // The function never consumed a topic itself: the event source mapping does.
            assertThat(consumerGroups()).noneMatch(group -> group.startsWith("profile-functions-"));
        }
    }

    /** The customer function, started without SnapStart (on-demand init), fed batches of captured Debezium changes, one with an invalid change. */
    @Test
    @Order(3)
    void customerOnDemandWithADebeziumBatch() throws Exception {
        try (RuntimeApiServer api = new RuntimeApiServer(); PackagedFunction function = start("customer", api, false)) {
            long firstPoll = await(api.firstNextPoll(), api, function, "the first /next");
            figures.put("on-demand: JVM start to first /next (init: Quarkus start)", millis(function.startedNanos(), firstPoll));
            String id = "rt-c-" + newId();
            long sent = System.nanoTime();
            Answer answer = answer(api.invoke(KafkaBatchEvents.msk()
                    .record("shop.public.customers", 0, 10, key(id), change("customers-insert.json", id), Map.of())
                    .record("shop.public.customers", 0, 11, key(id), change("customers-update-with-before.json", id), Map.of())
                    .json(), timeout("customer"), arn("customer")), api, function);
            figures.put("on-demand: first invocation (2 valid records), sent to answered", millis(sent, answer.atNanos()));
            figures.put("on-demand: JVM start to first answered invocation", millis(function.startedNanos(), answer.atNanos()));
            assertThat(failedItems(answer)).isEmpty();
            Map<String, String> profile = profile(id);
            assertThat(profile).containsEntry("customer:op", "u").containsKey("customer:email_hash").doesNotContainKey("customer:email");
            assertThat(profile.values()).noneMatch(value -> value.contains("@"));

            // A second Debezium batch: a change with an operation Debezium never writes (dead-lettered
            // over SASL_SSL/SCRAM, the batch not failed) between two valid ones of another customer.
            String other = "rt-c-" + newId();
            String badId = "rt-c-bad-" + newId();
            ObjectNode invalid = (ObjectNode) CloudEvents.JSON.readTree(change("customers-insert.json", badId));
            invalid.put("op", "x");
            answer = answer(api.invoke(KafkaBatchEvents.msk()
                    .record("shop.public.customers", 1, 20, key(other), change("customers-insert.json", other), Map.of())
                    .record("shop.public.customers", 1, 21, key(badId), json(invalid).getBytes(StandardCharsets.UTF_8), Map.of())
                    .record("shop.public.customers", 1, 22, key(other), change("customers-update-with-before.json", other), Map.of())
                    .json(), timeout("customer"), arn("customer")), api, function);
            assertThat(failedItems(answer)).isEmpty();
            assertThat(profile(other)).containsEntry("customer:op", "u");
            assertThat(profile(badId)).as("nothing written for the refused change").isEmpty();
            try (KafkaEvents events = new KafkaEvents(kafka.bootstrapServers())) {
                ConsumerRecord<byte[], byte[]> dead = events.readAll("shop.public.customers.dlq", Duration.ofSeconds(5)).stream()
                        .filter(r -> "21".equals(KafkaEvents.header(r, "dead-letter-offset"))).findFirst().orElseThrow();
                assertThat(KafkaEvents.header(dead, "dead-letter-reason")).contains("op: must be c, u, d or r");
                assertThat(KafkaEvents.header(dead, "dead-letter-function")).isEqualTo("customer");
                assertThat(new String(dead.value(), StandardCharsets.UTF_8)).contains(badId);
            }
        }
    }

    /** The sweeper, fed the input the module's schedule sends, as Scheduler fills it in, and a scheduled rule's envelope. */
    @Test
    @Order(4)
    void sweeperTakesTheModulesSchedulerInput() throws Exception {
        String input = TerraformModule.resource(plan, "aws_scheduler_schedule", "sweeper").at("/target/0/input").asText();
        String executionId = "d32c5kddcf5bb8c3" + newId().substring(0, 4);
        String filledIn = input.replace("<aws.scheduler.schedule-arn>", "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/profiles-staging-sweeper")
                .replace("<aws.scheduler.scheduled-time>", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                .replace("<aws.scheduler.execution-id>", executionId)
                .replace("<aws.scheduler.attempt-number>", "1");
        try (RuntimeApiServer api = new RuntimeApiServer(); PackagedFunction function = start("sweeper", api, false)) {
            Answer answer = answer(api.invoke(filledIn, timeout("sweeper"), arn("sweeper")), api, function);
            assertThat(answer.error()).as(answer.body()).isFalse();
            assertThat(CloudEvents.JSON.readTree(answer.body()).path("ran").asBoolean()).as(answer.body()).isTrue();
            assertThat(function.output()).contains("Schedule tick: scheduler input " + executionId);

            answer = answer(api.invoke(Fixtures.json("aws/scheduler-event.json").toString(), timeout("sweeper"), arn("sweeper")), api, function);
            assertThat(CloudEvents.JSON.readTree(answer.body()).path("ran").asBoolean()).as(answer.body()).isTrue();
            assertThat(function.output()).contains("Schedule tick: scheduled event 4e6638b7-b892-4482-9762-8c58d4e71ecc");

            // Redis hanging during a tick: the function answers (an error: the sweep did not finish)
            // before the deadline the Runtime API gives, not at Lambda's timeout.
            Duration deadline = Duration.ofSeconds(5);
            redis.freeze();
            long sent = System.nanoTime();
            try {
                answer = api.invoke(filledIn.replace(executionId, executionId + "-2"), deadline, arn("sweeper"))
                        .get(deadline.toSeconds() + 20, TimeUnit.SECONDS);
            } finally {
                redis.unfreeze();
            }
            assertThat(millis(sent, answer.atNanos())).as("answered before the deadline").isLessThan(deadline.toMillis());
            assertThat(answer.error()).as(answer.body()).isTrue();
            assertThat(answer.body()).contains("did not finish before the invocation's deadline");
        }
    }

    /** The profile reader behind its function URL: the payload a URL sends (format 2.0) for GET /profiles/{id}. */
    @Test
    @Order(5)
    void profileAnswersItsFunctionUrl() throws Exception {
        String user = purchaser != null ? purchaser : "rt-none";
        try (RuntimeApiServer api = new RuntimeApiServer(); PackagedFunction function = start("profile", api, false)) {
            JsonNode ok = CloudEvents.JSON.readTree(answer(api.invoke(urlRequest("GET", "/profiles/" + user), timeout("profile"), arn("profile")), api, function).body());
            if (purchaser != null) {
                assertThat(ok.path("statusCode").asInt()).as(ok.toString()).isEqualTo(200);
                assertThat(CloudEvents.JSON.readTree(ok.path("body").asText()).at("/purchases/count").asLong()).isEqualTo(2);
            }
            JsonNode missing = CloudEvents.JSON.readTree(answer(api.invoke(urlRequest("GET", "/profiles/nobody-" + newId()), timeout("profile"), arn("profile")), api, function).body());
            assertThat(missing.path("statusCode").asInt()).isEqualTo(404);
            JsonNode badId = CloudEvents.JSON.readTree(answer(api.invoke(urlRequest("GET", "/profiles/a%40b.example"), timeout("profile"), arn("profile")), api, function).body());
            assertThat(badId.path("statusCode").asInt()).isEqualTo(400);
            JsonNode post = CloudEvents.JSON.readTree(answer(api.invoke(urlRequest("POST", "/profiles/" + user), timeout("profile"), arn("profile")), api, function).body());
            assertThat(post.path("statusCode").asInt()).isEqualTo(405);
        }
    }

    /** A function that cannot start says why through the Runtime API's init error, as Lambda shows it. */
    @Test
    @Order(6)
    void aSecretThatCannotBeReadIsAnInitError() throws Exception {
        try (RuntimeApiServer api = new RuntimeApiServer();
                PackagedFunction function = start("purchase", api, false, Map.of("PROFILES_SECRET_ID", "no-such-secret"))) {
            RuntimeApiServer.InitError error = api.initError().get(INIT_WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(error.path()).endsWith("/init/error");
            assertThat(error.body()).contains("no-such-secret");
            assertThat(function.awaitExit(30)).as("the runtime exits after an init error").isTrue();
        }
    }

    // --- the function as the module sets it

    private PackagedFunction start(String name, RuntimeApiServer api, boolean snapStart) {
        return start(name, api, snapStart, Map.of());
    }

    private PackagedFunction start(String name, RuntimeApiServer api, boolean snapStart, Map<String, String> overrides) {
        JsonNode function = TerraformModule.resource(plan, "aws_lambda_function", name);
        Map<String, String> env = new LinkedHashMap<>(environmentOf(name));
        assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS")).endsWith(":9096");
        env.put("REDIS_URL", "rediss://127.0.0.1:" + redis.tlsPort());
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.saslSslBootstrapServers());
        env.put("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", Integer.toString(secrets.port()));
        env.putAll(overrides);
        // What Lambda itself gives every function.
        env.put("AWS_LAMBDA_RUNTIME_API", api.address());
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("_HANDLER", function.path("handler").asText());
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + function.path("runtime").asText());
        env.put("AWS_REGION", "eu-west-1");
        env.put("AWS_DEFAULT_REGION", "eu-west-1");
        env.put("AWS_LAMBDA_FUNCTION_NAME", function.path("function_name").asText());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", function.path("memory_size").asText());
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + function.path("function_name").asText());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/26/[1]" + newId());
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", snapStart ? "snap-start" : "on-demand");
        env.put("AWS_ACCESS_KEY_ID", "ASIATESTONLY");
        env.put("AWS_SECRET_ACCESS_KEY", "test-only");
        env.put("AWS_SESSION_TOKEN", SESSION_TOKEN);
        env.put("TZ", ":UTC");
        env.put("LANG", "en_US.UTF-8");
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        List<String> jvm = new ArrayList<>(List.of(
                "-Djavax.net.ssl.trustStore=" + tls.trustStore(),
                "-Djavax.net.ssl.trustStorePassword=" + tls.password(),
                "-Djavax.net.ssl.trustStoreType=PKCS12",
                "-Djava.io.tmpdir=" + WORK.resolve("tmp")));
        try {
            Files.createDirectories(WORK.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return PackagedFunction.start(taskRoot, runtimeClient,
                new PackagedFunction.Launch(name, function.path("handler").asText(), function.path("memory_size").asInt(), env, jvm),
                WORK.resolve("logs").resolve(name + "-" + System.currentTimeMillis() + ".log"));
    }

    private Map<String, String> environmentOf(String name) {
        Map<String, String> env = new LinkedHashMap<>();
        plan.at("/output_changes/function_environment/after/" + name).fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
        assertThat(env).as("the module's environment of " + name).containsKeys("QUARKUS_FUNQY_EXPORT", "PROFILES_SECRET_ID");
        return env;
    }

    private Duration timeout(String name) {
        return Duration.ofSeconds(TerraformModule.resource(plan, "aws_lambda_function", name).path("timeout").asLong());
    }

    private String arn(String name) {
        return "arn:aws:lambda:eu-west-1:123456789012:function:" + TerraformModule.resource(plan, "aws_lambda_function", name).path("function_name").asText()
                + ":live";
    }

    // --- waiting for the function

    private static long await(CompletableFuture<Long> event, RuntimeApiServer api, PackagedFunction function, String what) throws Exception {
        long deadline = System.nanoTime() + INIT_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                return event.get(500, TimeUnit.MILLISECONDS);
            } catch (TimeoutException notYet) {
                if (!api.initErrors().isEmpty() || !function.isAlive()) {
                    fail("waiting for " + what + ": " + api.initErrors() + "\n" + function.output());
                }
            }
        }
        return fail("no " + what + " within " + INIT_WAIT + ":\n" + function.output());
    }

    private static Answer answer(CompletableFuture<Answer> answer, RuntimeApiServer api, PackagedFunction function) throws Exception {
        long deadline = System.nanoTime() + INIT_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                return answer.get(500, TimeUnit.MILLISECONDS);
            } catch (TimeoutException notYet) {
                if (!function.isAlive()) {
                    fail("the function exited: " + api.initErrors() + "\n" + function.output());
                }
            } catch (ExecutionException e) {
                throw e;
            }
        }
        return fail("no answer within " + INIT_WAIT + ":\n" + function.output());
    }

    // --- what the function did

    private static List<String> failedItems(Answer answer) throws IOException {
        assertThat(answer.error()).as(answer.body()).isFalse();
        List<String> items = new ArrayList<>();
        for (JsonNode failure : CloudEvents.JSON.readTree(answer.body()).path("batchItemFailures")) {
            JsonNode id = failure.path("itemIdentifier");
            items.add(id.path("partition").asText() + "@" + id.path("offset").asLong());
        }
        return items;
    }

    private static List<String> emfLines(PackagedFunction function) {
        return function.output().lines().filter(line -> line.startsWith("{\"_aws\":")).toList();
    }

    private Map<String, String> profile(String user) {
        return RedisCommands.asMap(RedisCommands.call(redisUri(), "HGETALL", "profile:{" + user + "}"));
    }

    private String redisUri() {
        return "redis://:" + redisToken + "@127.0.0.1:" + redis.port();
    }

    /** As ElastiCache with an AUTH token: every connection must AUTH with it. */
    private void protectRedis() {
        RedisCommands.call(redis.uri(), "ACL", "SETUSER", "default", "on", "resetpass", ">" + redisToken, "~*", "&*", "+@all");
    }

    /** Connections to Redis other than the one asking. */
    private long clientsBesidesUs() {
        String list = (String) RedisCommands.call(redisUri(), "CLIENT", "LIST");
        return list.lines().filter(line -> !line.contains("cmd=client|list")).count();
    }

    private long commandCalls(String command) {
        String stats = (String) RedisCommands.call(redisUri(), "INFO", "commandstats");
        return stats.lines().filter(line -> line.startsWith("cmdstat_" + command + ":")).findFirst()
                .map(line -> Long.parseLong(line.replaceAll(".*calls=([0-9]+).*", "$1"))).orElse(0L);
    }

    private List<String> consumerGroups() throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            return admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS).stream().map(ConsumerGroupListing::groupId).toList();
        }
    }

    // --- events

    private static byte[] key(String id) {
        return ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] change(String fixture, String id) {
        ObjectNode change = (ObjectNode) Fixtures.json("debezium/" + fixture);
        for (String side : List.of("before", "after")) {
            if (change.get(side) instanceof ObjectNode row) {
                row.put("id", id);
            }
        }
        return json(change).getBytes(StandardCharsets.UTF_8);
    }

    /** A function URL's request payload (format 2.0), as the URL hands it to the function. */
    private static String urlRequest(String method, String path) {
        Map<String, Object> http = Map.of("method", method, "path", path, "protocol", "HTTP/1.1", "sourceIp", "10.0.0.1", "userAgent", "test");
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "2.0");
        event.put("routeKey", "$default");
        event.put("rawPath", path);
        event.put("rawQueryString", "");
        event.put("headers", Map.of("host", "abcdefgh.lambda-url.eu-west-1.on.aws", "x-amzn-trace-id", "Root=1-0-0"));
        event.put("requestContext", Map.of("accountId", "123456789012", "apiId", "abcdefgh", "domainName", "abcdefgh.lambda-url.eu-west-1.on.aws",
                "http", http, "requestId", newId(), "routeKey", "$default", "stage", "$default", "timeEpoch", System.currentTimeMillis(),
                "authorizer", Map.of("iam", Map.of("accountId", "123456789012", "userArn", "arn:aws:iam::123456789012:role/personalization"))));
        event.put("isBase64Encoded", false);
        return json(event);
    }

    private static long millis(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }

    private static List<String> iterable(Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
