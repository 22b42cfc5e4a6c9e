package com.example.profiles.knative;

import com.example.profiles.core.ApplyResult;
import com.example.profiles.core.EventIntake;
import com.example.profiles.core.EventIntake.Decoded;
import com.example.profiles.core.EventMeta;
import com.example.profiles.purchase.PurchaseCompleted;
import com.example.profiles.purchase.PurchaseFunction;

import io.quarkus.funqy.Context;
import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEvent;
import io.smallrye.mutiny.Uni;

/**
 * The Knative entry points: one Funqy function per event type, each reached by a Knative Trigger
 * filtering on that type (the mapping comes from functions/&lt;name&gt;/function.json). Both CloudEvent
 * content modes work: binary (ce-* headers) and structured (application/cloudevents+json).
 * Errors are answered by {@link HttpErrors}: 400 for invalid events, 503 when Redis is unavailable.
 */
public class KnativeFunctions {

    static final String TRIGGER = "http";

    private final EventIntake intake;
    private final PurchaseFunction purchases;

    public KnativeFunctions(EventIntake intake, PurchaseFunction purchases) {
        this.intake = intake;
        this.purchases = purchases;
    }

    /**
     * Takes a {@code com.example.commerce.purchase.completed.v1} event and returns what applying it
     * did (profile version, duplicate flag), as a {@code ...purchase.completed.v1.applied} event.
     */
    @Funq(PurchaseFunction.NAME)
    public Uni<ApplyResult> purchase(PurchaseCompleted order, @Context CloudEvent<PurchaseCompleted> event) {
        return intake.apply(purchases, () -> new Decoded<>(order, meta(event)), TRIGGER);
    }

    static EventMeta meta(CloudEvent<?> event) {
        return new EventMeta(event.id(), event.source(), event.type(), event.time() == null ? null : event.time().toInstant());
    }
}
