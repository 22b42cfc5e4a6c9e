package com.example.profiles.observability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's Chromium, headless, as a child process: the page as a browser renders it ({@code --dump-dom})
 * and a screenshot. Each run gets a fresh profile directory, removed afterwards.
 */
final class HeadlessChromium {

    static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final long TIMEOUT_SECONDS = 60;

    private HeadlessChromium() {
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** The DOM after the page loaded, serialized. */
    static String dumpDom(String url) throws IOException, InterruptedException {
        return new String(run(List.of("--dump-dom", url)), StandardCharsets.UTF_8);
    }

    /** A PNG of the page, {@code width} x {@code height} CSS pixels. */
    static void screenshot(String url, Path png, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.deleteIfExists(png);
        run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height, "--hide-scrollbars", url));
        if (!Files.isRegularFile(png) || Files.size(png) == 0) {
            throw new IllegalStateException("chromium wrote no screenshot to " + png);
        }
    }

    private static byte[] run(List<String> what) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        Path errors = Files.createTempFile("chromium", ".log");
        try {
            List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--user-data-dir=" + profile));
            command.addAll(what);
            Process chromium = new ProcessBuilder(command).redirectError(errors.toFile()).start();
            chromium.getOutputStream().close();
            byte[] out = chromium.getInputStream().readAllBytes();
            if (!chromium.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                chromium.destroyForcibly();
                throw new IllegalStateException("chromium did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (chromium.exitValue() != 0) {
                throw new IllegalStateException("chromium exited with " + chromium.exitValue() + ": " + Files.readString(errors));
            }
            return out;
        } finally {
            Files.deleteIfExists(errors);
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static final Pattern ATTRIBUTE = Pattern.compile("([a-zA-Z_:][-a-zA-Z0-9_:.]*)=\"([^\"]*)\"");

    /**
     * The attributes of every {@code <tag ...>} in {@code dom} that has {@code attribute}, entities
     * decoded. Chromium serializes attributes double-quoted, with {@code "} and {@code &} as entities.
     */
    static List<Map<String, String>> elements(String dom, String tag, String attribute) {
        List<Map<String, String>> found = new ArrayList<>();
        Matcher element = Pattern.compile("<" + tag + "\\b([^>]*)>").matcher(dom);
        while (element.find()) {
            Map<String, String> attributes = new java.util.LinkedHashMap<>();
            Matcher a = ATTRIBUTE.matcher(element.group(1));
            while (a.find()) {
                attributes.put(a.group(1), a.group(2).replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"));
            }
            if (attributes.containsKey(attribute)) {
                found.add(attributes);
            }
        }
        return found;
    }
}
