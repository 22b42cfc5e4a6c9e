package com.example.profiles.lambda;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

/**
 * Makes each invocation's {@link InvocationDeadline}: the remaining time the Lambda Runtime API
 * gives ({@code Context.getRemainingTimeInMillis()}, via {@link ProfileLambdaHandler}) less
 * {@code profiles.lambda.deadline-margin}. Where no Context is handed over (Quarkus's poll loop in
 * the native executable, the mock event server in tests), {@code profiles.lambda.timeout} (the
 * function's timeout, set by the Terraform module) measured from the function's start stands in.
 * Call it first thing in the function, on the invoking thread.
 */
@ApplicationScoped
public class InvocationDeadlines {

    private static final Logger LOG = Logger.getLogger(InvocationDeadlines.class);

    private final Duration margin;
    private final Duration fallbackTimeout;
    private final AtomicBoolean fallbackLogged = new AtomicBoolean();

    public InvocationDeadlines(LambdaSettings settings) {
        this.margin = settings.deadlineMargin();
        this.fallbackTimeout = settings.timeout();
    }

    public InvocationDeadline now() {
        OptionalLong remaining = LambdaInvocation.remainingMillis();
        if (remaining.isPresent()) {
            return InvocationDeadline.in(Duration.ofMillis(remaining.getAsLong()).minus(margin),
                    remaining.getAsLong() + " ms left per the Runtime API, less " + margin.toMillis() + " ms to answer");
        }
        if (fallbackLogged.compareAndSet(false, true)) {
            LOG.infof("No Lambda Context reaches the functions here: each invocation's work is bounded by profiles.lambda.timeout (%s) less %s",
                    fallbackTimeout, margin);
        }
        return InvocationDeadline.in(fallbackTimeout.minus(margin), "profiles.lambda.timeout " + fallbackTimeout + ", less " + margin.toMillis() + " ms to answer");
    }
}
