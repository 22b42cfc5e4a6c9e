package com.example.profiles.devtools.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.example.profiles.devtools.ProjectRoot;
import com.example.profiles.devtools.knative.KnativeManifests;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.example.profiles.descriptor.FunctionDescriptor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Checks infra/terraform with the Terraform CLI, offline:
 * <ul>
 * <li>{@code terraform fmt -check -recursive infra/terraform} (needs only terraform);</li>
 * <li>the Knative module's locals, evaluated by {@code terraform console} (no kubernetes provider
 * here): every generated manifest is decoded, placeholders replaced;</li>
 * <li>the AWS module, when a local plugin folder holds hashicorp/aws (found by searching the file
 * system, as the project's ENVIRONMENT notes describe): {@code init -plugin-dir}, {@code validate},
 * {@code terraform test} (mock provider), and a plan with the real provider and placeholder
 * credentials (nothing is refreshed or called) whose JSON is checked: every function wired, no
 * IAM statement with a "*" or "service:*" action.</li>
 * </ul>
 * The modules are copied under target/terraform-checks first, so the source tree gets no
 * .terraform folder or lock file. A check whose tool is absent is skipped with one line saying so;
 * where the tool is present it must pass. A text check for wildcard actions needs nothing.
 */
// Long (the tag of @LongTest, which this module cannot use: it is built before src/testing): the
// Terraform CLI's inits, tests and plans take half a minute, which the quick default leaves to -Pfull.
@Tag("long")
class TerraformChecksTest {

    static final Path ROOT = ProjectRoot.path();
    static final Path TERRAFORM_DIR = ROOT.resolve("infra/terraform");
    static final Path WORK = ROOT.resolve("target/terraform-checks");
    static final Duration TIMEOUT = Duration.ofMinutes(3);
    static final ObjectMapper JSON = new ObjectMapper();

    static String terraform;
    static Path pluginDir;
    static String pluginDirSearch = "";

    /** The prepared (copied and initialised) AWS module, or why it could not be prepared. */
    private static Path awsModule;
    private static String awsModuleFailure;

    @BeforeAll
    static void findTools() {
        terraform = findOnPath("terraform");
        if (terraform != null) {
            pluginDir = findPluginDir();
        }
    }

    // --- needs only terraform

    @Test
    void terraformSourcesAreFormatted() {
        Skip.unless(terraform != null, "skipped: terraform is not on PATH, so `terraform fmt -check` cannot run");
        Result fmt = run(ROOT, List.of(terraform, "fmt", "-check", "-recursive", "-diff", "infra/terraform"), Map.of());
        assertEquals(0, fmt.code, "terraform fmt -check -recursive infra/terraform found unformatted files "
                + "(fix with `terraform fmt -recursive infra/terraform`):\n" + fmt.output);
    }

    @Test
    void knativeModuleDecodesEveryGeneratedManifest() throws IOException {
        Skip.unless(terraform != null, "skipped: terraform is not on PATH, so the Knative module's locals cannot be evaluated");
        // No kubernetes provider here, so the module cannot be initialised: its locals block is
        // evaluated alone, verbatim, with terraform console.
        Path module = TERRAFORM_DIR.resolve("knative");
        Path dir = fresh(WORK.resolve("knative-locals"));
        Files.copy(module.resolve("variables.tf"), dir.resolve("variables.tf"));
        Files.writeString(dir.resolve("locals.tf"), block(Files.readString(module.resolve("main.tf")), "locals"));
        Path generated = KnativeManifests.outputDir(ROOT);
        String image = "registry.test/profile-functions:check";
        String bootstrap = "kafka-a.test:9092,kafka-b.test:9092";
        Result console = run(dir, List.of(terraform, "console", "-var", "image=" + image, "-var", "kafka_bootstrap_servers=" + bootstrap,
                "-var", "manifests_dir=" + generated, "-var", "job_runs={rebuild=\"r1\"}"), Map.of(),
                "jsonencode({applied = local.manifests, runs = local.job_runs})\n");
        assertEquals(0, console.code, console.output);
        JsonNode decoded = JSON.readTree(JSON.readValue(console.stdout.strip(), String.class));

        Map<String, JsonNode> expected = new TreeMap<>();
        Map<String, JsonNode> jobs = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : KnativeManifestsTest.readCommitted().entrySet()) {
            String text = JSON.writeValueAsString(e.getValue())
                    .replace(KnativeManifests.IMAGE, image)
                    .replace(KnativeManifests.KAFKA_BOOTSTRAP, bootstrap);
            boolean job = "Job".equals(e.getValue().path("kind").asText());
            (job ? jobs : expected).put(e.getKey().replaceAll("\\.yaml$", ""), JSON.readTree(text));
        }
        assertThat(expected).isNotEmpty();
        Map<String, JsonNode> actual = new TreeMap<>();
        decoded.path("applied").fields().forEachRemaining(f -> actual.put(f.getKey(), f.getValue()));
        assertEquals(expected.keySet(), actual.keySet(), "every generated file but a job's is one kubernetes_manifest");
        expected.forEach((k, v) -> assertEquals(v, actual.get(k), k));
        assertThat(decoded.toString()).doesNotContain(KnativeManifests.IMAGE).doesNotContain(KnativeManifests.KAFKA_BOOTSTRAP).contains(image);

        // A job runs only when asked, under the name of its run, and is otherwise the generated Job.
        JsonNode run = decoded.at("/runs/rebuild");
        ObjectNode generatedJob = (ObjectNode) jobs.get("rebuild/job").deepCopy();
        String generateName = generatedJob.at("/metadata/generateName").asText();
        ((ObjectNode) generatedJob.get("metadata")).remove("generateName");
        ((ObjectNode) generatedJob.get("metadata")).put("name", generateName + "r1");
        assertEquals(generatedJob, run);
    }

    // --- needs terraform and the hashicorp/aws provider in a local plugin folder

    @Test
    void awsModuleValidates() {
        Path module = awsModule();
        Result validate = run(module, List.of(terraform, "validate", "-no-color"), Map.of());
        assertEquals(0, validate.code, validate.output);
    }

    @Test
    void awsModuleTerraformTestsPass() {
        Path module = awsModule();
        Result test = run(module, List.of(terraform, "test", "-no-color"), Map.of());
        assertEquals(0, test.code, test.output);
        assertThat(test.stdout).contains("0 failed");
    }

    @Test
    void awsPlanWiresEveryFunctionWithoutWildcardActions() throws IOException {
        JsonNode plan = offlinePlan(List.of());
        List<FunctionDescriptor> descriptors = KnativeManifests.readDescriptors(ROOT.resolve("functions"));
        assertThat(AwsPlanChecks.problems(descriptors, plan.at("/planned_values/root_module/resources"))).isEmpty();
        assertThat(AwsPlanChecks.packagingProblems(plan, "jvm")).isEmpty();
        assertThat(AwsPlanChecks.environmentProblems(descriptors, plan)).isEmpty();
    }

    @Test
    void awsPlanOfTheNativePackagingRunsTheBootstrap() throws IOException {
        JsonNode plan = offlinePlan(List.of("-var=packaging=native", "-var=snapstart=false"));
        assertThat(AwsPlanChecks.packagingProblems(plan, "native")).isEmpty();
        assertThat(AwsPlanChecks.problems(KnativeManifests.readDescriptors(ROOT.resolve("functions")), plan.at("/planned_values/root_module/resources")))
                .isEmpty();
    }

    /** {@code terraform show -json} of a plan of example.tfvars (and these arguments), offline. */
    private JsonNode offlinePlan(List<String> extraArguments) throws IOException {
        Path module = awsModule();
        // The real provider, placeholder credentials, nothing to refresh: planning new resources
        // calls no AWS API. The override lives in the copy only.
        Path override = module.resolve("zz_offline_check_override.tf");
        Files.writeString(override, """
                provider "aws" {
                  access_key                  = "offline-check"
                  secret_key                  = "offline-check"
                  skip_credentials_validation = true
                  skip_requesting_account_id  = true
                  skip_metadata_api_check     = true
                  skip_region_validation      = true
                  allowed_account_ids         = null
                }
                """);
        Map<String, String> secrets = Map.of(
                "TF_VAR_redis_auth_token", "offline-check-token-0123456789",
                "TF_VAR_profile_hash_key", "offline-check-hash-key-0123456789abcdef");
        Path plan = module.resolve("check-" + System.nanoTime() + ".tfplan");
        try {
            List<String> command = new ArrayList<>(List.of(terraform, "plan", "-no-color", "-input=false", "-refresh=false", "-lock=false",
                    "-var-file=example.tfvars", "-out=" + plan));
            command.addAll(extraArguments);
            Result planned = run(module, command, secrets);
            assertEquals(0, planned.code, planned.output);
            Result shown = run(module, List.of(terraform, "show", "-json", plan.toString()), Map.of());
            assertEquals(0, shown.code, shown.output);
            return JSON.readTree(shown.stdout);
        } finally {
            Files.deleteIfExists(override);
            Files.deleteIfExists(plan);
        }
    }

    @Test
    void thePlanCheckNoticesAWildcardActionAndAnUnwiredFunction() throws IOException {
        // The plan check itself, on a hand-made plan: no terraform needed.
        List<FunctionDescriptor> descriptors = KnativeManifests.readDescriptors(ROOT.resolve("functions"));
        ObjectNode lambda = JSON.createObjectNode().put("type", "aws_lambda_function").put("address", "aws_lambda_function.fn[\"purchase\"]");
        lambda.putObject("values").putArray("environment").addObject().putObject("variables").put("QUARKUS_FUNQY_EXPORT", "cart");
        ObjectNode policy = JSON.createObjectNode().put("type", "aws_iam_role_policy").put("address", "aws_iam_role_policy.lambda[\"purchase\"]");
        policy.putObject("values").put("policy",
                "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:*\"],\"Resource\":\"*\"},{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}");
        List<String> problems = AwsPlanChecks.problems(descriptors, JSON.createArrayNode().add(lambda).add(policy));
        assertThat(problems)
                .anyMatch(p -> p.contains("s3:*"))
                .anyMatch(p -> p.contains("\"*\""))
                .anyMatch(p -> p.contains("cart") && p.contains("no Lambda"))
                .anyMatch(p -> p.contains("purchase") && p.contains("0 triggers"))
                .anyMatch(p -> p.contains("purchase") && p.contains("exports cart"));
    }

    // --- needs nothing

    @Test
    void noWildcardActionInTheTerraformSources() throws IOException {
        // A text check of the sources, for machines without the provider: every string in an
        // Action/actions list. (The plan check above also sees actions that are computed.)
        List<String> wildcards = new ArrayList<>();
        int actionsSeen = 0;
        try (Stream<Path> files = Files.walk(TERRAFORM_DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".tf") && !p.toString().contains(File.separator + ".terraform")).sorted().toList()) {
                List<String> actions = actionsIn(Files.readString(f));
                actionsSeen += actions.size();
                actions.stream().filter(AwsPlanChecks::isWildcardAction).forEach(a -> wildcards.add(ROOT.relativize(f) + ": " + a));
            }
        }
        assertThat(actionsSeen).as("IAM actions found in infra/terraform").isGreaterThan(10);
        assertThat(wildcards).isEmpty();
    }

    @Test
    void theTextCheckFindsWildcardActions() {
        String hcl = """
                  Statement = [{
                    Action   = ["s3:GetObject", "s3:*"]
                    Resource = ["*"]
                  }, {
                    Action = "*"
                  }]
                  actions = [
                    "kafka-cluster:Read*",
                  ]
                """;
        assertThat(actionsIn(hcl)).containsExactly("s3:GetObject", "s3:*", "*", "kafka-cluster:Read*");
        assertThat(actionsIn(hcl).stream().filter(AwsPlanChecks::isWildcardAction)).containsExactly("s3:*", "*", "kafka-cluster:Read*");
    }

    /** The strings of every Action / actions / NotAction attribute (a string or a list of strings). */
    static List<String> actionsIn(String hcl) {
        Pattern actionList = Pattern.compile("(?m)^\\s*(?:Action|actions|NotAction)\\s*=\\s*(\\[[^\\]]*\\]|\"[^\"]*\")");
        Pattern string = Pattern.compile("\"([^\"]*)\"");
        List<String> actions = new ArrayList<>();
        Matcher m = actionList.matcher(hcl);
        while (m.find()) {
            Matcher s = string.matcher(m.group(1));
            while (s.find()) {
                actions.add(s.group(1));
            }
        }
        return actions;
    }

    // --- the AWS module's working copy

    /** Copies the AWS module and the descriptors under target/ (same relative layout) and runs init once. */
    static synchronized Path awsModule() {
        Skip.unless(terraform != null, "skipped: terraform is not on PATH, so the AWS module cannot be checked");
        Skip.unless(pluginDir != null, "skipped: no local plugin folder with registry.terraform.io/hashicorp/aws (searched "
                + pluginDirSearch + "), so the AWS module cannot be initialised offline");
        if (awsModule == null && awsModuleFailure == null) {
            try {
                Path copy = fresh(WORK.resolve("aws"));
                Path module = copy.resolve("infra/terraform/aws");
                copyTree(TERRAFORM_DIR.resolve("aws"), module);
                for (FunctionDescriptor d : KnativeManifests.readDescriptors(ROOT.resolve("functions"))) {
                    Path target = copy.resolve("functions").resolve(d.name()).resolve("function.json");
                    Files.createDirectories(target.getParent());
                    Files.copy(ROOT.resolve("functions").resolve(d.name()).resolve("function.json"), target);
                }
                Result init = run(module, List.of(terraform, "init", "-backend=false", "-input=false", "-no-color",
                        "-plugin-dir=" + pluginDir), Map.of());
                if (init.code != 0) {
                    awsModuleFailure = "terraform init -plugin-dir=" + pluginDir + " failed:\n" + init.output;
                } else {
                    awsModule = module;
                }
            } catch (IOException e) {
                awsModuleFailure = "cannot copy the AWS module: " + e;
            }
        }
        if (awsModuleFailure != null) {
            fail(awsModuleFailure);
        }
        return awsModule;
    }

    // --- helpers

    record Result(int code, String stdout, String output) {
    }

    static Result run(Path dir, List<String> command, Map<String, String> env) {
        return run(dir, command, env, null);
    }

    /** Runs a command with a timeout; stdout and stderr go to files (no pipe can fill up). */
    static Result run(Path dir, List<String> command, Map<String, String> env, String stdin) {
        try {
            Files.createDirectories(WORK);
            Path out = Files.createTempFile(WORK, "out", ".txt");
            Path err = Files.createTempFile(WORK, "err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            Map<String, String> environment = pb.environment();
            // A TF_CLI_CONFIG_FILE naming a missing file only adds a warning to every command.
            String cliConfig = environment.get("TF_CLI_CONFIG_FILE");
            if (cliConfig != null && !Files.exists(Path.of(cliConfig))) {
                environment.remove("TF_CLI_CONFIG_FILE");
            }
            environment.put("CHECKPOINT_DISABLE", "1"); // no version check over the network
            environment.put("TF_IN_AUTOMATION", "1");
            environment.put("TF_INPUT", "0");
            environment.putAll(env);
            if (stdin == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            }
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().close();
            }
            if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail(String.join(" ", command) + " did not finish within " + TIMEOUT);
            }
            String stdout = Files.readString(out);
            String output = stdout + Files.readString(err);
            Files.delete(out);
            Files.delete(err);
            return new Result(p.exitValue(), stdout, String.join(" ", command) + " (in " + dir + "):\n" + output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /**
     * The folder holding registry.terraform.io/hashicorp/aws/&lt;version&gt;, searched for as the
     * project's ENVIRONMENT notes say (find / -maxdepth 6 -path '*registry.terraform.io/hashicorp/aws'),
     * skipping /proc, /sys and /dev; the folder above registry.terraform.io is the plugin dir.
     */
    static Path findPluginDir() {
        pluginDirSearch = "/ to depth 6";
        List<Path> found = new ArrayList<>();
        Set<String> skip = Set.of("/proc", "/sys", "/dev", "/run");
        try {
            Files.walkFileTree(Path.of("/"), EnumSet.noneOf(java.nio.file.FileVisitOption.class), 6, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (skip.contains(dir.toString())) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (dir.endsWith(Path.of("registry.terraform.io", "hashicorp", "aws"))) {
                        found.add(dir);
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    // With a depth limit, folders at the limit arrive here: match them too.
                    if (attrs.isDirectory() && file.endsWith(Path.of("registry.terraform.io", "hashicorp", "aws"))) {
                        found.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return null;
        }
        for (Path aws : found.stream().sorted().toList()) {
            try (Stream<Path> versions = Files.list(aws)) {
                if (versions.anyMatch(v -> v.getFileName().toString().startsWith("5."))) {
                    return aws.getParent().getParent().getParent();
                }
            } catch (IOException e) {
                // unreadable: try the next one
            }
        }
        return null;
    }

    /** The text of the first top-level block of this type ("locals { ... }"), braces matched. */
    static String block(String hcl, String type) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(type) + "\\s*\\{").matcher(hcl);
        if (!m.find()) {
            throw new IllegalStateException("no " + type + " block");
        }
        int depth = 0;
        boolean inString = false;
        for (int i = m.start(); i < hcl.length(); i++) {
            char c = hcl.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '#') {
                i = hcl.indexOf('\n', i) < 0 ? hcl.length() : hcl.indexOf('\n', i);
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return hcl.substring(m.start(), i + 1) + "\n";
            }
        }
        throw new IllegalStateException("unbalanced " + type + " block");
    }

    static Path fresh(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> old = Files.walk(dir)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return Files.createDirectories(dir);
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.sorted().toList()) {
                Path rel = from.relativize(p);
                if (rel.toString().startsWith(".terraform") || rel.toString().endsWith(".tfstate") || rel.toString().contains(".tfstate.")) {
                    continue;
                }
                Path target = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** Checks of the AWS plan's JSON (planned_values.root_module.resources). */
    static final class AwsPlanChecks {

        private AwsPlanChecks() {
        }

        /** "*", "service:*", and any other wildcard ("s3:Get*"): every action is named in full. */
        static boolean isWildcardAction(String action) {
            return action.contains("*");
        }

        static List<String> problems(List<FunctionDescriptor> descriptors, JsonNode resources) {
            List<String> problems = new ArrayList<>();
            Map<String, Map<String, JsonNode>> byType = new HashMap<>();
            for (JsonNode r : resources) {
                String type = r.path("type").asText();
                String key = r.path("index").asText(indexOf(r.path("address").asText()));
                byType.computeIfAbsent(type, t -> new LinkedHashMap<>()).put(key, r.path("values"));
            }
            Map<String, JsonNode> lambdas = byType.getOrDefault("aws_lambda_function", Map.of());
            Map<String, JsonNode> mappings = byType.getOrDefault("aws_lambda_event_source_mapping", Map.of());
            Map<String, JsonNode> schedules = byType.getOrDefault("aws_scheduler_schedule", Map.of());
            Map<String, JsonNode> urls = byType.getOrDefault("aws_lambda_function_url", Map.of());
            Map<String, JsonNode> roles = byType.getOrDefault("aws_iam_role", Map.of());
            for (FunctionDescriptor d : descriptors) {
                String name = d.name();
                JsonNode lambda = lambdas.get(name);
                if (lambda == null) {
                    problems.add(name + ": no Lambda in the plan");
                    continue;
                }
                // The environment holds values known only after apply (the Redis endpoint), so a
                // plan leaves it out; terraform test checks QUARKUS_FUNQY_EXPORT with mocked values.
                JsonNode export = lambda.at("/environment/0/variables/QUARKUS_FUNQY_EXPORT");
                if (!export.isMissingNode() && !name.equals(export.asText())) {
                    problems.add(name + ": its Lambda exports " + export.asText());
                }
                if (!roles.containsKey(name)) {
                    problems.add(name + ": no execution role of its own");
                }
                // One trigger each: an event source mapping (event), a schedule (schedule), a function
                // URL (request, e.g. GET /profiles/{id}).
                int triggers = (mappings.containsKey(name) ? 1 : 0) + (schedules.containsKey(name) ? 1 : 0) + (urls.containsKey(name) ? 1 : 0);
                if (triggers != 1) {
                    problems.add(name + ": " + triggers + " triggers in the plan; a " + d.trigger().kind() + " function has 1");
                }
                String kind = d.trigger().kind();
                if (("event".equals(kind) && !mappings.containsKey(name)) || ("schedule".equals(kind) && !schedules.containsKey(name))
                        || ("request".equals(kind) && !urls.containsKey(name))) {
                    problems.add(name + ": a " + kind + " function without its kind of trigger");
                }
                // Every trigger invokes the alias, the published (SnapStart) version.
                String alias = ":function:" + lambda.path("function_name").asText() + ":live";
                if (mappings.containsKey(name) && !mappings.get(name).path("function_name").asText().endsWith(alias)) {
                    problems.add(name + ": its event source mapping invokes " + mappings.get(name).path("function_name").asText() + ", not the alias live");
                }
                if (schedules.containsKey(name) && !schedules.get(name).at("/target/0/arn").asText().endsWith(alias)) {
                    problems.add(name + ": its schedule invokes " + schedules.get(name).at("/target/0/arn").asText() + ", not the alias live");
                }
                if (urls.containsKey(name) && (!"live".equals(urls.get(name).path("qualifier").asText())
                        || !"AWS_IAM".equals(urls.get(name).path("authorization_type").asText()))) {
                    problems.add(name + ": its function URL must serve the alias live with IAM auth");
                }
                if ("event".equals(d.trigger().kind()) && mappings.containsKey(name)) {
                    JsonNode topics = mappings.get(name).path("topics");
                    if (topics.size() != 1 || !d.trigger().topic().equals(topics.get(0).asText())) {
                        problems.add(name + ": its event source mapping reads " + topics + ", not " + d.trigger().topic());
                    }
                }
                if ("schedule".equals(d.trigger().kind()) && schedules.containsKey(name)) {
                    String expression = schedules.get(name).path("schedule_expression").asText();
                    if (!expression.equals(d.trigger().scheduleExpression())) {
                        problems.add(name + ": its schedule is " + expression + ", not " + d.trigger().scheduleExpression());
                    }
                    // An explicit input, JSON, whose context attributes Scheduler can find (not escaped).
                    String input = schedules.get(name).at("/target/0/input").asText("");
                    try {
                        if (!"scheduled".equals(JSON.readTree(input).path("reason").asText()) || !input.contains("\"<aws.scheduler.scheduled-time>\"")) {
                            problems.add(name + ": its schedule's input " + input + " is not the explicit tick input");
                        }
                    } catch (IOException e) {
                        problems.add(name + ": its schedule's input is not JSON: " + input);
                    }
                }
            }
            for (String type : List.of("aws_iam_role_policy", "aws_iam_policy", "aws_iam_role")) {
                for (Map.Entry<String, JsonNode> r : byType.getOrDefault(type, Map.of()).entrySet()) {
                    for (String attribute : List.of("policy", "assume_role_policy")) {
                        JsonNode text = r.getValue().path(attribute);
                        if (!text.isTextual()) {
                            continue;
                        }
                        try {
                            for (JsonNode statement : asArray(JSON.readTree(text.asText()).path("Statement"))) {
                                for (JsonNode action : asArray(statement.path("Action"))) {
                                    if (isWildcardAction(action.asText())) {
                                        problems.add(type + "[" + r.getKey() + "]." + attribute + " allows the action \"" + action.asText() + "\"");
                                    }
                                }
                                if (statement.has("NotAction")) {
                                    problems.add(type + "[" + r.getKey() + "]." + attribute + " uses NotAction");
                                }
                            }
                        } catch (IOException e) {
                            problems.add(type + "[" + r.getKey() + "]." + attribute + " is not JSON: " + e.getMessage());
                        }
                    }
                }
            }
            return problems;
        }

        /** Runtime, handler and SnapStart of every function, as the packaging requires. */
        static List<String> packagingProblems(JsonNode plan, String packaging) {
            List<String> problems = new ArrayList<>();
            for (JsonNode r : plan.at("/planned_values/root_module/resources")) {
                if (!"aws_lambda_function".equals(r.path("type").asText())) {
                    continue;
                }
                JsonNode v = r.path("values");
                String name = r.path("index").asText();
                String runtime = v.path("runtime").asText();
                String handler = v.path("handler").asText();
                boolean snapStart = v.path("snap_start").size() == 1 && "PublishedVersions".equals(v.at("/snap_start/0/apply_on").asText());
                if ("jvm".equals(packaging) && !("java21".equals(runtime) && "com.example.profiles.lambda.ProfileLambdaHandler::handleRequest".equals(handler)
                        && snapStart && v.path("publish").asBoolean())) {
                    problems.add(name + ": jvm packaging needs java21, the project's handler, SnapStart on published versions; got " + runtime + ", "
                            + handler + ", snap_start " + v.path("snap_start"));
                }
                if ("native".equals(packaging) && !("provided.al2023".equals(runtime) && "bootstrap".equals(handler) && v.path("snap_start").isEmpty())) {
                    problems.add(name + ": native packaging needs provided.al2023 and the bootstrap, no SnapStart; got " + runtime + ", " + handler);
                }
            }
            return problems;
        }

        /**
         * The environment each function is told (the output function_environment: a plan cannot
         * show a Lambda's map with one unknown value): its own name exported, no secret value.
         */
        static List<String> environmentProblems(List<FunctionDescriptor> descriptors, JsonNode plan) {
            List<String> problems = new ArrayList<>();
            JsonNode environments = plan.at("/output_changes/function_environment/after");
            for (FunctionDescriptor d : descriptors) {
                JsonNode env = environments.path(d.name());
                if (!d.name().equals(env.path("QUARKUS_FUNQY_EXPORT").asText())) {
                    problems.add(d.name() + ": exports " + env.path("QUARKUS_FUNQY_EXPORT").asText() + " (environment " + env + ")");
                }
                for (String secret : List.of("PROFILE_HASH_KEY", "REDIS_AUTH_TOKEN", "QUARKUS_REDIS_PASSWORD")) {
                    if (env.has(secret)) {
                        problems.add(d.name() + ": a secret value in its environment: " + secret);
                    }
                }
            }
            return problems;
        }

        private static List<JsonNode> asArray(JsonNode node) {
            List<JsonNode> out = new ArrayList<>();
            if (node.isArray()) {
                node.forEach(out::add);
            } else if (!node.isMissingNode() && !node.isNull()) {
                out.add(node);
            }
            return out;
        }

        private static String indexOf(String address) {
            Matcher m = Pattern.compile("\\[\"([^\"]*)\"\\]$").matcher(address);
            return m.find() ? m.group(1) : address;
        }
    }
}
