package com.example.profiles.generation;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.example.profiles.store.Deadline;
import com.example.profiles.store.PipelinedRedis;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Every erasure of the last {@code profiles.generation.erasure-ledger-retention}: the user id, the
 * erasure's event time and its log position, nothing else ({@value #KEY}, a sorted set scored by
 * the event time, members {@code <userId>|<position>}). A rebuild starts the new generation with a
 * tombstone for each, so a shopper erased before it stays erased even when the delete itself is
 * gone from the customers topic (compacted away) while older purchases or cart events are still
 * retained: without it, replaying those would bring the shopper back. Written after each erasure's
 * script (and again by a redelivered delete, so a crash in between loses nothing); the sweeper
 * trims what is older than the retention, which must cover the longest retention of the function
 * topics.
 */
@ApplicationScoped
public class ErasureLedger {

    public static final String KEY = "profiles:erasures";

    /** One erasure as the ledger keeps it. */
    public record Erasure(String userId, long eventTimeMillis, String position) {
    }

    private final PipelinedRedis redis;
    private final GenerationSettings settings;

    public ErasureLedger(PipelinedRedis redis, GenerationSettings settings) {
        this.redis = redis;
        this.settings = settings;
    }

    public Uni<Void> record(String userId, long eventTimeMillis, String position, Deadline deadline) {
        return redis.send(Request.cmd(Command.ZADD).arg(KEY).arg(eventTimeMillis).arg(userId + "|" + position), deadline).replaceWithVoid();
    }

    /** Forgets the erasures older than the retention; answers how many went. */
    public Uni<Long> trim(long nowMillis) {
        long oldest = nowMillis - settings.erasureLedgerRetention().toMillis();
        return redis.send(Request.cmd(Command.ZREMRANGEBYSCORE).arg(KEY).arg("-inf").arg("(" + oldest), null).map(Response::toLong);
    }

    /** Each erased user's latest erasure (by event time, then position), for a rebuild to start from. */
    public Uni<Map<String, Erasure>> latestByUser() {
        return redis.send(Request.cmd(Command.ZRANGE).arg(KEY).arg(0).arg(-1).arg("WITHSCORES"), null).map(reply -> {
            Map<String, Erasure> latest = new HashMap<>();
            // RESP3 answers [[member, score], ...], RESP2 [member, score, ...].
            boolean pairs = reply.size() > 0 && reply.get(0).type() == io.vertx.redis.client.ResponseType.MULTI;
            int entries = pairs ? reply.size() : reply.size() / 2;
            for (int i = 0; i < entries; i++) {
                Response member = pairs ? reply.get(i).get(0) : reply.get(2 * i);
                Response score = pairs ? reply.get(i).get(1) : reply.get(2 * i + 1);
                String text = member.toString();
                int bar = text.lastIndexOf('|');
                Erasure erasure = new Erasure(text.substring(0, bar), score.toDouble().longValue(), text.substring(bar + 1));
                latest.merge(erasure.userId(), erasure, ErasureLedger::later);
            }
            return latest;
        });
    }

    private static Erasure later(Erasure a, Erasure b) {
        if (a.eventTimeMillis() != b.eventTimeMillis()) {
            return a.eventTimeMillis() > b.eventTimeMillis() ? a : b;
        }
        return a.position().compareTo(b.position()) >= 0 ? a : b;
    }
}
