package com.example.profiles.knative;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.validation.ConstraintViolationException;

import org.jboss.logging.Logger;

import com.example.profiles.core.InvalidEventException;
import com.example.profiles.core.JsonProblems;
import com.example.profiles.core.ProfileLimitExceededException;
import com.example.profiles.store.ProfileScriptException;
import com.example.profiles.core.ProfileSettings;
import com.example.profiles.store.ProfileStoreUnavailableException;
import com.example.profiles.core.Violation;
import com.example.profiles.profile.ProfileNotFoundException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers every failure of an HTTP request with a status that says what happened and the JSON
 * body {@code {"error": ..., "violations": [{"field", "message"}]}}. Funqy alone turns every
 * failure into a 500, and Knative retries a 5xx (and 404, 408, 409, 429) as if we were down.
 * Here (docs/contracts.md, "HTTP answers", lists every answer):
 * <ul>
 * <li>an invalid event (bean validation, a normalization rule, malformed JSON, an oversized body)
 * gets 400; Knative's Trigger sends it to the dead-letter sink without retrying;</li>
 * <li>a valid event that would take one of the profile's running totals past its limit gets 422,
 * not retried either;</li>
 * <li>Redis unavailable gets 503 with Retry-After: nothing was written, the Broker retries;</li>
 * <li>a profile script that failed inside Redis (a fault of the stored data or of the script, never
 * of the event) gets 500, as does any other fault of ours; nothing was written.</li>
 * </ul>
 * Malformed CloudEvents are answered before Funqy sees them ({@link CloudEventScreen}): that is the
 * contract with Funqy's readers, which only ever get an event with the attributes and JSON data
 * they read, so a failure while reading one is no longer guessed from Funqy's stack frames.
 */
@ApplicationScoped
public class HttpErrors {

    static final String INVALID = "invalid event";
    private static final Logger LOG = Logger.getLogger(HttpErrors.class);

    private final ObjectMapper mapper;
    private final int maxPayloadBytes;

    public HttpErrors(ObjectMapper mapper, ProfileSettings settings) {
        this.mapper = mapper;
        this.maxPayloadBytes = settings.maxPayloadBytes();
    }

    void register(@Observes Router router) {
        router.route().order(-100).failureHandler(this::answer);
    }

    static Violation tooLarge(String length, int limit) {
        return new Violation("event", "the body is " + length + " bytes; the limit is " + limit + " (profiles.max-payload-bytes)");
    }

    private void answer(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ProfileLimitExceededException limit) {
                respond(ctx, 422, "event exceeds the profile's limits; nothing was written", limit.violations());
                return;
            }
            if (cause instanceof InvalidEventException invalid) {
                respond(ctx, 400, INVALID, invalid.violations());
                return;
            }
            if (cause instanceof ConstraintViolationException cve) {
                List<Violation> violations = new ArrayList<>();
                cve.getConstraintViolations().forEach(v -> violations.add(new Violation(v.getPropertyPath().toString(), v.getMessage())));
                respond(ctx, 400, INVALID, violations);
                return;
            }
            if (cause instanceof JsonProcessingException json) {
                respond(ctx, 400, INVALID, List.of(JsonProblems.violation(json)));
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
            if (cause instanceof ProfileScriptException script) {
                LOG.errorf("Answering 500: %s", script.getMessage());
                respond(ctx, 500, "the profile script failed inside Redis; nothing was written", List.of());
                return;
            }
        }
        if (failure == null) {
            answerStatus(ctx, ctx.statusCode());
            return;
        }
        LOG.errorf(failure, "Answering 500 to %s %s", ctx.request().method(), ctx.request().path());
        respond(ctx, 500, "internal error: " + failure.getClass().getSimpleName(), List.of());
    }

    /** A failure with only a status (Vert.x's body handler, Funqy): the same JSON body, and an oversized body is an invalid event. */
    private void answerStatus(RoutingContext ctx, int status) {
        switch (status) {
            case 413 -> respond(ctx, 400, INVALID, List.of(tooLarge("over " + maxPayloadBytes, maxPayloadBytes)));
            case 404 -> respond(ctx, 404, "not found", List.of());
            case 405 -> respond(ctx, 405, "method not allowed", List.of());
            case 415, 406 -> respond(ctx, 415, "unsupported media type", List.of());
            default -> {
                if (status >= 500) {
                    LOG.errorf("Answering %d to %s %s", status, ctx.request().method(), ctx.request().path());
                }
                respond(ctx, status < 400 ? 500 : status, status >= 500 ? "internal error" : "request refused", List.of());
            }
        }
    }

    void respond(RoutingContext ctx, int status, String error, List<Violation> violations) {
        respond(ctx, status, Map.of("error", error, "violations", violations));
    }

    void respond(RoutingContext ctx, int status, Map<String, Object> body) {
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
