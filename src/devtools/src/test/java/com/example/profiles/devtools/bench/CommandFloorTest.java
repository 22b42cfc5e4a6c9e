package com.example.profiles.devtools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.servers.RedisServerProcess;

/**
 * The command floor against a real redis-server: the recording of the real scripts' commands is
 * exact (Redis's own count of the commands, each event's commands its own), the floor sent on an
 * empty server leaves what the real scripts left, and the in-turn measurement answers figures.
 */
class CommandFloorTest {

    private static final int EVENTS = 3_000;

    private static RedisServerProcess server;
    private static RedisSide redis;

    @BeforeAll
    static void start() {
        server = RedisServerProcess.start();
        redis = new RedisSide(server.uri());
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void theRecordingIsTheScriptsCommandsAndTheFloorLeavesWhatTheyLeft() throws Exception {
        List<List<String>> calls = ScriptCost.streamCalls(LoadStream.Settings.fromSystemProperties(), EVENTS, System.currentTimeMillis(), null);
        CommandFloor.Recording recording = CommandFloor.record(redis, calls);

        // Redis's count of the run's commands (the stats were reset before the stream), by name.
        Map<String, Long> counted = new TreeMap<>();
        redis.commandStatFields().forEach((name, fields) -> counted.put(name, Long.parseLong(fields.get("calls"))));
        assertThat(counted).containsEntry("evalsha", (long) EVENTS);
        counted.keySet().removeIf(name -> name.equals("evalsha") || name.equals("info") || name.equals("echo") || name.startsWith("config"));
        assertThat(new TreeMap<>(recording.commandCounts())).isEqualTo(counted);
        assertThat(recording.floorCalls()).hasSize(EVENTS);
        assertThat(recording.commandsPerEvent()).isGreaterThan(4);

        // Each event's commands are its own: the prelude's first command is the duplicate check of
        // the call's own dedup key (ARGV[1]) in its own applied-events set (KEYS[2]), and every key
        // a command touches is one the call declared.
        List<List<String>> keyQueries = new ArrayList<>();
        List<List<String>> declared = new ArrayList<>();
        for (int event = 0; event < EVENTS; event++) {
            List<String> call = calls.get(event);
            List<String> keys = call.subList(3, 3 + Integer.parseInt(call.get(2)));
            List<List<String>> commands = recording.commandsOf(event);
            assertThat(commands.get(0)).as("event %d", event).containsExactly("ZSCORE", keys.get(1), call.get(3 + keys.size()));
            assertThat(recording.floorCalls().get(event).subList(0, 3 + keys.size()))
                    .containsExactlyElementsOf(concat(List.of("EVALSHA", CommandFloor.SHA, call.get(2)), keys));
            for (List<String> command : commands) {
                List<String> query = new ArrayList<>(List.of("COMMAND", "GETKEYS"));
                query.addAll(command);
                keyQueries.add(query);
                declared.add(keys);
            }
        }
        List<String> touched = redis.callEach(keyQueries);
        for (int i = 0; i < touched.size(); i++) {
            assertThat(declared.get(i)).as("%s", keyQueries.get(i)).containsAll(List.of(touched.get(i).split(" ")));
        }

        Map<String, String> real = snapshot();
        assertThat(real).hasSizeGreaterThan(EVENTS);
        redis.call("FLUSHALL");
        redis.call("SCRIPT", "LOAD", CommandFloor.SOURCE);
        List<String> replies = redis.callEach(recording.floorCalls());
        assertThat(replies).hasSize(EVENTS);
        assertThat(redis.call("DBSIZE")).isEqualTo(Integer.toString(real.size()));
        assertThat(snapshot()).isEqualTo(real);
    }

    @Test
    void theRecordingReadsEveryEscapeRedisWritesAndRefusesArgumentsThatAreNotText() throws Exception {
        String script = "redis.call('SET', KEYS[1], ARGV[1]) redis.call('APPEND', KEYS[1], ARGV[1]) return 1";
        String sha = redis.call("SCRIPT", "LOAD", script);
        String value = "quote\" backslash\\ lf\n cr\r tab\t bell\u0007 bs\b nul\u0000 del\u007f e\u00e9 euro\u20ac emoji\ud83d\ude00 {\"a\":[1,\"b\"]}";
        List<List<String>> calls = List.of(List.of("EVALSHA", sha, "1", "k:{1}", value), List.of("EVALSHA", sha, "1", "k:{2}", "plain"));
        CommandFloor.Recording recording = CommandFloor.record(redis, List.of(script), calls);
        assertThat(recording.commandsOf(0)).containsExactly(List.of("SET", "k:{1}", value), List.of("APPEND", "k:{1}", value));
        assertThat(recording.commandsOf(1)).containsExactly(List.of("SET", "k:{2}", "plain"), List.of("APPEND", "k:{2}", "plain"));
        assertThat(recording.commandCounts()).containsExactlyInAnyOrderEntriesOf(Map.of("set", 2L, "append", 2L));

        String binary = "redis.call('SET', KEYS[1], string.char(255)) return 1";
        String binarySha = redis.call("SCRIPT", "LOAD", binary);
        assertThatThrownBy(() -> CommandFloor.record(redis, List.of(binary), List.of(List.of("EVALSHA", binarySha, "1", "k"))))
                .hasMessageContaining("not UTF-8");
    }

    @Test
    void theMeasurementAnswersBothTimesAndTheirRatioPerRound() throws Exception {
        Map<String, Object> r = CommandFloor.measure(redis, LoadStream.Settings.fromSystemProperties(), EVENTS, 2);
        assertThat(r).containsEntry("events", EVENTS);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rounds = (List<Map<String, Object>>) r.get("rounds");
        assertThat(rounds).hasSize(2);
        for (Map<String, Object> round : rounds) {
            double scripts = ((Number) round.get("scriptsUsecPerEvent")).doubleValue();
            double floor = ((Number) round.get("floorUsecPerEvent")).doubleValue();
            assertThat(scripts).isPositive();
            assertThat(floor).isPositive();
            assertThat(((Number) round.get("ratio")).doubleValue()).isCloseTo(scripts / floor, org.assertj.core.data.Offset.offset(0.01));
            assertThat(round).doesNotContainKey("floorErrors");
        }
        assertThat(((Number) r.get("ratio")).doubleValue()).isPositive();
        assertThat(((Number) r.get("scriptsUsecPerEvent")).doubleValue()).isPositive();
        assertThat(((Number) r.get("floorUsecPerEvent")).doubleValue()).isPositive();
        assertThat(((Number) r.get("commandsPerEvent")).doubleValue()).isGreaterThan(4);
        assertThat(redis.call("DBSIZE")).isEqualTo("0");
    }

    /** Every key: its type, a digest of its value, and whether it expires. */
    private static Map<String, String> snapshot() throws Exception {
        List<String> keys = new ArrayList<>();
        String cursor = "0";
        do {
            String[] reply = redis.call("SCAN", cursor, "COUNT", "1000").split(" ");
            cursor = reply[0];
            for (int i = 1; i < reply.length; i++) {
                if (!reply[i].isEmpty()) {
                    keys.add(reply[i]);
                }
            }
        } while (!cursor.equals("0"));
        List<List<String>> queries = new ArrayList<>();
        for (String key : keys) {
            queries.add(List.of("TYPE", key));
            queries.add(List.of("DEBUG", "DIGEST-VALUE", key));
            queries.add(List.of("PTTL", key));
        }
        List<String> replies = redis.callEach(queries);
        Map<String, String> snapshot = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            long ttl = Long.parseLong(replies.get(3 * i + 2));
            snapshot.put(keys.get(i), replies.get(3 * i) + " " + replies.get(3 * i + 1) + (ttl > 0 ? " expires" : " stays"));
        }
        return new TreeMap<>(snapshot);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> r = new ArrayList<>(a);
        r.addAll(b);
        return r;
    }
}
