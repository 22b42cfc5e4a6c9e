package com.example.profiles.intake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A dead-letter reason is one line of bounded length, whatever the message it comes from. */
class DeadLetterReasonTest {

    @Test
    void aReasonIsOneLineCutToItsBound() {
        assertThat(DeadLetterPublisher.oneLine("total: must be\r\nat most 15 digits\u0000", 500)).isEqualTo("total: must be  at most 15 digits ");
        String cut = DeadLetterPublisher.oneLine("x".repeat(1_000_000), 500);
        assertThat(cut).hasSize(501).endsWith("…");
        assertThat(DeadLetterPublisher.oneLine(null, 500)).isEmpty();
    }

    @Test
    void aCutNeverLeavesHalfASurrogatePair() {
        String emoji = "\uD83D\uDE00"; // one character, two chars
        String cut = DeadLetterPublisher.oneLine("a".repeat(9) + emoji + "b", 10);
        assertThat(cut).isEqualTo("a".repeat(9) + "…");
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 2))).isFalse();
    }
}
