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
     * invocation into the function's timeout. The invocation's deadline bounds it too.
     */
    @WithDefault("PT10S")
    Duration deadLetterTimeout();

    /**
     * Time kept back from the invocation's remaining time to answer: writing the metrics line and
     * the response. Work still running when only this much is left is cut off and reported as
     * failed records (the event source mapping retries them).
     */
    @WithDefault("PT2S")
    Duration deadlineMargin();

    /**
     * The function's timeout, where the invocation's own remaining time is not available (the
     * native executable's poll loop does not hand the functions their Context): the budget is then
     * measured from the function's start. The Terraform module sets it (PROFILES_LAMBDA_TIMEOUT).
     */
    @WithDefault("PT30S")
    Duration timeout();

    /**
     * Time kept back from a sweep's budget besides the deadline margin: a Redis call under way when
     * the budget runs out may take up to its own timeout, then the sweep releases its lease.
     */
    @WithDefault("PT15S")
    Duration sweepReserve();

    /**
     * Of a rebuild invocation's remaining time, what the rebuild leaves unused: it stops between
     * batches with this much left, commits where it is and answers (the next invocation goes on).
     */
    @WithDefault("PT20S")
    Duration rebuildReserve();
}
