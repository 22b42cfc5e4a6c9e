package com.example.profiles.lambda;

import java.util.OptionalLong;

import com.amazonaws.services.lambda.runtime.Context;

/**
 * The Lambda {@link Context} of the invocation running on this thread, for the functions that need
 * the invocation's remaining time. Funqy's Lambda binding does not hand the Context to a function,
 * so {@link ProfileLambdaHandler} records it here around each call; the Funqy function runs on the
 * same thread, synchronously, before the handler returns.
 *
 * <p>Absent where no such handler runs (Quarkus's own poll loop in a native executable, the mock
 * event server in tests): {@link InvocationDeadlines} then falls back to the configured timeout.
 */
public final class LambdaInvocation {

    private static final ThreadLocal<Context> CURRENT = new ThreadLocal<>();

    private LambdaInvocation() {
    }

    static void begin(Context context) {
        CURRENT.set(context);
    }

    static void end() {
        CURRENT.remove();
    }

    /** Milliseconds left before Lambda stops this invocation, as the Runtime API's deadline says. */
    public static OptionalLong remainingMillis() {
        Context context = CURRENT.get();
        return context == null ? OptionalLong.empty() : OptionalLong.of(context.getRemainingTimeInMillis());
    }

    /** The request id of the invocation on this thread, or null. */
    public static String requestId() {
        Context context = CURRENT.get();
        return context == null ? null : context.getAwsRequestId();
    }
}
