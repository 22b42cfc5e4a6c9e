package com.example.profiles.devtools.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.profiles.devtools.ProjectRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus alert rules in infra/prometheus, checked and unit-tested by promtool (Debian's
 * {@code prometheus} package; .ci/run installs it). Without promtool the tests are skipped with a
 * message saying so.
 */
class PrometheusRulesTest {

    static final Path RULES = ProjectRoot.resolve("infra/prometheus");

    @Test
    void theRulesAreValid() throws Exception {
        Result result = promtool(RULES, "check", "rules", "alerts.yml");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: 6 rules found");
    }

    @Test
    void theRulesFireAndResolveAsTheirUnitTestsSay() throws Exception {
        Result result = promtool(RULES, "test", "rules", "alerts.test.yml");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    record Result(int exitCode, String output) {
    }

    /** Runs promtool in {@code dir}; skips the calling test when promtool is not installed. */
    static Result promtool(Path dir, String... args) throws IOException, InterruptedException {
        Path promtool = onPath("promtool");
        Assumptions.assumeTrue(promtool != null, "promtool is not installed (apt-get install prometheus): skipping the alert rule checks");
        List<String> command = new java.util.ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("promtool did not finish in 60 s");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
