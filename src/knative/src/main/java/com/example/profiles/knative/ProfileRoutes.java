package com.example.profiles.knative;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.example.profiles.store.ProfileStoreUnavailableException;
import com.example.profiles.core.UserId;
import com.example.profiles.profile.ProfileReader;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /profiles/{userId}}: the profile with per-source freshness, or 404 for an unknown user. */
@ApplicationScoped
public class ProfileRoutes {

    private final ProfileReader reader;
    private final ObjectMapper mapper;

    public ProfileRoutes(ProfileReader reader, ObjectMapper mapper) {
        this.reader = reader;
        this.mapper = mapper;
    }

    void register(@Observes Router router) {
        router.get("/profiles/:userId").order(-50).handler(this::read);
    }

    private void read(RoutingContext ctx) {
        String userId = ctx.pathParam("userId");
        if (userId == null || !UserId.SHAPE.matcher(userId).matches()) {
            json(ctx, 400, Map.of("error", "not a valid user id"));
            return;
        }
        reader.read(userId).subscribe().with(
                profile -> profile.ifPresentOrElse(
                        view -> json(ctx, 200, view),
                        () -> json(ctx, 404, Map.of("error", "no profile for this user id"))),
                failure -> {
                    boolean unavailable = failure instanceof ProfileStoreUnavailableException;
                    if (unavailable) {
                        ctx.response().putHeader("Retry-After", "1"); // unavailable or late (past its deadline): try again
                    }
                    json(ctx, unavailable ? 503 : 500, Map.of("error", "profile store unavailable"));
                });
    }

    private void json(RoutingContext ctx, int status, Object body) {
        try {
            ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(mapper.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }
}
