package com.example.profiles.core;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * The hot path's Redis commands (event scripts, freshness index updates, profile reads) over one
 * long-lived connection that they share, so concurrent commands are <em>pipelined</em>: each is
 * written as soon as it is issued and the replies come back in order, without a round trip per
 * command. (Through the pooled client each command leases a connection of its own for the whole
 * round trip: at most {@code quarkus.redis.max-pool-size} commands are in flight, and beyond
 * {@code max-pool-waiting} more the call fails.) On a Redis Cluster the connection is the
 * client's cluster connection, which routes each command to the node of its slot.
 *
 * <p>A connection that closes, fails, or answers nothing for {@code quarkus.redis.timeout} while
 * commands wait (checked every second) is dropped (and closed), and the next command opens a new one; the commands that were in flight
 * on it fail, so their callers retry (Kafka) or answer 503 (HTTP) exactly as before. A Redis error
 * reply (NOSCRIPT, a script error) fails only its own command.
 */
@ApplicationScoped
// Created at start (it connects only on first use): otherwise an app that never served an event
// created it for its first watchdog tick, which could fall after the Redis client was shut down
// and logged an error on every such shutdown.
@Startup
public class PipelinedRedis {

    private static final Logger LOG = Logger.getLogger(PipelinedRedis.class);

    private final Redis redis;
    private final Duration timeout;
    private final AtomicReference<Uni<RedisConnection>> current = new AtomicReference<>();
    private final AtomicLong outstanding = new AtomicLong();
    private volatile long lastReplyNanos = System.nanoTime();

    public PipelinedRedis(ReactiveRedisDataSource dataSource, @ConfigProperty(name = "quarkus.redis.timeout", defaultValue = "10s") Duration timeout) {
        this.redis = dataSource.getRedis();
        this.timeout = timeout;
    }

    public Uni<Response> send(Request request) {
        return Uni.createFrom().deferred(() -> {
            Uni<RedisConnection> connection = connection();
            if (outstanding.getAndIncrement() == 0) {
                lastReplyNanos = System.nanoTime(); // an idle connection is not a hanging one
            }
            return connection.onItem().transformToUni(c -> c.send(request))
                    .onTermination().invoke(() -> {
                        outstanding.decrementAndGet();
                        lastReplyNanos = System.nanoTime();
                    })
                    .onFailure(PipelinedRedis::isConnectionFailure).invoke(failure -> drop(connection, failure));
        });
    }

    /**
     * A connection that has commands in flight but has answered nothing for {@code quarkus.redis.timeout}
     * hangs: it is dropped, which fails those commands (a timer per command would cost more than the
     * command itself on this path).
     */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void watchdog() {
        Uni<RedisConnection> connection = current.get();
        if (connection != null && outstanding.get() > 0 && System.nanoTime() - lastReplyNanos > timeout.toNanos()) {
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
            connection.subscribe().with(c -> c.close().subscribe().with(ok -> {
            }, ignored -> {
            }), ignored -> {
            });
        }
    }

    /**
     * Anything but an error reply from Redis (which arrives as an {@code ErrorType}, e.g. NOSCRIPT)
     * means the connection may be unusable: closed, refused, reset, or hanging.
     */
    static boolean isConnectionFailure(Throwable failure) {
        if (failure.getClass().getSimpleName().equals("ErrorType")) {
            String message = failure.getMessage();
            return message != null && message.startsWith("CONNECTION_CLOSED");
        }
        return true;
    }

    @PreDestroy
    void close() {
        Uni<RedisConnection> connection = current.getAndSet(null);
        if (connection != null) {
            connection.subscribe().with(c -> c.close().subscribe().with(ok -> {
            }, ignored -> {
            }), ignored -> {
            });
        }
    }
}
