package com.example.profiles.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.example.profiles.generation.Generations;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.RealInfrastructure;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;

/**
 * A stopped Redis (connection refused) reaches every caller as {@link ProfileStoreUnavailableException},
 * whichever path sent the command: callers retry that and dead-letter anything else, so a raw
 * connection error from one path (the generation pointer's read) once sent valid records to the dead
 * letter topic during an outage.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class StoppedRedisIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Inject
    PipelinedRedis redis;

    @Inject
    Generations generations;

    @Test
    void everyPathSaysUnavailableAndAnErrorReplyStaysRedissOwn() {
        // An error reply is Redis answering: it is the caller's to judge, not an outage.
        Throwable reply = catchThrowable(() -> redis.send(Request.cmd(Command.EVAL).arg("return redis.error_reply('ERR refused by the script')").arg(0)).await().atMost(WAIT));
        assertThat(reply).isNotInstanceOf(ProfileStoreUnavailableException.class).hasMessageContaining("refused by the script");

        infrastructure.redis().stop();
        try {
            assertThat(catchThrowable(() -> redis.send(Request.cmd(Command.PING)).await().atMost(WAIT)))
                    .isInstanceOf(ProfileStoreUnavailableException.class).hasMessageContaining("did not answer ping");
            assertThat(catchThrowable(() -> generations.refresh().await().atMost(WAIT)))
                    .isInstanceOf(ProfileStoreUnavailableException.class);
        } finally {
            infrastructure.redis().restart();
        }
        assertThat(redis.send(Request.cmd(Command.PING)).await().atMost(WAIT).toString()).isEqualTo("PONG");
    }
}
