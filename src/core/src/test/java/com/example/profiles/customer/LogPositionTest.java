package com.example.profiles.customer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The stored log position must order correctly as a plain string (the customer script compares
 * positions with Lua's string comparison), so its format is the contract: two 20-digit,
 * zero-padded numbers. Written by hand for speed; checked here against String.format.
 */
class LogPositionTest {

    @Test
    void matchesTheZeroPaddedFormatForEveryMagnitude() {
        long[] values = { 0, 1, 9, 10, 749, 26_383_824L, 1L << 32, 99_999_999_999L, Long.MAX_VALUE };
        for (long lsn : values) {
            for (long txId : values) {
                assertThat(CustomerChangeFunction.position(source(lsn, txId)))
                        .isEqualTo(String.format("%020d:%020d", lsn, txId));
            }
        }
    }

    @Test
    void aMissingTransactionIdCountsAsZero() {
        assertThat(CustomerChangeFunction.position(source(26_383_824L, null))).isEqualTo(String.format("%020d:%020d", 26_383_824L, 0));
    }

    @Test
    void ordersLikeTheNumbersItHolds() {
        assertThat(CustomerChangeFunction.position(source(99, 5L))).isLessThan(CustomerChangeFunction.position(source(100, 1L)));
        assertThat(CustomerChangeFunction.position(source(100, 9L))).isLessThan(CustomerChangeFunction.position(source(100, 10L)));
    }

    private static DebeziumChange.Source source(long lsn, Long txId) {
        return new DebeziumChange.Source("postgresql", "shop", "shop", "public", "customers", lsn, txId, 1_795_658_034_904L, null);
    }
}
