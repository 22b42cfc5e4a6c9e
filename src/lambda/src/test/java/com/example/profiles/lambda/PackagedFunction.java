package com.example.profiles.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The packaged JVM function.zip, started as AWS Lambda's managed Java runtime starts a function:
 * the zip unpacked into a task root ({@code LAMBDA_TASK_ROOT}, the working directory), the AWS
 * Lambda Runtime Interface Client's {@code AWSLambda} main class on the system class path, the
 * handler as its argument, the function's code loaded from the task root (classes and
 * {@code lib/*.jar}) by the client's own class loader, and the environment Lambda gives.
 *
 * <p>JVM options as the managed java17/java21 runtimes are documented to default to (serial GC,
 * tiered compilation stopping at C1) and the function's memory as the machine's
 * ({@code -XX:MaxRAM}, the JVM's view of a Lambda sandbox of that size). The CRaC bridge property
 * lets {@code org.crac} reach the client's own CRaC context, as the runtime's hooks need.
 */
final class PackagedFunction implements AutoCloseable {

    /** What to start: the handler, memory and environment, as the Terraform module sets them, plus the test's own JVM options. */
    record Launch(String name, String handler, int memoryMb, Map<String, String> environment, List<String> extraJvmOptions) {
    }

    private final Process process;
    private final long startedNanos;
    private final Path log;

    private PackagedFunction(Process process, long startedNanos, Path log) {
        this.process = process;
        this.startedNanos = startedNanos;
        this.log = log;
    }

    /** Unpacks the zip into {@code dir} (emptied first), as Lambda unpacks it into /var/task. */
    static Path unpack(Path zip, Path dir) {
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> old = Files.walk(dir)) {
                    for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(dir);
            try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
                for (ZipEntry entry; (entry = in.getNextEntry()) != null;) {
                    Path target = dir.resolve(entry.getName()).normalize();
                    if (!target.startsWith(dir)) {
                        throw new IllegalStateException("zip entry outside the task root: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(in, target);
                    }
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PackagedFunction start(Path taskRoot, List<Path> runtimeClientJars, Launch launch, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:MaxRAM=" + launch.memoryMb() + "m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:+TieredCompilation");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac");
        command.addAll(launch.extraJvmOptions());
        command.add("-cp");
        command.add(runtimeClientJars.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator)));
        command.add("com.amazonaws.services.lambda.runtime.api.client.AWSLambda");
        command.add(launch.handler());
        ProcessBuilder builder = new ProcessBuilder(command).directory(taskRoot.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(launch.environment());
        try {
            Files.createDirectories(log.getParent());
            long started = System.nanoTime();
            return new PackagedFunction(builder.start(), started, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long startedNanos() {
        return startedNanos;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the function printed so far (its stdout and stderr). */
    String output() {
        try (InputStream in = Files.newInputStream(log)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    boolean awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
