package com.example.profiles.lambda;

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
}
