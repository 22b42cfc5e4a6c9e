package com.example.profiles.rebuild;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;

/**
 * The application as a one-off rebuild job ({@code profiles.rebuild.run=true}): once started, it
 * runs (or resumes) the rebuild on a thread of its own and then stops, exit code 0 when the switch
 * is done, 1 when it failed. A failed or killed job is simply started again: it goes on where it
 * stopped. The job's own Kafka consumers and sweeper are meant to be off (the command and the
 * Kubernetes Job set that); the running instances keep serving meanwhile.
 */
@ApplicationScoped
public class RebuildJob {

    private static final Logger LOG = Logger.getLogger(RebuildJob.class);

    void start(@Observes StartupEvent started, RebuildSettings settings, Rebuild rebuild) {
        if (!settings.run()) {
            return;
        }
        Thread job = new Thread(() -> Quarkus.asyncExit(exitCode(() -> rebuild.run(System.out))), "profile-rebuild");
        job.start();
    }

    /**
     * 0 when the rebuild finished, 1 when it did not, whatever it threw: an error (a stack overflow,
     * out of memory) must end the job as well, or the process would wait forever with no rebuild
     * running.
     */
    static int exitCode(Supplier<Rebuild.Report> run) {
        try {
            return run.get().finished() ? 0 : 1;
        } catch (Throwable e) {
            LOG.errorf(e, "The rebuild stopped: %s; start it again to go on from where it was", e);
            return 1;
        }
    }
}
