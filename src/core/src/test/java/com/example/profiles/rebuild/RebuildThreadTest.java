package com.example.profiles.rebuild;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

/**
 * The rebuild runs on one thread of its own, with the thread stack the JVM image gives every thread
 * (-Xss256k): what it does per poll must not need a deeper stack as the poll grows, and whatever
 * ends that thread must end the job.
 */
class RebuildThreadTest {

    private static final long IMAGE_STACK = 256 * 1024;

    @Test
    void aPollsRecordsAreAppliedInOrderOnTheImagesThreadStackHoweverManyThereAre() throws Exception {
        List<Integer> seen = new ArrayList<>();
        List<Integer> items = IntStream.range(0, 20_000).boxed().toList();
        Throwable failure = onSmallStack(() -> Rebuild.inOrder(items, i -> Uni.createFrom().item(i).invoke(seen::add).replaceWithVoid())
                .await().atMost(Duration.ofSeconds(30)));
        assertThat(failure).isNull();
        assertThat(seen).isEqualTo(items);
    }

    @Test
    void theNextItemWaitsForThePreviousCall() throws Exception {
        AtomicInteger running = new AtomicInteger();
        List<Integer> overlaps = new ArrayList<>();
        Rebuild.inOrder(IntStream.range(0, 50).boxed().toList(), i -> {
            if (running.incrementAndGet() > 1) {
                overlaps.add(i);
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(1)).invoke(() -> running.decrementAndGet());
        }).await().atMost(Duration.ofSeconds(30));
        assertThat(overlaps).isEmpty();
    }

    @Test
    void anErrorOnTheRebuildThreadEndsTheJobWithExitCode1() {
        assertThat(RebuildJob.exitCode(() -> {
            throw new StackOverflowError();
        })).isEqualTo(1);
        assertThat(RebuildJob.exitCode(() -> {
            throw new IllegalStateException("broker gone");
        })).isEqualTo(1);
    }

    private static Throwable onSmallStack(Runnable work) throws Exception {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread thread = new Thread(null, () -> {
            try {
                work.run();
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        }, "small-stack", IMAGE_STACK);
        thread.start();
        return outcome.get(60, TimeUnit.SECONDS);
    }
}
