package com.example.profiles.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The AWS Terraform module planned offline, for tests that take what it sets from the module
 * itself: Terraform on the PATH and the hashicorp/aws provider from a local plugin folder (found by
 * searching the file system, as the project's environment notes describe), the real provider with
 * placeholder credentials, nothing refreshed, no AWS call. {@link #unavailable()} says in one line
 * why a plan cannot be made here.
 */
public final class TerraformModule {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 180;

    private static volatile Optional<Path> pluginDir;

    private TerraformModule() {
    }

    /** Why no offline plan can be made here, or empty when one can. */
    public static Optional<String> unavailable() {
        if (terraform() == null) {
            return Optional.of("terraform is not on PATH");
        }
        if (pluginDir().isEmpty()) {
            return Optional.of("no local plugin folder with registry.terraform.io/hashicorp/aws (searched / to depth 6)");
        }
        return Optional.empty();
    }

    /**
     * Copies infra/terraform/aws and functions/ of {@code projectRoot} under {@code workDir}, and
     * plans example.tfvars with these extra {@code -var}s; answers {@code terraform show -json}.
     */
    public static JsonNode plan(Path projectRoot, Path workDir, Map<String, String> vars) {
        String terraform = terraform();
        Path plugins = pluginDir().orElseThrow(() -> new IllegalStateException(unavailable().orElse("?")));
        try {
            deleteTree(workDir);
            Path module = workDir.resolve("infra/terraform/aws");
            copyTree(projectRoot.resolve("infra/terraform/aws"), module);
            copyTree(projectRoot.resolve("functions"), workDir.resolve("functions"));
            Files.writeString(module.resolve("zz_offline_plan_override.tf"), """
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
            run(module, List.of(terraform, "init", "-backend=false", "-input=false", "-no-color", "-plugin-dir=" + plugins));
            List<String> plan = new ArrayList<>(List.of(terraform, "plan", "-no-color", "-input=false", "-refresh=false", "-lock=false",
                    "-var-file=example.tfvars", "-out=offline.tfplan"));
            vars.forEach((name, value) -> plan.add("-var=" + name + "=" + value));
            run(module, plan);
            return JSON.readTree(run(module, List.of(terraform, "show", "-json", "offline.tfplan")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The planned values of one resource instance, e.g. ("aws_lambda_function", "purchase"). */
    public static JsonNode resource(JsonNode plan, String type, String index) {
        for (JsonNode resource : plan.at("/planned_values/root_module/resources")) {
            if (type.equals(resource.path("type").asText()) && index.equals(resource.path("index").asText())) {
                return resource.path("values");
            }
        }
        throw new IllegalStateException("no " + type + "[\"" + index + "\"] in the plan");
    }

    private static String run(Path dir, List<String> command) throws IOException {
        Path out = Files.createTempFile("terraform-out", ".txt");
        Path err = Files.createTempFile("terraform-err", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> env = builder.environment();
            String cliConfig = env.get("TF_CLI_CONFIG_FILE");
            if (cliConfig != null && !Files.exists(Path.of(cliConfig))) {
                env.remove("TF_CLI_CONFIG_FILE");
            }
            env.put("CHECKPOINT_DISABLE", "1");
            env.put("TF_IN_AUTOMATION", "1");
            env.put("TF_INPUT", "0");
            env.put("TF_VAR_redis_auth_token", "offline-plan-token-0123456789");
            env.put("TF_VAR_profile_hash_key", "offline-plan-hash-key-0123456789abcdef");
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            String stdout = Files.readString(out);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + stdout + Files.readString(err));
            }
            return stdout;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String terraform() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir, "terraform");
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return null;
    }

    /** The folder above registry.terraform.io that holds hashicorp/aws 5.x. */
    private static Optional<Path> pluginDir() {
        if (pluginDir == null) {
            pluginDir = findPluginDir();
        }
        return pluginDir;
    }

    private static Optional<Path> findPluginDir() {
        List<Path> found = new ArrayList<>();
        Set<String> skip = Set.of("/proc", "/sys", "/dev", "/run");
        Path suffix = Path.of("registry.terraform.io", "hashicorp", "aws");
        try {
            Files.walkFileTree(Path.of("/"), EnumSet.noneOf(java.nio.file.FileVisitOption.class), 6, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (skip.contains(dir.toString())) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (dir.endsWith(suffix)) {
                        found.add(dir);
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isDirectory() && file.endsWith(suffix)) {
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
            return Optional.empty();
        }
        for (Path aws : found.stream().sorted().toList()) {
            try (Stream<Path> versions = Files.list(aws)) {
                if (versions.anyMatch(v -> v.getFileName().toString().startsWith("5."))) {
                    return Optional.of(aws.getParent().getParent().getParent());
                }
            } catch (IOException e) {
                // unreadable: try the next one
            }
        }
        return Optional.empty();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.sorted().toList()) {
                String rel = from.relativize(p).toString();
                if (rel.startsWith(".terraform") || rel.contains(".tfstate")) {
                    continue;
                }
                Path target = to.resolve(rel);
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> old = Files.walk(dir)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
