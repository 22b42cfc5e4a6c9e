package com.example.profiles.lambda;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.example.profiles.store.ProfileStoreUnavailableException;
import com.example.profiles.core.UserId;
import com.example.profiles.profile.ProfileReader;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.funqy.Funq;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/**
 * The profile reader's Lambda entry point, behind a function URL with IAM auth (the Terraform
 * module creates it on the alias): {@code GET /profiles/{userId}} answers the profile with
 * per-source freshness, as the Knative binding's route does. The URL delivers the HTTP request as
 * a payload of format 2.0 and takes back {@code {statusCode, headers, body}}:
 * <ul>
 * <li>200 and the profile; 404 when there is none; 400 for a malformed id; 405 for another
 * method; 404 for another path;</li>
 * <li>503 with {@code Retry-After} when Redis does not answer within the invocation's deadline.</li>
 * </ul>
 */
public class ProfileLambda {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ProfileLambda.class);
    static final Pattern PATH = Pattern.compile("^/profiles/([^/]*)/?$");

    /** What a function URL takes back: the HTTP answer. */
    @RegisterForReflection
    public record HttpAnswer(int statusCode, Map<String, String> headers, String body) {
    }

    private final ProfileReader reader;
    private final InvocationDeadlines deadlines;
    private final ObjectMapper mapper;

    public ProfileLambda(ProfileReader reader, InvocationDeadlines deadlines, ObjectMapper mapper) {
        this.reader = reader;
        this.deadlines = deadlines;
        this.mapper = mapper;
    }

    @Funq(ProfileReader.FUNCTION)
    public Uni<HttpAnswer> profile(JsonNode request) {
        InvocationDeadline deadline = deadlines.now();
        String method = request == null ? null : request.at("/requestContext/http/method").asText(null);
        String path = request == null ? null : request.path("rawPath").asText(null);
        if (method == null || path == null) {
            return Uni.createFrom().item(json(400, Map.of("error", "not a function URL request (payload format 2.0)")));
        }
        Matcher matcher = PATH.matcher(path);
        if (!matcher.matches()) {
            return Uni.createFrom().item(json(404, Map.of("error", "no such resource; GET /profiles/{userId}")));
        }
        if (!"GET".equals(method)) {
            HttpAnswer refused = json(405, Map.of("error", "only GET"));
            refused.headers().put("allow", "GET");
            return Uni.createFrom().item(refused);
        }
        String userId = java.net.URLDecoder.decode(matcher.group(1), java.nio.charset.StandardCharsets.UTF_8);
        if (!UserId.SHAPE.matcher(userId).matches()) {
            return Uni.createFrom().item(json(400, Map.of("error", "not a valid user id")));
        }
        return deadline.bound(reader.read(userId), "reading profile")
                .map(profile -> profile.<HttpAnswer>map(view -> json(200, view))
                        .orElseGet(() -> json(404, Map.of("error", "no profile for this user id"))))
                .onFailure(failure -> failure instanceof ProfileStoreUnavailableException
                        || failure instanceof InvocationDeadline.DeadlineExceededException)
                .recoverWithItem(failure -> {
                    LOG.warnf("GET /profiles/{id}: answering 503: %s (%s left of the invocation's time)", failure.getMessage(), deadline.remaining());
                    HttpAnswer unavailable = json(503, Map.of("error", "profile store unavailable"));
                    unavailable.headers().put("retry-after", "1");
                    return unavailable;
                });
    }

    private HttpAnswer json(int status, Object body) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("content-type", "application/json");
        try {
            return new HttpAnswer(status, headers, mapper.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a profile view of plain values cannot fail to serialize", e);
        }
    }
}
