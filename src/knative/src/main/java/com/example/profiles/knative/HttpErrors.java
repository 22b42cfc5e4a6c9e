package com.example.profiles.knative;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.validation.ConstraintViolationException;

import org.jboss.logging.Logger;

import com.example.profiles.core.EventIntake;
import com.example.profiles.core.InvalidEventException;
import com.example.profiles.core.JsonProblems;
import com.example.profiles.core.ProfileEventFunction;
import com.example.profiles.core.ProfileSettings;
import com.example.profiles.core.ProfileStoreUnavailableException;
import com.example.profiles.core.Violation;
import com.example.profiles.profile.ProfileNotFoundException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers HTTP CloudEvents clearly. Funqy alone turns every failure into a 500; Knative would then
 * retry an event that can never succeed. Here:
 * <ul>
 * <li>an invalid event (bean validation, a normalization rule, malformed JSON, an oversized body)
 * gets 400 with {@code {"error": ..., "violations": [{"field", "message"}]}}; Knative's Trigger
 * sends it to the dead-letter sink without retrying;</li>
 * <li>Redis unavailable gets 503 with Retry-After: nothing was written, the Broker retries.</li>
 * </ul>
 */
@ApplicationScoped
public class HttpErrors {

    private static final Logger LOG = Logger.getLogger(HttpErrors.class);
    private static final String FUNQY_EVENT_READERS = "io.quarkus.funqy.runtime.bindings.knative.events.";

    private final ObjectMapper mapper;
    private final int maxPayloadBytes;
    /** Event types whose function takes an event without data as a normal, ignorable message. */
    private final Set<String> typesIgnoringEmptyEvents = new HashSet<>();

    public HttpErrors(ObjectMapper mapper, ProfileSettings settings, Instance<ProfileEventFunction<?>> functions, EventIntake intake) {
        this.mapper = mapper;
        this.maxPayloadBytes = settings.maxPayloadBytes();
        functions.forEach(function -> {
            if (function.ignoresEmptyEvents()) {
                typesIgnoringEmptyEvents.add(intake.eventType(function));
            }
        });
    }

    void register(@Observes Router router) {
        // Runs before Funqy reads the body. (Bodies without a length are capped by
        // quarkus.http.limits.max-body-size: 413.)
        router.post().order(-100).handler(this::screen);
        router.route().order(-100).failureHandler(this::answer);
    }

    /**
     * Refuses a declared length over the limit, and answers binary-mode events without a body
     * here: Funqy would fail on them with a 500, which Knative retries forever.
     */
    private void screen(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        boolean declared = length != null && !length.isEmpty() && length.chars().allMatch(Character::isDigit);
        if (declared && Long.parseLong(length) > maxPayloadBytes) {
            respond(ctx, 400, "invalid event", List.of(new Violation("event", "the body is " + length + " bytes; the limit is " + maxPayloadBytes)));
            return;
        }
        String type = ctx.request().getHeader("ce-type");
        boolean emptyBody = (declared && Long.parseLong(length) == 0)
                || (length == null && ctx.request().getHeader(HttpHeaders.TRANSFER_ENCODING) == null);
        if (type != null && emptyBody) {
            if (typesIgnoringEmptyEvents.contains(type)) {
                respond(ctx, 200, Map.of("status", "IGNORED", "eventId", String.valueOf(ctx.request().getHeader("ce-id"))));
            } else {
                respond(ctx, 400, "invalid event", List.of(new Violation("data", "the event carries no data")));
            }
            return;
        }
        ctx.next();
    }

    private void answer(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof InvalidEventException invalid) {
                respond(ctx, 400, "invalid event", invalid.violations());
                return;
            }
            if (cause instanceof ConstraintViolationException cve) {
                List<Violation> violations = new ArrayList<>();
                cve.getConstraintViolations().forEach(v -> violations.add(new Violation(v.getPropertyPath().toString(), v.getMessage())));
                respond(ctx, 400, "invalid event", violations);
                return;
            }
            if (cause instanceof JsonProcessingException json) {
                respond(ctx, 400, "invalid event", List.of(JsonProblems.violation(json)));
                return;
            }
            if (cause instanceof ProfileNotFoundException notFound) {
                respond(ctx, 404, notFound.getMessage(), List.of());
                return;
            }
            if (cause instanceof ProfileStoreUnavailableException unavailable) {
                LOG.warnf("Profile store unavailable, answering 503: %s", unavailable.getMessage());
                ctx.response().putHeader("Retry-After", "1");
                respond(ctx, 503, "profile store unavailable, nothing was written; retry", List.of());
                return;
            }
        }
        if (failure != null && thrownReadingTheEvent(failure)) {
            respond(ctx, 400, "invalid event", List.of(new Violation("event", "the CloudEvent could not be read: " + failure.getMessage())));
            return;
        }
        ctx.next();
    }

    /** Funqy's own CloudEvent readers failed: the event (e.g. structured mode without data) is unreadable. */
    private static boolean thrownReadingTheEvent(Throwable failure) {
        for (StackTraceElement frame : failure.getStackTrace()) {
            if (frame.getClassName().startsWith(FUNQY_EVENT_READERS)
                    && (frame.getClassName().endsWith("CloudEventImpl") || frame.getClassName().contains("CloudEventImpl$"))) {
                return true;
            }
        }
        return false;
    }

    private void respond(RoutingContext ctx, int status, String error, List<Violation> violations) {
        respond(ctx, status, Map.of("error", error, "violations", violations));
    }

    private void respond(RoutingContext ctx, int status, Map<String, Object> body) {
        if (ctx.response().headWritten()) {
            return;
        }
        String json;
        try {
            json = mapper.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            json = "{\"error\":\"unserializable answer\"}";
        }
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(json);
    }
}
