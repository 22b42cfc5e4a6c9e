package com.example.profiles.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field of type {@link Infrastructure} in a test that uses {@link RealInfrastructure}; the
 * resource sets it before each test, for example to stop and restart Redis:
 *
 * <pre>{@code
 * @QuarkusTest
 * @WithTestResource(RealInfrastructure.class)
 * class RedisOutageTest {
 *     @InjectInfrastructure
 *     Infrastructure infrastructure;
 * }
 * }</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface InjectInfrastructure {
}
