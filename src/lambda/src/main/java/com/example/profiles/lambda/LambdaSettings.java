package com.example.profiles.lambda;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the AWS Lambda binding only. */
@ConfigMapping(prefix = "profiles.lambda")
public interface LambdaSettings {

    /**
     * Whether the event source mapping takes partial batch responses ({@code FunctionResponseTypes}
     * includes {@code ReportBatchItemFailures}; for Kafka sources that needs provisioned mode). If
     * it does not, it would read any answer as success and drop the failed records, so set this to
     * false: a retryable failure then fails the invocation and the whole batch is retried.
     */
    @WithDefault("true")
    boolean reportBatchItemFailures();

    /**
     * How long a dead-letter copy may wait for the broker's acknowledgement before the record counts
     * as failed (and is retried) rather than letting the producer's own timeouts (minutes) run the
     * invocation into the function's timeout. Keep it well below that timeout.
     */
    @WithDefault("PT10S")
    Duration deadLetterTimeout();
}
