package com.example.profiles.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DeadlineTest {

    @Test
    void aDeadlineInTheFutureHasNotPassedAndTheEarlierOfTwoWins() {
        Deadline soon = Deadline.in(Duration.ofSeconds(10));
        Deadline later = Deadline.in(Duration.ofHours(1));
        assertThat(soon.hasPassed()).isFalse();
        assertThat(soon.remaining()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(later.earlier(soon)).isSameAs(soon);
        assertThat(soon.earlier(later)).isSameAs(soon);
        assertThat(soon.earlier(null)).isSameAs(soon);
    }

    @Test
    void aPassedOrNegativeDeadlineHasNothingLeftAndAnAbsurdOneDoesNotOverflow() {
        assertThat(Deadline.in(Duration.ofMillis(-5)).hasPassed()).isTrue();
        assertThat(Deadline.in(Duration.ZERO).remaining()).isEqualTo(Duration.ZERO);
        Deadline forever = Deadline.in(Duration.ofSeconds(Long.MAX_VALUE));
        assertThat(forever.hasPassed()).isFalse();
        assertThat(forever.remaining()).isPositive();
    }
}
