package com.example.profiles.lambda;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import com.example.profiles.generation.GenerationState;
import com.example.profiles.generation.GenerationSwitch;
import com.example.profiles.rebuild.Rebuild;
import com.example.profiles.rebuild.RebuildSettings;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The rebuild of every profile as a Lambda, a one-off job cut into invocations: a rebuild takes
 * longer than Lambda's 15 minutes, and it is resumable (its consumer group's offsets and the
 * generation pointer say where it is), so each invocation goes on from where the last stopped and
 * stops itself, committed, before its own deadline.
 * <ul>
 * <li>{@code {"action":"start"}} (an operator, {@code aws lambda invoke}): begins a rebuild, or goes
 * on with the one under way;</li>
 * <li>{@code {"action":"continue"}} (the schedule the Terraform module gives the function): goes on
 * with a rebuild under way and does nothing when none is, so the schedule can always run.</li>
 * </ul>
 * Two invocations must not run at once (the module reserves a concurrency of one).
 */
public class RebuildInvocation {

    private static final Logger LOG = Logger.getLogger(RebuildInvocation.class);
    static final String FUNCTION = "rebuild";

    private final Rebuild rebuild;
    private final GenerationSwitch generations;
    private final InvocationDeadlines deadlines;
    private final Duration reserve;
    private final RebuildSettings settings;

    public RebuildInvocation(Rebuild rebuild, GenerationSwitch generations, InvocationDeadlines deadlines, LambdaSettings lambda,
            RebuildSettings settings) {
        this.rebuild = rebuild;
        this.generations = generations;
        this.deadlines = deadlines;
        this.reserve = lambda.rebuildReserve();
        this.settings = settings;
    }

    /** What one invocation did: whether it ran, where the rebuild is, and what it read and applied. */
    @RegisterForReflection
    public record RebuildOutcome(boolean ran, boolean finished, String phase, String pointer, long read, Map<String, Long> outcomes,
            Map<String, Long> notRetained, long removedUsers) {
    }

    /**
     * Takes {@code {"action":"start"|"continue", ...}} (other fields, such as the schedule's context
     * attributes, are logged and ignored) and returns what this invocation of the rebuild did.
     */
    @Funq(FUNCTION)
    public RebuildOutcome rebuild(JsonNode request) throws Exception {
        InvocationDeadline deadline = deadlines.now();
        String action = request == null ? "" : request.path("action").asText("");
        if (!action.equals("start") && !action.equals("continue")) {
            throw new IllegalArgumentException("a rebuild request is {\"action\":\"start\"} or {\"action\":\"continue\"}, not " + request);
        }
        GenerationState state = generations.read();
        if (action.equals("continue") && state.phase() == GenerationState.Phase.IDLE) {
            LOG.infof("Rebuild %s: no rebuild under way (%s); nothing to do", action, state);
            return new RebuildOutcome(false, false, state.phase().name(), state.toString(), 0, Map.of(), Map.of(), 0);
        }
        Duration budget = deadline.remaining().minus(reserve);
        Duration needed = settings.grace().plus(settings.acknowledgeTimeout());
        if (budget.compareTo(needed) < 0) {
            // Every invocation would stop before the switch's last steps: the rebuild would never end.
            throw new IllegalStateException("The invocation leaves the rebuild " + budget.toMillis() + " ms; it needs more than "
                    + "profiles.rebuild.grace + acknowledge-timeout (" + needed.toMillis() + " ms) to finish: raise the function's timeout");
        }
        LOG.infof("Rebuild %s: %s, for at most %d s of this invocation (%s)", action, state, budget.toSeconds(), deadline.basis());
        FutureTask<Rebuild.Report> run = new FutureTask<>(
                () -> rebuild.run(System.out, Rebuild.Stop.after(budget.isNegative() ? Duration.ZERO : budget)));
        Thread thread = new Thread(run, "profile-rebuild");
        thread.start();
        Rebuild.Report report;
        try {
            report = run.get(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException late) {
            // A Redis or broker that hangs: what was committed stays, the next invocation goes on.
            thread.interrupt();
            throw new IllegalStateException("The rebuild did not stop before the invocation's deadline (" + deadline.basis()
                    + "); the next invocation goes on from its last committed batch");
        } catch (ExecutionException failed) {
            throw failed.getCause() instanceof Exception e ? e : failed;
        }
        return new RebuildOutcome(true, report.finished(), report.end().phase().name(), report.end().toString(), report.read(), report.outcomes(), report.notRetained(),
                report.removedUsers());
    }
}
