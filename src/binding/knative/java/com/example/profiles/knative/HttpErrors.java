package com.example.profiles.knative;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.validation.ConstraintViolationException;

import org.jboss.logging.Logger;

import com.example.profiles.core.InvalidEventException;
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

    private final ObjectMapper mapper;
    private final int maxPayloadBytes;

    public HttpErrors(ObjectMapper mapper, ProfileSettings settings) {
        this.mapper = mapper;
        this.maxPayloadBytes = settings.maxPayloadBytes();
    }

    void register(@Observes Router router) {
        // Runs before Funqy reads the body: a declared length over the limit is refused up front.
        // (Bodies without a length are capped by quarkus.http.limits.max-body-size: 413.)
        router.post().order(-100).handler(this::refuseOversized);
        router.route().order(-100).failureHandler(this::answer);
    }

    private void refuseOversized(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && length.chars().allMatch(Character::isDigit) && !length.isEmpty() && Long.parseLong(length) > maxPayloadBytes) {
            respond(ctx, 400, "invalid event", List.of(new Violation("event", "the body is " + length + " bytes; the limit is " + maxPayloadBytes)));
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
                respond(ctx, 400, "invalid event", List.of(new Violation("data", "is not valid JSON for this event: " + json.getOriginalMessage())));
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
        ctx.next();
    }

    private void respond(RoutingContext ctx, int status, String error, List<Violation> violations) {
        if (ctx.response().headWritten()) {
            return;
        }
        String body;
        try {
            body = mapper.writeValueAsString(Map.of("error", error, "violations", violations));
        } catch (JsonProcessingException e) {
            body = "{\"error\":\"" + error + "\"}";
        }
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }
}
