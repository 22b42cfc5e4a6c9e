package com.example.profiles.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import io.quarkus.funqy.lambda.FunqyStreamHandler;

/**
 * The handler of the JVM packaging (managed runtime java21):
 * {@code com.example.profiles.lambda.ProfileLambdaHandler::handleRequest}. It is Quarkus's Funqy
 * stream handler ({@link FunqyStreamHandler}: starts Quarkus once, then dispatches each invocation
 * to the exported function) plus one thing Funqy does not do: it makes the invocation's
 * {@link Context} available ({@link LambdaInvocation}), so a batch's Redis work is bounded by the
 * time Lambda actually leaves it, not by a guess.
 *
 * <p>Constructing it starts Quarkus ({@code quarkus.snapstart.full-warmup}), during the function's
 * init phase: with SnapStart, that start, and the priming of {@link SnapStartPriming}, are in the
 * snapshot.
 */
public class ProfileLambdaHandler implements RequestStreamHandler {

    private final FunqyStreamHandler funqy = start();

    /**
     * Quarkus's own message for a failed start is only "Quarkus manual initialization failed"; the
     * runtime reports the handler's exception message as the function's init error, so the reason
     * (e.g. a secret that cannot be read) is put first, where Lambda shows it.
     */
    private static FunqyStreamHandler start() {
        try {
            return new FunqyStreamHandler();
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new IllegalStateException("The function could not start: " + root, e);
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaInvocation.begin(context);
        try {
            funqy.handleRequest(input, output, context);
        } finally {
            LambdaInvocation.end();
        }
    }
}
