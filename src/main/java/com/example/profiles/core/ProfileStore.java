package com.example.profiles.core;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Runs profile scripts in Redis by SHA. Redis forgets scripts when it restarts (or on SCRIPT
 * FLUSH); then the first call answers NOSCRIPT and we load the script once and call it again.
 * Every other failure means the script did not run, so it is reported as retryable.
 */
@ApplicationScoped
public class ProfileStore {

    private final ReactiveRedisDataSource redis;

    public ProfileStore(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    public Uni<Response> run(ProfileScript script, List<String> keys, List<String> args) {
        String[] evalArgs = new String[2 + keys.size() + args.size()];
        evalArgs[0] = script.sha();
        evalArgs[1] = Integer.toString(keys.size());
        int i = 2;
        for (String key : keys) {
            evalArgs[i++] = key;
        }
        for (String arg : args) {
            evalArgs[i++] = arg;
        }
        return redis.execute("EVALSHA", evalArgs)
                .onFailure(ProfileStore::isNoScript)
                .recoverWithUni(() -> redis.execute("SCRIPT", "LOAD", script.source())
                        .chain(() -> redis.execute("EVALSHA", evalArgs)))
                .onFailure().transform(e -> new ProfileStoreUnavailableException(
                        "Redis did not run script " + script.name() + ": " + e.getMessage(), e));
    }

    private static boolean isNoScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }

    /** Convenience for scripts whose arguments are built incrementally. */
    public static List<String> args(Object... values) {
        List<String> list = new ArrayList<>(values.length);
        for (Object value : values) {
            list.add(String.valueOf(value));
        }
        return list;
    }
}
