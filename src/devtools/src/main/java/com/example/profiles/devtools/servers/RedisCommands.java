package com.example.profiles.devtools.servers;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A raw RESP2 client for tests: one connection per command, no pooling, no library in between, so a
 * test can check what is really stored in Redis independently of the application's client.
 *
 * <pre>{@code
 * RedisCommands.call(uri, "FLUSHALL");
 * Map<String, String> profile = RedisCommands.asMap(RedisCommands.call(uri, "HGETALL", "profile:42"));
 * }</pre>
 */
public final class RedisCommands {

    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    private RedisCommands() {
    }

    /** An error reply ({@code -ERR ...}, {@code -WRONGTYPE ...}) from the server. */
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
     * @throws RedisErrorReply when the server answers with an error
     * @throws UncheckedIOException when the server cannot be reached (cause e.g. {@link java.net.ConnectException})
     */
    public static Object call(String uri, String... args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("no command given");
        }
        URI parsed = URI.create(uri);
        int port = parsed.getPort() == -1 ? 6379 : parsed.getPort();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(parsed.getHost(), port), CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String userInfo = parsed.getUserInfo();
            if (userInfo != null && userInfo.startsWith(":")) {
                out.write(encode("AUTH", userInfo.substring(1)));
                out.flush();
                readReply(in);
            }
            out.write(encode(args));
            out.flush();
            return readReply(in);
        } catch (IOException e) {
            throw new UncheckedIOException(args[0] + " to " + uri + " failed: " + e, e);
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

    private static byte[] encode(String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        writeAscii(buffer, "*" + args.length + "\r\n");
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            writeAscii(buffer, "$" + bytes.length + "\r\n");
            buffer.writeBytes(bytes);
            writeAscii(buffer, "\r\n");
        }
        return buffer.toByteArray();
    }

    private static void writeAscii(ByteArrayOutputStream buffer, String s) {
        buffer.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static Object readReply(InputStream in) throws IOException {
        int type = in.read();
        if (type == -1) {
            throw new EOFException("connection closed before a reply");
        }
        String line = readLine(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new RedisErrorReply(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length);
                if (bytes.length < length || in.read() != '\r' || in.read() != '\n') {
                    throw new EOFException("truncated bulk string");
                }
                return new String(bytes, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    // An error inside an array (e.g. from EXEC) is thrown like a top-level one.
                    items.add(readReply(in));
                }
                return items;
            }
            default:
                throw new IOException("unexpected RESP type byte '" + (char) type + "'");
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b == -1) {
                throw new EOFException("connection closed in the middle of a reply");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            previous = b;
        }
    }
}
