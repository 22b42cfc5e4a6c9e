package com.example.profiles.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.example.profiles.core.EventIntake.Decoded;
import com.example.profiles.core.EventMeta;
import com.example.profiles.core.InvalidEventException;
import com.example.profiles.core.ProfileEventFunction;
import com.example.profiles.core.ProfileUpdate;
import com.example.profiles.core.Violation;
import com.example.profiles.intake.CloudEventDecoder;
import com.example.profiles.purchase.PurchaseCompleted;
import com.example.profiles.purchase.PurchaseFunction;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * A test-only event function whose code fails where a record tells it to: the stand-in for a bug
 * or an input nobody foresaw, so the tests of "no record stops a channel" do not depend on any
 * particular defect of the real functions (which get fixed). Otherwise it is the purchase function
 * on a topic of its own: a normal record is decoded, validated and applied to Redis for real.
 * <ul>
 * <li>{@code orderId} {@code throw:<class>}: {@link #toUpdate} throws a new instance of that class;</li>
 * <li>{@code orderId} {@code violations:<count>:<chars>}: an {@link InvalidEventException} with
 * that many violations of that many characters each;</li>
 * <li>a header {@code test-fault-in-decoder}: the record's decoder throws an IllegalStateException.</li>
 * </ul>
 * Part of every test application of this module (test code only), configured by
 * {@link FaultyFunctionConfigSource}.
 */
@ApplicationScoped
public class FaultyFunction implements ProfileEventFunction<PurchaseCompleted> {

    public static final String NAME = "faulty";

    private final KafkaIntake kafka;
    private final CloudEventDecoder decoder;
    private final PurchaseFunction purchases;

    public FaultyFunction(KafkaIntake kafka, CloudEventDecoder decoder, PurchaseFunction purchases) {
        this.kafka = kafka;
        this.decoder = decoder;
        this.purchases = purchases;
    }

    @Incoming(NAME)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Uni<Void> consume(KafkaRecordBatch<byte[], byte[]> records) {
        return kafka.consume(this, records, this::decode);
    }

    private Decoded<PurchaseCompleted> decode(String topic, int partition, long offset, Headers headers, byte[] key, byte[] value) {
        Header fault = headers == null ? null : headers.lastHeader("test-fault-in-decoder");
        if (fault != null) {
            throw new IllegalStateException("decoder fault injected by the test: " + new String(fault.value(), StandardCharsets.UTF_8));
        }
        return decoder.decode(this, headers, value);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<PurchaseCompleted> dataType() {
        return PurchaseCompleted.class;
    }

    @Override
    public ProfileUpdate toUpdate(PurchaseCompleted order, EventMeta meta) {
        String orderId = order.orderId();
        if (orderId.startsWith("throw:")) {
            throw FaultyFunction.<RuntimeException>sneaky(newThrowable(orderId.substring("throw:".length())));
        }
        if (orderId.startsWith("violations:")) {
            String[] parts = orderId.split(":");
            int count = Integer.parseInt(parts[1]);
            String message = "x".repeat(Integer.parseInt(parts[2]));
            List<Violation> violations = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                violations.add(new Violation("items[" + i + "].unitPrice", message));
            }
            throw new InvalidEventException(violations);
        }
        return purchases.toUpdate(order, meta);
    }

    private static Throwable newThrowable(String className) {
        try {
            return (Throwable) Class.forName(className).getConstructor(String.class).newInstance("fault injected by the test");
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot make a " + className, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
