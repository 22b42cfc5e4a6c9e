package com.example.profiles.knative;

import java.time.Duration;

import org.jboss.logging.Logger;

import com.example.profiles.core.LogThrottle;

/**
 * One WARN line per unknown event type and minute at most: a misrouted Trigger should be seen in
 * the log without every one of its events writing a line. Producers choose the types, so the
 * types remembered are bounded too; past the bound, the rest of the minute's unknown types share
 * one line. A type is logged cut short and with control characters escaped: it is producer text.
 */
final class UnknownTypeWarnings {

    private static final Logger LOG = Logger.getLogger(CloudEventScreen.class);
    static final int MAX_TYPES = 1_000;
    private static final int MAX_LOGGED_LENGTH = 120;

    private final LogThrottle throttle = new LogThrottle(Duration.ofMinutes(1), MAX_TYPES, () -> LOG.warnf(
            "Refused CloudEvents of more than %d unknown types this minute (no function takes them); not naming each", MAX_TYPES));

    void warn(String type) {
        String shown = printable(type);
        if (throttle.due(shown) != LogThrottle.HELD_BACK) {
            LOG.warnf("Refused CloudEvents of type '%s': no function here takes that type (logged once a minute per type)", shown);
        }
    }

    static String printable(String text) {
        if (text == null) {
            return "(none)";
        }
        StringBuilder shown = new StringBuilder(Math.min(text.length(), MAX_LOGGED_LENGTH) + 8);
        for (int i = 0; i < text.length() && shown.length() < MAX_LOGGED_LENGTH; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F || Character.isSurrogate(c)) {
                shown.append(String.format("\\u%04X", (int) c));
            } else {
                shown.append(c);
            }
        }
        if (shown.length() >= MAX_LOGGED_LENGTH && text.length() > MAX_LOGGED_LENGTH) {
            shown.append('…');
        }
        return shown.toString();
    }
}
