package com.example.profiles.lifecycle;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;

/**
 * Scheduled work (the sweeper's own schedule, the freshness-lag flushes) starts only once the
 * application has started. The scheduler starts halted ({@code quarkus.scheduler.start-mode=halted}):
 * an interval job fires at once when the scheduler starts, and the first sweep used to run while
 * the messaging channels were still being wired, so creating the alert emitter failed
 * ({@code SRMSG00019: Unable to connect an emitter with the channel freshness-alerts}) and beans
 * were created concurrently with the start-up thread. This observer runs after every other
 * start-up observer (channels connected, consumers subscribed) and resumes it.
 */
@ApplicationScoped
public class ScheduledWorkGate {

    private final Scheduler scheduler;

    public ScheduledWorkGate(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    void startScheduledWork(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 10_000) StartupEvent started) {
        scheduler.resume();
    }
}
