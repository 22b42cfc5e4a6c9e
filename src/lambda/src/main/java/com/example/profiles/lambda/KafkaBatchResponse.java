package com.example.profiles.lambda;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The partial batch response of a Kafka event source mapping with {@code ReportBatchItemFailures}
 * turned on: the records to retry. An empty list means the whole batch succeeded.
 *
 * <p>The item identifier of a Kafka record is an object, {@code {"partition": "<topic>-<partition>",
 * "offset": <offset>}}, not the string a Kinesis, DynamoDB or SQS response uses. See
 * src/lambda/README.md ("Kafka error handling") for where that shape comes from.
 */
@RegisterForReflection
public record KafkaBatchResponse(List<ItemFailure> batchItemFailures) {

    public static final KafkaBatchResponse SUCCESS = new KafkaBatchResponse(List.of());

    @RegisterForReflection
    public record ItemFailure(ItemIdentifier itemIdentifier) {
    }

    /**
     * @param partition {@code <topic>-<partition>}
     */
    @RegisterForReflection
    public record ItemIdentifier(String partition, long offset) {
    }
}
