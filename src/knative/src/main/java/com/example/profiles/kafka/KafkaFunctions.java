package com.example.profiles.kafka;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.example.profiles.cart.CartFunction;
import com.example.profiles.customer.CustomerChangeFunction;
import com.example.profiles.purchase.PurchaseFunction;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * The Kafka entry points: one consumer per event function, each reading the topic of its
 * {@code functions/<name>/function.json} (channel {@code <name>}, configured by
 * {@link KafkaChannelConfigSource}). This is how the functions run without a Knative Broker: locally,
 * in the benchmark, on any container platform. On Knative the Broker's Triggers and the KafkaSources
 * deliver over HTTP instead, and the Services switch these consumers off
 * ({@code profiles.kafka.consumers.enabled=false}).
 * <p>
 * Each poll's records are applied as one batch by {@link KafkaIntake}: invalid ones dead-lettered,
 * Redis failures retried in place, the offsets committed only once every record is done.
 */
@ApplicationScoped
public class KafkaFunctions {

    private final KafkaIntake intake;
    private final PurchaseFunction purchases;
    private final CartFunction carts;
    private final CustomerChangeFunction customers;

    public KafkaFunctions(KafkaIntake intake, PurchaseFunction purchases, CartFunction carts, CustomerChangeFunction customers) {
        this.intake = intake;
        this.purchases = purchases;
        this.carts = carts;
        this.customers = customers;
    }

    /** Consumes {@code commerce.purchase.completed.v1}: CloudEvents, binary or structured mode. */
    @Incoming(PurchaseFunction.NAME)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Uni<Void> purchase(KafkaRecordBatch<byte[], byte[]> records) {
        return intake.consume(purchases, records);
    }

    /** Consumes {@code commerce.cart.changed.v1}: CloudEvents, binary or structured mode. */
    @Incoming(CartFunction.NAME)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Uni<Void> cart(KafkaRecordBatch<byte[], byte[]> records) {
        return intake.consume(carts, records);
    }

    /** Consumes the Debezium topic of the customers table: plain Debezium JSON, not CloudEvents. */
    @Incoming(CustomerChangeFunction.NAME)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Uni<Void> customer(KafkaRecordBatch<byte[], byte[]> records) {
        return intake.consume(customers, records, customers::decodeRecord);
    }
}
