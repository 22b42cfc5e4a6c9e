package com.example.profiles.devtools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.bench.LoadStream.Event;
import com.example.profiles.devtools.bench.LoadStream.Kind;
import com.example.profiles.devtools.servers.RedisServerProcess;

/**
 * The benchmark's script calls against a real redis-server: every command the driver sends
 * (redis-benchmark's, the sweep's population, ScriptCost's stream) must be one the scripts apply.
 * They are built by the functions' own code; this catches the driver falling behind the scripts'
 * arguments (an argument the prelude gains but the driver does not send fails every
 * redis-benchmark call of the limits phase).
 */
class BenchCommandsTest {

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
    void everyRedisBenchmarkCommandIsApplied() throws Exception {
        long now = System.currentTimeMillis();
        Map<Kind, List<String>> commands = MachineLimits.benchCommands(now);
        assertThat(commands.keySet()).map(kind -> ScriptCalls.script(kind).name()).containsExactly("purchase", "cart", "customer");
        int script = 0;
        for (Map.Entry<Kind, List<String>> command : commands.entrySet()) {
            assertThat(redis.call("SCRIPT", "LOAD", ScriptCalls.script(command.getKey()).source())).isEqualTo(command.getValue().get(1));
            // redis-benchmark draws a number for each placeholder; here one fixed draw per script.
            String draw = String.format("%012d", 42 + script++);
            List<String> drawn = new ArrayList<>();
            for (String arg : command.getValue()) {
                drawn.add(arg.replace("__rand_int__", draw));
            }
            assertThat(redis.call(drawn.toArray(String[]::new))).as(command.getKey().name()).startsWith("applied 1 0");
            assertThat(redis.call(drawn.toArray(String[]::new))).as(command.getKey() + " again").startsWith("duplicate 1 0");
        }
    }

    @Test
    void theStreamsCallsAreAppliedAndTheirRedeliveriesAreDuplicates() throws Exception {
        redis.call("FLUSHALL");
        ScriptCalls calls = new ScriptCalls();
        long now = System.currentTimeMillis();
        LoadStream stream = new LoadStream(LoadStream.Settings.fromSystemProperties(), 42, "test");
        List<List<String>> commands = new ArrayList<>();
        for (Event event : stream.batch(300, now)) {
            commands.add(calls.command(event, now));
        }
        for (String source : ScriptCalls.scripts(Map.of())) {
            redis.call("SCRIPT", "LOAD", source);
        }
        int applied = 0;
        int duplicates = 0;
        for (List<String> command : commands) {
            String reply = redis.call(command.toArray(String[]::new));
            applied += reply.startsWith("applied ") ? 1 : 0;
            duplicates += reply.startsWith("duplicate ") ? 1 : 0;
            assertThat(reply).matches("(applied|duplicate|stale) .*");
        }
        // 5% of the stream are re-deliveries; nearly everything else applies.
        assertThat(applied).isGreaterThan(250);
        assertThat(duplicates).isPositive();
        for (List<String> command : commands) {
            assertThat(redis.call(command.toArray(String[]::new))).startsWith("duplicate ");
        }
    }
}
