package com.example.profiles.store;

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
 * LOAD has no key, so on a cluster it could land on another node). Commands go over the shared
 * pipelined connection ({@link PipelinedRedis}).
 * <p>
 * A failure is one of two things. The store could not run the script (no connection, a timeout,
 * a reply such as LOADING, BUSY, TRYAGAIN, CLUSTERDOWN, READONLY or OOM): the script did not run,
 * so it is retryable ({@link ProfileStoreUnavailableException}). Or the script ran and failed (a
 * Lua error, WRONGTYPE, anything else Redis answers): retrying fails the same way, so it is a
 * {@link ProfileScriptException}; the scripts check before they write, so it wrote nothing.
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
                    .transform(e -> ranAndFailed(e)
                            ? new ProfileScriptException("Script " + script.name() + " failed in Redis: " + firstLine(e.getMessage()), e)
                            : new ProfileStoreUnavailableException("Redis did not run script " + script.name() + ": " + e.getMessage(), e));
        });
    }

    /** {@code profiles.store.timeout} from now. */
    public Deadline defaultDeadline() {
        return redis.defaultDeadline();
    }

    /**
     * Error replies that say the store cannot run commands now; any other error reply is the
     * script's own failure. NOPERM too: an ACL that refuses us a command or a key is the store not
     * serving us (until an operator fixes it), never a fault of the event, which must not be
     * dead-lettered for it.
     */
    private static final java.util.Set<String> UNAVAILABLE_REPLIES = java.util.Set.of("LOADING", "BUSY", "TRYAGAIN", "MOVED", "ASK",
            "CLUSTERDOWN", "MASTERDOWN", "READONLY", "OOM", "NOREPLICAS", "NOSCRIPT", "CONNECTION_CLOSED", "NOPERM");

    /**
     * True for an error reply (the client fails the command with the reply itself, a Response of
     * type ERROR) that is not one of {@link #UNAVAILABLE_REPLIES}: the script ran and failed.
     */
    static boolean ranAndFailed(Throwable failure) {
        if (!(failure instanceof io.vertx.redis.client.Response reply) || reply.type() != io.vertx.redis.client.ResponseType.ERROR
                || failure.getMessage() == null) {
            return false;
        }
        String message = failure.getMessage();
        int space = message.indexOf(' ');
        return !UNAVAILABLE_REPLIES.contains(space < 0 ? message : message.substring(0, space));
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
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
