package com.example.profiles.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script from {@code src/main/resources/scripts}. Update scripts are prefixed with
 * {@code update-prelude.lua}, the shared idempotency and freshness bookkeeping, so each function's
 * script holds only its own state change and everything commits in one atomic step.
 * The SHA-1 is computed here, so the script is called by SHA without asking Redis first.
 */
public final class ProfileScript {

    private final String name;
    private final List<String> parts;
    private final String source;
    private final String sha;

    private ProfileScript(String name, List<String> parts, String source) {
        this.name = name;
        this.parts = List.copyOf(parts);
        this.source = source;
        this.sha = sha1(source);
    }

    /**
     * An event update script: the prelude, then shared Lua libraries (e.g. {@code cart-lib}), then
     * {@code scripts/<name>.lua}.
     */
    public static ProfileScript update(String name, String... libraries) {
        return composed("update-prelude", name, libraries);
    }

    /** A sweeper check-and-act script: {@code sweep-prelude.lua}, libraries, then the script. */
    public static ProfileScript sweep(String name, String... libraries) {
        return composed("sweep-prelude", name, libraries);
    }

    private static ProfileScript composed(String prelude, String name, String... libraries) {
        List<String> parts = new ArrayList<>(List.of(prelude));
        StringBuilder source = new StringBuilder(read(prelude)).append('\n');
        for (String library : libraries) {
            parts.add(library);
            source.append(read(library)).append('\n');
        }
        parts.add(name);
        return new ProfileScript(name, parts, source.append(read(name)).toString());
    }

    /** A script used as it is (reads, maintenance). */
    public static ProfileScript plain(String name) {
        return new ProfileScript(name, List.of(name), read(name));
    }

    public String name() {
        return name;
    }

    /**
     * The files the source joins, in order, each followed by a line break but the last (e.g.
     * {@code update-prelude, cart-lib, cart}): for tools that compose another version's files the same way.
     */
    public List<String> parts() {
        return parts;
    }

    public String source() {
        return source;
    }

    public String sha() {
        return sha;
    }

    private static String read(String name) {
        String path = "scripts/" + name + ".lua";
        try (InputStream in = ProfileScript.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JRE", e);
        }
    }
}
