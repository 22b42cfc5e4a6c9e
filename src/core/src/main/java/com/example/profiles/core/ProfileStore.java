package com.example.profiles.core;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Runs profile scripts in Redis by SHA. Redis forgets scripts when it restarts (or on SCRIPT
 * FLUSH, or on a cluster node that never saw them); then the call answers NOSCRIPT and we send
 * the script once with EVAL, which runs it and caches it on the node that owns the keys (SCRIPT
 * LOAD has no key, so on a cluster it could land on another node). Every other failure means the
 * script did not run, so it is reported as retryable. Commands go over the shared pipelined
 * connection ({@link PipelinedRedis}).
 */
@ApplicationScoped
public class ProfileStore {

    private final PipelinedRedis redis;

    public ProfileStore(PipelinedRedis redis) {
        this.redis = redis;
    }

    public Uni<Response> run(ProfileScript script, List<String> keys, List<String> args) {
        return run(script, keys, args, null);
    }

    /**
     * @param deadline when the caller stops waiting (the EVAL after a NOSCRIPT counts against the
     *        same one); null for {@code profiles.store.timeout} from now
     */
    public Uni<Response> run(ProfileScript script, List<String> keys, List<String> args, Deadline deadline) {
        return Uni.createFrom().deferred(() -> {
            Deadline due = deadline != null ? deadline : defaultDeadline();
            return redis.send(request(Command.EVALSHA, script.sha(), keys, args), due)
                    .onFailure(ProfileStore::isNoScript)
                    .recoverWithUni(() -> redis.send(request(Command.EVAL, script.source(), keys, args), due))
                    .onFailure(failure -> !(failure instanceof ProfileStoreUnavailableException))
                    .transform(e -> new ProfileStoreUnavailableException("Redis did not run script " + script.name() + ": " + e.getMessage(), e));
        });
    }

    /** {@code profiles.store.timeout} from now. */
    public Deadline defaultDeadline() {
        return redis.defaultDeadline();
    }

    private static Request request(Command command, String script, List<String> keys, List<String> args) {
        Request request = Request.cmd(command).arg(script).arg(keys.size());
        for (String key : keys) {
            request.arg(key);
        }
        for (String arg : args) {
            request.arg(arg);
        }
        return request;
    }

    private static boolean isNoScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }
}
