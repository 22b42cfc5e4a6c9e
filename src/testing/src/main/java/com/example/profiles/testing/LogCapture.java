package com.example.profiles.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import org.jboss.logmanager.ExtLogRecord;

/**
 * Captures what the application under test logs, from the moment it is opened until it is closed,
 * for tests that check what is (or is not) logged. A {@code @QuarkusTest} application runs in the
 * test's JVM and logs through the JBoss LogManager, so a handler on the root logger sees every line
 * that reaches the console.
 *
 * <pre>{@code
 * try (LogCapture log = LogCapture.open()) {
 *     ...
 *     assertThat(log.lines(Level.SEVERE)).isEmpty();
 * }
 * }</pre>
 */
public final class LogCapture implements AutoCloseable {

    /** One captured line: its level, logger and message, and the class of the exception it carries (or null). */
    public record Line(Level level, String logger, String message, String thrown) {
        @Override
        public String toString() {
            return level + " [" + logger + "] " + message + (thrown == null ? "" : " <" + thrown + ">");
        }
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
            lines.add(new Line(record.getLevel(), record.getLoggerName(), message,
                    record.getThrown() == null ? null : record.getThrown().getClass().getName()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture() {
        handler.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(handler);
    }

    public static LogCapture open() {
        return new LogCapture();
    }

    /** The lines at {@code atLeast} or above (WARNING is WARN, SEVERE is ERROR). */
    public List<Line> lines(Level atLeast) {
        return lines.stream().filter(l -> l.level().intValue() >= atLeast.intValue()).collect(Collectors.toList());
    }

    /** Every captured line whose message contains {@code text}. */
    public List<Line> containing(String text) {
        return lines.stream().filter(l -> l.message() != null && l.message().contains(text)).collect(Collectors.toList());
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(handler);
    }
}
