package com.example.profiles.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.example.profiles.store.ProfileStoreTimeoutException;
import com.example.profiles.store.ProfileStoreUnavailableException;

import io.smallrye.mutiny.CompositeException;

/** Which reason a retried attempt is counted under, from the failure as the store reports it. */
class RetryReasonTest {

    @Test
    void aRefusedConnectionIsTheStoreUnavailable() {
        assertThat(RetryReason.ofStoreFailure(new ProfileStoreUnavailableException("Redis did not run script purchase: Connection refused",
                new ConnectException("Connection refused")))).isEqualTo(RetryReason.STORE_UNAVAILABLE);
    }

    @Test
    void aPassedDeadlineIsATimeoutWhereverItSits() {
        assertThat(RetryReason.ofStoreFailure(new ProfileStoreTimeoutException("EVALSHA", Duration.ofMillis(1500))))
                .isEqualTo(RetryReason.STORE_TIMEOUT);
        assertThat(RetryReason.ofStoreFailure(new ProfileStoreUnavailableException("Redis did not update the freshness index",
                new CompositeException(new ConnectException("refused"), new ProfileStoreTimeoutException("ZADD", Duration.ofSeconds(5))))))
                .isEqualTo(RetryReason.STORE_TIMEOUT);
    }

    @Test
    void redirectsOfAMovingSlotAreResharding() {
        for (String reply : new String[] { "MOVED 3999 127.0.0.1:6381", "ASK 3999 127.0.0.1:6381",
                "TRYAGAIN Multiple keys request during rehashing of slot", "CLUSTERDOWN The cluster is down" }) {
            assertThat(RetryReason.ofStoreFailure(new ProfileStoreUnavailableException("Redis did not run script cart: " + reply,
                    new IllegalStateException(reply)))).as(reply).isEqualTo(RetryReason.CLUSTER_RESHARDING);
        }
    }
}
