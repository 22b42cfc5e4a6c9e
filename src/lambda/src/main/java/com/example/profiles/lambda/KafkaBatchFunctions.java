package com.example.profiles.lambda;

import com.example.profiles.cart.CartFunction;
import com.example.profiles.customer.CustomerChangeFunction;
import com.example.profiles.purchase.PurchaseFunction;

import com.amazonaws.services.lambda.runtime.events.KafkaEvent;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

/**
 * The Lambda entry points of the event functions: each takes the batch an Amazon MSK or
 * self-managed Kafka event source mapping delivers and answers a partial batch response. One
 * artifact holds them all; {@code quarkus.funqy.export} (env {@code QUARKUS_FUNQY_EXPORT}) picks the
 * one a deployment runs. A new event function needs one method here. Each takes its invocation's
 * deadline first thing, on the invoking thread (see {@link InvocationDeadlines}).
 */
public class KafkaBatchFunctions {

    private final KafkaBatchHandler batches;
    private final InvocationDeadlines deadlines;
    private final PurchaseFunction purchases;
    private final CartFunction carts;
    private final CustomerChangeFunction customers;

    public KafkaBatchFunctions(KafkaBatchHandler batches, InvocationDeadlines deadlines, PurchaseFunction purchases, CartFunction carts,
            CustomerChangeFunction customers) {
        this.batches = batches;
        this.deadlines = deadlines;
        this.purchases = purchases;
        this.carts = carts;
        this.customers = customers;
    }

    /** Records of commerce.purchase.completed.v1: CloudEvents, binary or structured mode. */
    @Funq(PurchaseFunction.NAME)
    public Uni<KafkaBatchResponse> purchase(KafkaEvent batch) {
        return batches.cloudEvents(purchases, batch, deadlines.now());
    }

    /** Records of commerce.cart.changed.v1: CloudEvents, binary or structured mode. */
    @Funq(CartFunction.NAME)
    public Uni<KafkaBatchResponse> cart(KafkaEvent batch) {
        return batches.cloudEvents(carts, batch, deadlines.now());
    }

    /**
     * Runs the batch through the named function's decoding, validation and normalization without
     * writing anything ({@link KafkaBatchHandler#dryRun}); false when the name is no event function.
     */
    boolean dryRun(String function, KafkaEvent batch) {
        switch (function) {
            case PurchaseFunction.NAME -> batches.dryRun(purchases, (t, p, o, headers, k, value) -> batches.decodeCloudEvent(purchases, headers, value), batch);
            case CartFunction.NAME -> batches.dryRun(carts, (t, p, o, headers, k, value) -> batches.decodeCloudEvent(carts, headers, value), batch);
            case CustomerChangeFunction.NAME -> batches.dryRun(customers, customers::decodeRecord, batch);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Records of the customers table's Debezium topic: plain Debezium JSON, null values for tombstones. */
    @Funq(CustomerChangeFunction.NAME)
    public Uni<KafkaBatchResponse> customer(KafkaEvent batch) {
        return batches.handle(customers, customers::decodeRecord, batch, deadlines.now());
    }
}
