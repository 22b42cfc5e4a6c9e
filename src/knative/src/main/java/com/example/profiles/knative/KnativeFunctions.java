package com.example.profiles.knative;

import com.example.profiles.core.ApplyResult;
import com.example.profiles.core.EventIntake;
import com.example.profiles.core.EventIntake.Decoded;
import com.example.profiles.core.EventMeta;
import com.example.profiles.core.EventValidation;
import com.example.profiles.cart.CartChanged;
import com.example.profiles.cart.CartFunction;
import com.example.profiles.customer.CustomerChangeFunction;
import com.example.profiles.profile.ProfileReader;
import com.example.profiles.profile.ProfileRequest;
import com.example.profiles.profile.ProfileView;
import com.example.profiles.purchase.PurchaseCompleted;
import com.example.profiles.purchase.PurchaseFunction;
import com.example.profiles.sweeper.SweepReport;
import com.example.profiles.sweeper.SweeperFunction;

import com.fasterxml.jackson.databind.JsonNode;

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
    private final CartFunction carts;
    private final CustomerChangeFunction customers;
    private final ProfileReader reader;
    private final EventValidation validation;
    private final SweeperFunction sweeper;

    public KnativeFunctions(EventIntake intake, PurchaseFunction purchases, CartFunction carts, CustomerChangeFunction customers,
            ProfileReader reader, EventValidation validation, SweeperFunction sweeper) {
        this.sweeper = sweeper;
        this.intake = intake;
        this.purchases = purchases;
        this.carts = carts;
        this.customers = customers;
        this.reader = reader;
        this.validation = validation;
    }

    /**
     * Takes a {@code com.example.commerce.purchase.completed.v1} event and returns what applying it
     * did (profile version, duplicate flag), as a {@code ...purchase.completed.v1.applied} event.
     */
    @Funq(PurchaseFunction.NAME)
    public Uni<ApplyResult> purchase(PurchaseCompleted order, @Context CloudEvent<PurchaseCompleted> event) {
        return intake.apply(purchases, () -> new Decoded<>(order, meta(event)), TRIGGER);
    }

    /**
     * Takes a {@code com.example.commerce.cart.changed.v1} event (item added, item removed, quantity
     * set, cart cleared) and returns what applying it did.
     */
    @Funq(CartFunction.NAME)
    public Uni<ApplyResult> cart(CartChanged change, @Context CloudEvent<CartChanged> event) {
        return intake.apply(carts, () -> new Decoded<>(change, meta(event)), TRIGGER);
    }

    /**
     * Takes a {@code com.example.customers.changed.v1} event whose data is a Debezium change event
     * of the customers table (plain or schema-wrapped; no data for a tombstone) and returns what
     * applying it did: APPLIED, STALE (an older change), ERASED (a delete) or IGNORED (a tombstone).
     */
    @Funq(CustomerChangeFunction.NAME)
    public Uni<ApplyResult> customer(JsonNode change, @Context CloudEvent<JsonNode> event) {
        return intake.apply(customers, () -> customers.fromJson(change, meta(event)), TRIGGER);
    }

    /**
     * Takes a {@code com.example.profiles.profile.requested.v1} event ({@code {"userId": ...}}) and
     * returns the profile with per-source freshness, or answers 404 when there is none.
     */
    @Funq(ProfileReader.FUNCTION)
    public Uni<ProfileView> profile(ProfileRequest request) {
        validation.check(request);
        return reader.require(request.userId());
    }

    /**
     * Takes a schedule tick ({@code dev.knative.sources.ping} from a PingSource) and runs one sweep
     * of stale profile data; returns what the sweep did. A tick that finds another sweep running
     * answers {@code "ran": false}.
     */
    @Funq(SweeperFunction.NAME)
    public SweepReport sweeper(JsonNode tick) {
        return sweeper.tick();
    }

    /**
     * The attributes as Funqy read them. {@link CloudEventScreen} has checked them (the rules of
     * {@link com.example.profiles.intake.CloudEventEnvelope}) before Funqy ran, so this only maps;
     * {@link EventIntake} applies the rest, as on every channel.
     */
    static EventMeta meta(CloudEvent<?> event) {
        java.time.OffsetDateTime time = event.time();
        return new EventMeta(event.id(), event.source(), event.type(), time == null ? null : time.toInstant());
    }
}
