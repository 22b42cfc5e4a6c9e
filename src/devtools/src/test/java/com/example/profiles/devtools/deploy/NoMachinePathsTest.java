package com.example.profiles.devtools.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.profiles.devtools.ProjectRoot;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The documents and recorded results the project commits name no folder of the machine that wrote
 * them: a benchmark run or a doc written in one checkout must read the same in any other. Paths are
 * written relative to the project root (the benchmark's GC log as {@code {out}/gc.log}, its JFR
 * recording as {@code target/bench/...}). Container paths in Dockerfiles are not machine paths and
 * are not scanned.
 */
class NoMachinePathsTest {

    /** A home, temp or work folder of a build machine (Linux or macOS), at the start of a path. */
    static final Pattern MACHINE_PATH = Pattern.compile("(?<![\\w.{}-])/(work|root|home|tmp|Users|private/var|var/folders)/[\\w.-]+");

    @Test
    void committedDocsAndResultsHoldNoAbsoluteMachinePath() throws IOException {
        Path root = ProjectRoot.path();
        List<Path> scanned = new ArrayList<>();
        for (String folder : List.of("bench", "infra", "functions", "docs")) {
            try (Stream<Path> files = Files.walk(root.resolve(folder))) {
                files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/.terraform")).forEach(scanned::add);
            }
        }
        try (Stream<Path> files = Files.list(root)) {
            files.filter(f -> f.toString().endsWith(".md")).forEach(scanned::add);
        }
        // The READMEs beside the code (the Lambda binding's, the fixtures' provenance, the capture's).
        try (Stream<Path> files = Files.walk(root.resolve("src"))) {
            files.filter(f -> f.getFileName().toString().equals("README.md")).filter(f -> !f.toString().contains("/target/")).forEach(scanned::add);
        }
        List<String> found = new ArrayList<>();
        for (Path file : scanned) {
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
            } catch (CharacterCodingException binary) {
                continue; // charts and other binary files
            }
            Matcher m = MACHINE_PATH.matcher(text);
            while (m.find()) {
                found.add(root.relativize(file) + ": " + m.group());
            }
        }
        assertThat(scanned).as("files scanned").isNotEmpty();
        assertThat(found).as("absolute paths of a build machine in committed files").isEmpty();
    }

    @Test
    void thePatternFindsMachinePathsAndLeavesRelativeOnes() {
        assertThat(MACHINE_PATH.matcher("-Xlog:gc:file=/work/main/target/bench/gc.log").find()).isTrue();
        assertThat(MACHINE_PATH.matcher("\"jfr\" : \"/root/project/target/bench/kafka-drain.jfr\"").find()).isTrue();
        assertThat(MACHINE_PATH.matcher("see /tmp/bench-1234/out").find()).isTrue();
        assertThat(MACHINE_PATH.matcher("-Xlog:gc:file={out}/gc.log").find()).isFalse();
        assertThat(MACHINE_PATH.matcher("target/bench/kafka-drain.jfr, src/work/x").find()).isFalse();
        assertThat(MACHINE_PATH.matcher("GET /profiles/{userId}").find()).isFalse();
    }
}
