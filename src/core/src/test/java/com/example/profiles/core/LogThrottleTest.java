package com.example.profiles.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** One line per key and period, the lines held back counted, and a bound on the keys producers choose. */
class LogThrottleTest {

    private static final Duration PERIOD = Duration.ofSeconds(10);

    private final AtomicLong now = new AtomicLong(123_456_789L);
    private final AtomicInteger overflowLines = new AtomicInteger();

    private LogThrottle throttle(int maxKeys) {
        return new LogThrottle(PERIOD, maxKeys, overflowLines::incrementAndGet, now::get);
    }

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }

    @Test
    void theFirstLineOfAKeyIsDueAndTheRestOfThePeriodIsHeldBack() {
        LogThrottle throttle = throttle(10);
        assertThat(throttle.due("purchase/http")).isZero();
        assertThat(throttle.due("purchase/http")).isEqualTo(LogThrottle.HELD_BACK);
        advance(PERIOD.minusNanos(1));
        assertThat(throttle.due("purchase/http")).isEqualTo(LogThrottle.HELD_BACK);
    }

    @Test
    void theNextLineSaysHowManyWereHeldBack() {
        LogThrottle throttle = throttle(10);
        throttle.due("cart/kafka");
        for (int i = 0; i < 7; i++) {
            throttle.due("cart/kafka");
        }
        advance(PERIOD);
        assertThat(throttle.due("cart/kafka")).isEqualTo(7);
        advance(PERIOD);
        assertThat(throttle.due("cart/kafka")).isZero();
    }

    @Test
    void keysAreThrottledEachOnItsOwn() {
        LogThrottle throttle = throttle(10);
        assertThat(throttle.due("a")).isZero();
        assertThat(throttle.due("b")).isZero();
        assertThat(throttle.due("a")).isEqualTo(LogThrottle.HELD_BACK);
        assertThat(throttle.due("b")).isEqualTo(LogThrottle.HELD_BACK);
    }

    @Test
    void pastTheBoundNewKeysShareOneOverflowLinePerPeriod() {
        LogThrottle throttle = throttle(2);
        assertThat(throttle.due("a")).isZero();
        assertThat(throttle.due("b")).isZero();
        for (int i = 0; i < 50; i++) {
            assertThat(throttle.due("stray-" + i)).isEqualTo(LogThrottle.HELD_BACK);
        }
        assertThat(overflowLines).hasValue(1);
        assertThat(throttle.due("a")).as("a known key is still throttled on its own").isEqualTo(LogThrottle.HELD_BACK);

        // A period later the keys known are due again, so they are forgotten to make room.
        advance(PERIOD);
        assertThat(throttle.due("new")).isZero();
        assertThat(overflowLines).hasValue(1);
    }

    @Test
    void theOverflowLineIsDueOncePerPeriodToo() {
        LogThrottle throttle = throttle(1);
        throttle.due("known");
        throttle.due("x");
        assertThat(overflowLines).hasValue(1);
        advance(Duration.ofSeconds(5));
        throttle.due("y");
        assertThat(overflowLines).hasValue(1);
        advance(Duration.ofSeconds(5));
        assertThat(throttle.due("known")).as("logged again, so it keeps its room").isZero();
        throttle.due("z");
        assertThat(overflowLines).hasValue(2);
    }

    @Test
    void keysTheCodeChoosesAreNotBounded() {
        LogThrottle throttle = new LogThrottle(PERIOD);
        for (int i = 0; i < 5_000; i++) {
            assertThat(throttle.due("function-" + i)).isZero();
        }
        assertThat(throttle.periodSeconds()).isEqualTo(10);
    }

    @Test
    void concurrentCallersGetOneLineAndEveryOtherCallIsCounted() throws Exception {
        LogThrottle throttle = new LogThrottle(Duration.ofHours(1));
        int threads = 8;
        int calls = 1_000;
        List<Long> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                pool.execute(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    for (int i = 0; i < calls; i++) {
                        answers.add(throttle.due("store"));
                    }
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(answers).hasSize(threads * calls);
        assertThat(answers.stream().filter(answer -> answer != LogThrottle.HELD_BACK)).containsExactly(0L);
    }
}
