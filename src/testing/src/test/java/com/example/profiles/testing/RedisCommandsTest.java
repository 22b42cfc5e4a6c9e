package com.example.profiles.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.servers.RedisCommands;
import com.example.profiles.devtools.servers.RedisServerProcess;

/**
 * {@link RedisCommands} against a real Redis that requires a password (as ElastiCache with an AUTH
 * token does, and as LambdaRuntimeIT sets it up): the password of {@code redis://:p@host:port}
 * must reach the connection's handshake, or every command fails with NOAUTH.
 */
class RedisCommandsTest {

    @Test
    void aPasswordInTheUriAuthenticatesTheConnection() {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String password = "redis-commands-test-0123456789";
            RedisCommands.call(redis.uri(), "ACL", "SETUSER", "default", "on", "resetpass", ">" + password, "~*", "&*", "+@all");
            String withPassword = "redis://:" + password + "@127.0.0.1:" + redis.port();

            assertThat(RedisCommands.call(withPassword, "SET", "k", "v")).isEqualTo("OK");
            assertThat(RedisCommands.call(withPassword, "GET", "k")).isEqualTo("v");
            assertThatThrownBy(() -> RedisCommands.call(redis.uri(), "GET", "k"))
                    .isInstanceOf(RedisCommands.RedisErrorReply.class).hasMessageContaining("NOAUTH");
            assertThatThrownBy(() -> RedisCommands.call("redis://:wrong-password@127.0.0.1:" + redis.port(), "GET", "k"))
                    .isInstanceOf(RedisCommands.RedisErrorReply.class);
        }
    }
}
