package com.example.profiles.devtools;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's root folder (the one holding {@code functions/}, {@code infra/} and {@code .mvn/}),
 * whichever module or script runs: Maven runs a module's tests in the module's folder, the scripts
 * run from the root. The build passes it as the system property {@code project.root}; otherwise it
 * is the nearest folder above the working directory that holds {@code functions/} and {@code .mvn/}.
 */
public final class ProjectRoot {

    private static final Path ROOT = find();

    private ProjectRoot() {
    }

    public static Path path() {
        return ROOT;
    }

    /** A path below the root, e.g. {@code resolve("infra/terraform")}. */
    public static Path resolve(String relative) {
        return ROOT.resolve(relative);
    }

    private static Path find() {
        String property = System.getProperty("project.root");
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("functions")) && Files.isDirectory(dir.resolve(".mvn"))) {
                return dir;
            }
        }
        throw new IllegalStateException("No project root (a folder with functions/ and .mvn/) at or above " + start
                + "; run from inside the project or set -Dproject.root");
    }
}
