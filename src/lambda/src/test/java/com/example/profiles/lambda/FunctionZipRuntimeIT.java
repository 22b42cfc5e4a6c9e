package com.example.profiles.lambda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What the packaged {@code target/function.zip} carries: it must fit Lambda's 50 MB limit for a
 * direct upload, and the native libraries of Kafka's zstd codec are only Lambda's two platforms
 * (application.properties removes the others by name; a zstd-jni upgrade renames them, which this
 * catches). Runs after packaging, with the runtime test (failsafe includes {@code *RuntimeIT}).
 */
@Tag("process") // runs in failsafe, after package (see the parent pom)
class FunctionZipRuntimeIT {

    /** Lambda's limit for a deployment package uploaded directly (zipped). */
    private static final long DIRECT_UPLOAD_LIMIT = 50L * 1000 * 1000;

    private final Path zip = LambdaRuntimeIT.MODULE.resolve("target/function.zip");

    @Test
    void fitsLambdasDirectUploadLimit() throws IOException {
        long size = Files.size(zip);
        assertTrue(size < DIRECT_UPLOAD_LIMIT, "function.zip is " + size + " bytes, Lambda takes at most " + DIRECT_UPLOAD_LIMIT + " uploaded directly");
    }

    @Test
    void zstdCarriesOnlyLambdasPlatforms() throws IOException {
        List<String> libraries = new ArrayList<>();
        try (ZipFile function = new ZipFile(zip.toFile())) {
            for (ZipEntry jar : function.stream().filter(e -> e.getName().contains("zstd-jni")).toList()) {
                try (InputStream in = function.getInputStream(jar); ZipInputStream entries = new ZipInputStream(in)) {
                    for (ZipEntry e; (e = entries.getNextEntry()) != null;) {
                        if (e.getName().contains("libzstd-jni")) {
                            libraries.add(e.getName());
                        }
                    }
                }
            }
        }
        assertFalse(libraries.isEmpty(), "no zstd native library in function.zip: the codec could not load");
        assertTrue(libraries.stream().allMatch(l -> l.startsWith("linux/amd64/") || l.startsWith("linux/aarch64/")),
                "zstd libraries beyond Lambda's platforms (update quarkus.class-loading.removed-resources): " + libraries);
    }
}
