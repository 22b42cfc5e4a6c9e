package com.example.profiles.core;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Runs profile scripts in Redis by SHA. Redis forgets scripts when it restarts (or on SCRIPT
 * FLUSH, or on a cluster node that never saw them); then the call answers NOSCRIPT and we send
 * the script once with EVAL, which runs it and caches it on the node that owns the keys (SCRIPT
 * LOAD has no key, so on a cluster it could land on another node). Every other failure means the
 * script did not run, so it is reported as retryable.
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
                .recoverWithUni(() -> {
                    String[] withSource = evalArgs.clone();
                    withSource[0] = script.source();
                    return redis.execute("EVAL", withSource);
                })
                .onFailure().transform(e -> new ProfileStoreUnavailableException(
                        "Redis did not run script " + script.name() + ": " + e.getMessage(), e));
    }

    private static boolean isNoScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }
}
