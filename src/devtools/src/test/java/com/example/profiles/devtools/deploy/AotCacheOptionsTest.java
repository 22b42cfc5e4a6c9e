package com.example.profiles.devtools.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.ProjectRoot;

/**
 * The JDK AOT cache records the GC and the object layout it was trained with, and a JVM started
 * with others refuses it with one warning line and starts without it (so without the start-up
 * the cache was built for: bench/results/round2/NOTES.md, "Start-up"). The cache
 * is trained by bench/aot-train.sh (its defaults for the image, bench/run.sh's for the benchmark)
 * and used by Dockerfile.jvm and bench/run.sh: all four must name the same GC and the same
 * object-header setting. (A cache trained without compact object headers for an image that runs
 * with them costs the start-up without any failure to see; aot-train.sh also checks its cache
 * against the Dockerfile with the real JVM.)
 */
class AotCacheOptionsTest {

    /** The options a cache must agree on, as written (absent means the JVM's default). */
    private static final Pattern LAYOUT = Pattern.compile("-XX:[+-](Use[A-Za-z]+GC|UseCompactObjectHeaders)");

    @Test
    void theCacheIsTrainedWithTheGcAndObjectHeadersItIsUsedWith() throws IOException {
        String dockerfile = Files.readAllLines(ProjectRoot.resolve("src/knative/src/main/docker/Dockerfile.jvm")).stream()
                .filter(line -> !line.startsWith("#")).collect(Collectors.joining("\n"));
        String trainer = Files.readString(ProjectRoot.resolve("bench/aot-train.sh"));
        String bench = Files.readString(ProjectRoot.resolve("bench/run.sh"));

        TreeSet<String> image = layout(dockerfile);
        assertThat(image).as("Dockerfile.jvm names its GC and object headers").hasSize(2);
        assertThat(layout(assignment(trainer, "AOT_JVM_OPTS=\\$\\{AOT_JVM_OPTS:-(.*)}"))).as("aot-train.sh's default AOT_JVM_OPTS").isEqualTo(image);
        assertThat(layout(assignment(bench, "AOT_TRAINING_OPTS='(.*)'"))).as("bench/run.sh's AOT_TRAINING_OPTS").isEqualTo(image);
        assertThat(layout(assignment(bench, "JAVA25_APP_JVM_OPTS=\"(.*)\""))).as("bench/run.sh's JAVA25_APP_JVM_OPTS").isEqualTo(image);
    }

    @Test
    void aDifferenceInObjectHeadersIsNoticed() {
        assertThat(layout("-XX:+UseSerialGC -XX:-TieredCompilation -Xms128m"))
                .isNotEqualTo(layout("-XX:+UseSerialGC -XX:+UseCompactObjectHeaders -Xms128m"));
    }

    private static TreeSet<String> layout(String options) {
        TreeSet<String> found = new TreeSet<>();
        Matcher m = LAYOUT.matcher(options);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    private static String assignment(String script, String regex) {
        List<String> values = script.lines().map(Pattern.compile("^" + regex + "$")::matcher).filter(Matcher::matches)
                .map(m -> m.group(1)).toList();
        assertThat(values).as(regex).hasSize(1);
        return values.get(0);
    }
}
