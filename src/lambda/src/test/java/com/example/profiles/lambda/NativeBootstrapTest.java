package com.example.profiles.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native packaging's {@code bootstrap} (src/main/zip.native, which Quarkus's native Lambda build
 * puts at the zip's root, naming the executable {@code runner} beside it): run as Lambda's custom
 * runtime runs it, from another working directory, it must start {@code runner} from its own folder
 * with the arguments and with {@code DISABLE_SIGNAL_HANDLERS} set. The native executable cannot be
 * built here; a stand-in {@code runner} reports what it was started with.
 */
class NativeBootstrapTest {

    static final Path BOOTSTRAP = Path.of("src/main/zip.native/bootstrap");

    @Test
    void theBootstrapStartsTheRunnerBesideItWithoutSignalHandlers(@TempDir Path task, @TempDir Path elsewhere) throws Exception {
        assertThat(Files.isExecutable(BOOTSTRAP)).as("bootstrap must be executable: Lambda runs it directly").isTrue();
        Path bootstrap = Files.copy(BOOTSTRAP, task.resolve("bootstrap"));
        Path runner = task.resolve("runner");
        Files.writeString(runner, "#!/bin/sh\necho \"runner in $(dirname \"$0\") args=$* DISABLE_SIGNAL_HANDLERS=$DISABLE_SIGNAL_HANDLERS\"\n");
        for (Path script : new Path[] { bootstrap, runner }) {
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Process process = new ProcessBuilder(bootstrap.toString(), "-Dx=1").directory(elsewhere.toFile()).redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).isEqualTo("runner in " + task + " args=-Dx=1 DISABLE_SIGNAL_HANDLERS=true");
    }
}
