package com.example.profiles.devtools.servers;

import java.io.IOException;

/**
 * Stops a child process even if this JVM is killed outright: a tiny shell waits for end-of-file
 * on its stdin, a pipe whose other end only this JVM holds, then sends the child SIGTERM. The OS
 * closes that pipe however the JVM ends, even on SIGKILL when no shutdown hook runs, so a killed
 * test run leaves no child behind. {@code read} is a shell builtin, so killing the shell (which the
 * owner does first when it stops the child itself, so the shell can never signal a PID the OS has
 * meanwhile given to another process) leaves no other process behind.
 */
final class Watchdog {

    private Watchdog() {
    }

    /** The watchdog shell of {@code pid}, or null if none could be started (the shutdown hooks still cover ordinary exits). */
    static Process of(long pid) {
        try {
            return new ProcessBuilder("sh", "-c", "read ignored; kill " + pid + " 2>/dev/null")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            return null;
        }
    }
}
