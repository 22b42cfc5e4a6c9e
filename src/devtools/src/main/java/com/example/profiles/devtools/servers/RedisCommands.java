package com.example.profiles.devtools.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Any Redis command from a test or a tool, over Jedis: one connection per command, no pooling, a
 * client other than the application's (Vert.x), so a test checks what is really stored in Redis
 * independently of the code under test. Replies are plain Java values.
 *
 * <pre>{@code
 * RedisCommands.call(uri, "FLUSHALL");
 * Map<String, String> profile = RedisCommands.asMap(RedisCommands.call(uri, "HGETALL", "profile:42"));
 * }</pre>
 */
public final class RedisCommands {

    private static final JedisClientConfig CONFIG = config(null);

    /**
     * Built whole for each password: {@code builder().from(CONFIG).password(p)} would copy CONFIG's
     * (empty) credentials provider, which wins over the password, and the handshake's HELLO would go
     * unauthenticated (NOAUTH).
     */
    private static JedisClientConfig config(String password) {
        return DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(2_000)
                .socketTimeoutMillis(10_000)
                .protocol(RedisProtocol.RESP2)
                // No CLIENT SETINFO on connect: Redis before 7.2 does not know it, and a test's
                // commandstats should show only its own commands.
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                .password(password)
                .build();
    }

    private RedisCommands() {
    }

    /** An error reply ({@code -ERR ...}, {@code -WRONGTYPE ...}, {@code -MOVED ...}) from the server. */
    public static final class RedisErrorReply extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RedisErrorReply(String message) {
            super(message);
        }
    }

    /**
     * Sends one command to database 0 of the server at {@code uri} ({@code redis://host:port}, or
     * {@code redis://:password@host:port} to AUTH first) and
     * returns its reply: a simple string as {@code String}, an integer as {@code Long}, a bulk string
     * as {@code String} (UTF-8) or {@code null}, an array as {@code List<Object>} (or {@code null}).
     *
     * @throws RedisErrorReply when the server answers with an error (also one inside an array, e.g. from EXEC)
     * @throws UncheckedIOException when the server cannot be reached (cause e.g. {@link java.net.ConnectException})
     */
    public static Object call(String uri, String... args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("no command given");
        }
        URI parsed = URI.create(uri);
        HostAndPort server = new HostAndPort(parsed.getHost(), parsed.getPort() == -1 ? 6379 : parsed.getPort());
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        String userInfo = parsed.getUserInfo();
        JedisClientConfig config = userInfo != null && userInfo.startsWith(":")
                ? config(userInfo.substring(1))
                : CONFIG;
        try (Jedis jedis = new Jedis(server, config)) {
            return plain(jedis.sendCommand(command(args[0]), rest));
        } catch (JedisDataException e) {
            throw new RedisErrorReply(e.getMessage());
        } catch (JedisConnectionException e) {
            throw new UncheckedIOException(args[0] + " to " + uri + " failed: " + e, ioCause(e));
        }
    }

    /**
     * Sends several commands on one connection, pipelined, and returns their replies in order (an
     * error reply is returned as its {@link RedisErrorReply}, not thrown), for checks that read many
     * keys at once.
     */
    public static List<Object> pipeline(String uri, List<String[]> commands) {
        URI parsed = URI.create(uri);
        HostAndPort server = new HostAndPort(parsed.getHost(), parsed.getPort() == -1 ? 6379 : parsed.getPort());
        try (Jedis jedis = new Jedis(server, CONFIG)) {
            redis.clients.jedis.Pipeline pipeline = jedis.pipelined();
            List<redis.clients.jedis.Response<Object>> pending = new ArrayList<>(commands.size());
            for (String[] command : commands) {
                pending.add(pipeline.sendCommand(command(command[0]), java.util.Arrays.copyOfRange(command, 1, command.length)));
            }
            pipeline.sync();
            List<Object> replies = new ArrayList<>(commands.size());
            for (redis.clients.jedis.Response<Object> reply : pending) {
                try {
                    replies.add(plain(reply.get()));
                } catch (JedisDataException | RedisErrorReply error) {
                    replies.add(error instanceof RedisErrorReply known ? known : new RedisErrorReply(error.getMessage()));
                }
            }
            return replies;
        } catch (JedisConnectionException e) {
            throw new UncheckedIOException("pipeline to " + uri + " failed: " + e, ioCause(e));
        }
    }

    /** The reply of HGETALL (a flat list of field, value, field, value ...) as an ordered map. */
    public static Map<String, String> asMap(Object flatPairs) {
        Map<String, String> map = new LinkedHashMap<>();
        List<?> list = (List<?>) flatPairs;
        for (int i = 0; i + 1 < list.size(); i += 2) {
            map.put((String) list.get(i), (String) list.get(i + 1));
        }
        return map;
    }

    /** Any command by name, including ones Jedis has no constant for. */
    private static ProtocolCommand command(String name) {
        byte[] raw = name.getBytes(StandardCharsets.UTF_8);
        return () -> raw;
    }

    /** Jedis's raw reply (byte arrays, longs, lists, errors inside arrays) as plain values. */
    private static Object plain(Object reply) {
        if (reply instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (reply instanceof JedisDataException error) {
            throw new RedisErrorReply(error.getMessage());
        }
        if (reply instanceof List<?> items) {
            List<Object> values = new ArrayList<>(items.size());
            for (Object item : items) {
                values.add(plain(item));
            }
            return values;
        }
        return reply; // Long or null
    }

    /** The I/O failure under Jedis's exception (a refused connection, a timeout). */
    private static IOException ioCause(JedisConnectionException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (suppressed instanceof IOException io) {
                    return io;
                }
            }
        }
        return new IOException(e);
    }
}
