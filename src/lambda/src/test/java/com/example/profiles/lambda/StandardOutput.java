package com.example.profiles.lambda;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Captures what is printed to System.out while an action runs (and still prints it). */
final class StandardOutput {

    private StandardOutput() {
    }

    static List<String> linesPrintedBy(Runnable action) {
        PrintStream original = System.out;
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                copy.write(b);
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                copy.write(b, off, len);
                original.write(b, off, len);
            }

            @Override
            public void flush() {
                original.flush();
            }
        }, true, StandardCharsets.UTF_8);
        System.setOut(tee);
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return copy.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** The lines that are CloudWatch EMF documents. */
    static List<String> emfDocuments(List<String> lines) {
        return lines.stream().filter(line -> line.startsWith("{\"_aws\":")).toList();
    }
}
