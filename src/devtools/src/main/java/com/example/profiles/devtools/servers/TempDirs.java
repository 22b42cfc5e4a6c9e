package com.example.profiles.devtools.servers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Creating and removing the scratch directories the servers work in. */
final class TempDirs {

    private TempDirs() {
    }

    static Path create(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new IllegalStateException("could not create a temp dir", e);
        }
    }

    /** Best effort: a file that cannot be deleted must not turn a passing run into a failure. */
    static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // left behind in the temp dir; the OS cleans it eventually
                }
            });
        } catch (IOException ignored) {
            // same as above
        }
    }
}
