package com.example.profiles.store;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;

/**
 * The hot path's Redis commands (event scripts, freshness index updates, profile reads) over one
 * long-lived connection that they share, so concurrent commands are <em>pipelined</em>: each is
 * written as soon as it is issued and the replies come back in order, without a round trip per
 * command. (Through the pooled client each command leases a connection of its own for the whole
 * round trip: at most {@code quarkus.redis.max-pool-size} commands are in flight, and beyond
 * {@code max-pool-waiting} more the call fails.) On a Redis Cluster the connection is the
 * client's cluster connection, which routes each command to the node of its slot.
 *
 * <p><b>Every command has a deadline</b> ({@link Deadline}: the caller's, else
 * {@code profiles.store.timeout}). A store that hangs (paused with CLIENT PAUSE or SIGSTOP, a
 * black-holed network) accepts the connection and the command and answers nothing: without a
 * deadline a request waited as long as the pause. A timer checks the commands in flight every
 * {@value #CHECK_MILLIS} ms and fails those past their deadline with
 * {@link ProfileStoreTimeoutException}; a late reply is then ignored. (One timer for all commands:
 * a timer per command would cost more than the command itself on this path.)
 *
 * <p>A connection that closes, fails, or has answered nothing for {@code profiles.store.timeout}
 * while commands wait is dropped (and closed), and the next command opens a new one; the commands
 * that were in flight on it fail with {@link ProfileStoreUnavailableException}, so their callers
 * retry (Kafka) or answer 503 (HTTP). A Redis error reply (NOSCRIPT, a script error) fails only its
 * own command, with the reply itself.
 *
 * <p>The outcome of the underlying command is always consumed here, even when the caller has gone
 * (an HTTP client that hung up, a combined call that failed): a failure arriving after its
 * subscriber left used to surface as "Mutiny had to drop the following exception" stack traces.
 */
@ApplicationScoped
// Created at start (it connects only on first use), on the main thread, so its timer exists before
// the first command and nothing creates the Redis client concurrently later.
@Startup
public class PipelinedRedis {

    private static final Logger LOG = Logger.getLogger(PipelinedRedis.class);
    static final long CHECK_MILLIS = 100;

    private final Redis redis;
    private final Duration timeout;
    private final Vertx vertx;
    private final long timer;
    private final AtomicReference<Uni<RedisConnection>> current = new AtomicReference<>();
    /** Commands sent and not yet answered or timed out (answered ones are removed by the next check). */
    private final ConcurrentLinkedQueue<InFlight> inFlight = new ConcurrentLinkedQueue<>();
    /** How many of them are still waiting. */
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile long lastReplyNanos = System.nanoTime();
    private volatile boolean closed;
    private final boolean oneServer;

    public PipelinedRedis(ReactiveRedisDataSource dataSource, StoreSettings settings, Vertx vertx,
            @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone") String clientType) {
        this.redis = dataSource.getRedis();
        this.oneServer = clientType.equalsIgnoreCase("standalone");
        this.timeout = settings.timeout();
        this.vertx = vertx;
        this.timer = vertx.setPeriodic(CHECK_MILLIS, id -> checkDeadlines());
        // Connect now, not with the first event: connecting (and, in a fresh JVM, loading and
        // warming the client's code) then does not count against that event's deadline. Redis
        // being down now is no error: the next command connects again.
        send(Request.cmd(Command.PING)).subscribe().with(ok -> {
        }, failure -> LOG.debugf("Redis did not answer at start: %s", failure));
    }

    /**
     * Whether every command goes to one server over this one connection (a standalone Redis, not a
     * Cluster): the server then runs them in the order they were written, so a command sent right
     * behind others is run after them without waiting for their replies. On a Cluster each goes to
     * the node of its slot, and commands to different nodes may run in any order.
     */
    public boolean runsInOrder() {
        return oneServer;
    }

    /** {@code profiles.store.timeout} from now. */
    public Deadline defaultDeadline() {
        return Deadline.in(timeout);
    }

    /** Sends with the default deadline, {@code profiles.store.timeout} from now. */
    public Uni<Response> send(Request request) {
        return send(request, null);
    }

    /**
     * @param deadline when the caller stops waiting; null for {@code profiles.store.timeout} from the
     *        moment of subscription
     */
    public Uni<Response> send(Request request, Deadline deadline) {
        return Uni.createFrom().emitter(emitter -> {
            Deadline due = deadline != null ? deadline : Deadline.in(timeout);
            if (closed) {
                emitter.fail(new ProfileStoreUnavailableException("the application is stopping", null));
                return;
            }
            if (due.hasPassed()) {
                emitter.fail(new ProfileStoreTimeoutException(request.command().toString(), Duration.ZERO));
                return;
            }
            InFlight call = new InFlight(emitter, due, request);
            if (waiting.getAndIncrement() == 0) {
                lastReplyNanos = System.nanoTime(); // an idle connection is not a hanging one
            }
            inFlight.add(call);
            Uni<RedisConnection> connection = connection();
            connection.onItem().transformToUni(c -> c.send(request)).subscribe().with(
                    reply -> {
                        lastReplyNanos = System.nanoTime();
                        call.complete(reply);
                    },
                    failure -> {
                        lastReplyNanos = System.nanoTime();
                        if (isConnectionFailure(failure)) {
                            drop(connection, failure);
                            // Refused, reset, closed: the store is not serving us, which every caller
                            // retries, so it is said here once and not left to each caller to
                            // recognise a netty exception.
                            call.fail(new ProfileStoreUnavailableException("Redis did not answer " + request.command() + ": " + failure, failure));
                        } else {
                            call.fail(failure); // Redis's own answer (a script's failure, NOSCRIPT), for the caller to judge
                        }
                    });
        });
    }

    /** One command waiting for its reply; whichever of reply, failure or deadline comes first ends it. */
    private final class InFlight {
        private final UniEmitter<? super Response> emitter;
        private final Deadline deadline;
        private final Request request;
        private final long sentNanos = System.nanoTime();
        private final AtomicBoolean done = new AtomicBoolean();

        InFlight(UniEmitter<? super Response> emitter, Deadline deadline, Request request) {
            this.emitter = emitter;
            this.deadline = deadline;
            this.request = request;
        }

        void complete(Response reply) {
            if (done.compareAndSet(false, true)) {
                waiting.decrementAndGet();
                emitter.complete(reply);
            }
        }

        void fail(Throwable failure) {
            if (done.compareAndSet(false, true)) {
                waiting.decrementAndGet();
                emitter.fail(failure);
            }
        }

        String command() {
            return request.command().toString();
        }
    }

    /**
     * Fails the commands past their deadline, and drops a connection that has commands in flight but
     * has answered nothing for {@code profiles.store.timeout}: it hangs, and the commands sent after
     * the expired ones would wait behind them.
     */
    private void checkDeadlines() {
        boolean expired = false;
        for (Iterator<InFlight> it = inFlight.iterator(); it.hasNext();) {
            InFlight call = it.next();
            if (call.done.get()) {
                it.remove();
            } else if (call.deadline.hasPassed()) {
                it.remove();
                call.fail(new ProfileStoreTimeoutException(call.command(), Duration.ofNanos(System.nanoTime() - call.sentNanos)));
                expired = true;
            }
        }
        Uni<RedisConnection> connection = current.get();
        if (connection != null && (expired || waiting.get() > 0) && System.nanoTime() - lastReplyNanos > timeout.toNanos()) {
            drop(connection, new TimeoutException("Redis answered nothing for " + timeout));
            lastReplyNanos = System.nanoTime();
        }
    }

    private Uni<RedisConnection> connection() {
        Uni<RedisConnection> existing = current.get();
        if (existing != null) {
            return existing;
        }
        AtomicReference<Uni<RedisConnection>> self = new AtomicReference<>();
        Uni<RedisConnection> fresh = redis.connect()
                .onItem().invoke(c -> {
                    c.exceptionHandler(e -> drop(self.get(), e));
                    c.endHandler(() -> drop(self.get(), null));
                })
                .memoize().indefinitely();
        self.set(fresh);
        return current.compareAndSet(null, fresh) ? fresh : current.get();
    }

    /**
     * Ends the connection, if there is one, and completes once it is ended; the next command opens
     * a new one. For a process about to be snapshotted (Lambda SnapStart): a connection in a
     * snapshot is dead when it is restored. QUIT first, so Redis closes the socket: closing a
     * connection of the client's pool only hands it back to the pool, still open.
     */
    public Uni<Void> disconnect() {
        Uni<RedisConnection> connection = current.getAndSet(null);
        if (connection == null) {
            return Uni.createFrom().voidItem();
        }
        return connection.onItem().transformToUni(c -> c.send(Request.cmd(io.vertx.mutiny.redis.client.Command.QUIT))
                .onFailure().recoverWithNull()
                .onItem().transformToUni(ignored -> c.close()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Opens the connection now (if none is open) and checks it with a PING, instead of on the next command. */
    public Uni<Void> connect() {
        return send(Request.cmd(io.vertx.mutiny.redis.client.Command.PING)).replaceWithVoid();
    }

    /** Forgets the connection (if it is still the current one) and closes it. */
    private void drop(Uni<RedisConnection> connection, Throwable why) {
        if (connection != null && current.compareAndSet(connection, null)) {
            LOG.debugf("Dropping the pipelined Redis connection: %s", why == null ? "closed" : why.toString());
            close(connection);
        }
    }

    private static void close(Uni<RedisConnection> connection) {
        connection.subscribe().with(c -> c.close().subscribe().with(ok -> {
        }, ignored -> {
        }), ignored -> {
        });
    }

    /**
     * Anything but an error reply from Redis (NOSCRIPT, a script error, MOVED) means the connection
     * may be unusable: closed, refused, reset, or hanging. The client fails a command that got an
     * error reply with the reply itself: a Throwable that is also a {@link io.vertx.redis.client.Response}
     * of type ERROR (the client's own CONNECTION_CLOSED comes the same way).
     */
    static boolean isConnectionFailure(Throwable failure) {
        if (failure instanceof io.vertx.redis.client.Response reply && reply.type() == ResponseType.ERROR) {
            String message = failure.getMessage();
            return message != null && message.startsWith("CONNECTION_CLOSED");
        }
        return true;
    }

    /**
     * Runs after the application stopped taking events and drained what was in flight
     * ({@code lifecycle.GracefulShutdown}): whatever is still waiting fails as unavailable, which
     * leaves a Kafka record uncommitted for the next owner of its partition.
     */
    @PreDestroy
    void close() {
        closed = true;
        vertx.cancelTimer(timer);
        Uni<RedisConnection> connection = current.getAndSet(null);
        for (InFlight call : inFlight) {
            call.fail(new ProfileStoreUnavailableException("the application is stopping", null));
        }
        inFlight.clear();
        if (connection != null) {
            close(connection);
        }
    }
}
