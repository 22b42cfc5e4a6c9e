package com.example.profiles.knative;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import com.example.profiles.core.EventIntake;
import com.example.profiles.core.InvalidEventException;
import com.example.profiles.core.JsonProblems;
import com.example.profiles.core.ProfileEventFunction;
import com.example.profiles.core.ProfileSettings;
import com.example.profiles.core.Violation;
import com.example.profiles.intake.CloudEventEnvelope;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Looks at every request to a CloudEvents endpoint before Funqy does, and answers each one that is
 * not a well-formed CloudEvent for one of our functions with a clear 4xx and the JSON error body
 * ({@link HttpErrors#respond}). Funqy would answer many of them 500 (which a Knative Trigger
 * retries as if we were down), 404 with an empty body (retried too), or 406, and it reads a
 * structured event's attributes as text, so a number would pass for an id. The endpoints:
 * {@code /} (where Knative delivers) and the event functions' own paths ({@code /purchase},
 * {@code /cart}, {@code /customer}), which take the same CloudEvents and nothing else; a
 * CloudEvent posted to another function's path ({@code /profile}, {@code /sweeper}) is checked the
 * same way (Funqy routes CloudEvents by type, whatever the path).
 * <p>
 * The checks, in order: the method (POST, else 405); the body size ({@code profiles.max-payload-bytes},
 * declared or not; 400); the content type (JSON data in binary mode, or a structured event;
 * batch mode and anything else 415); the attributes and, in structured mode, the document
 * ({@link CloudEventEnvelope}: the same rules as on Kafka; 400); the type (one of our functions',
 * and on a function's path that function's; 400, with one WARN line per unknown type and minute at
 * most); data present (400, or 200 IGNORED for a function that takes an empty event as a
 * tombstone). What comes after the attributes (the time window, the function's own type, the data)
 * is {@link com.example.profiles.core.EventIntake}'s, as on every channel.
 * <p>
 * A binary-mode event is decided from its headers; its body is read once, by Funqy, as the data.
 * A structured event has to be read to be checked, and Funqy cannot be handed an event already
 * read (short of Vert.x internals), so it reads the body again to bind the data. What Funqy would
 * read otherwise than CloudEventEnvelope (JSON data as {@code data_base64}, a null {@code time} or
 * {@code datacontenttype}, one not written {@code application/json}) is refused with a 400 that
 * says what to send instead, rather than rewritten for Funqy, which would take those internals too.
 */
@ApplicationScoped
public class CloudEventScreen {

    private final ObjectMapper mapper;
    private final HttpErrors errors;
    private final int maxPayloadBytes;
    private final UnknownTypeWarnings unknownTypes = new UnknownTypeWarnings();
    /** Event type to function name, from the descriptors (and their overrides). */
    private final Map<String, String> functionByType = new HashMap<>();
    /** The functions that take events: their paths take nothing but CloudEvents. */
    private final Set<String> eventFunctions;
    /** Event types whose function takes an event without data as a normal, ignorable message. */
    private final Set<String> typesIgnoringEmptyEvents;

    public CloudEventScreen(ObjectMapper mapper, HttpErrors errors, ProfileSettings settings, Instance<ProfileEventFunction<?>> functions,
            EventIntake intake) {
        this.mapper = mapper;
        this.errors = errors;
        this.maxPayloadBytes = settings.maxPayloadBytes();
        settings.functions().forEach((name, function) -> functionByType.put(function.eventType(), name));
        this.eventFunctions = functions.stream().map(ProfileEventFunction::name).collect(Collectors.toUnmodifiableSet());
        this.typesIgnoringEmptyEvents = functions.stream().filter(ProfileEventFunction::ignoresEmptyEvents).map(intake::eventType)
                .collect(Collectors.toUnmodifiableSet());
    }

    void register(@Observes Router router) {
        // Before Funqy's routes (order 0); the body handler has read the body by then.
        router.route("/").order(-100).handler(ctx -> screen(ctx, null));
        for (String function : functionNames()) {
            router.route("/" + function).order(-100).handler(ctx -> screen(ctx, function));
        }
    }

    private Set<String> functionNames() {
        return Set.copyOf(functionByType.values());
    }

    private void screen(RoutingContext ctx, String pathFunction) {
        boolean eventEndpoint = pathFunction == null || eventFunctions.contains(pathFunction);
        MultiMap headers = ctx.request().headers();
        String contentType = headers.get(HttpHeaders.CONTENT_TYPE);
        if (!eventEndpoint && !headers.contains("ce-id") && !isStructured(contentType)) {
            ctx.next(); // a plain request to the profile reader or the sweeper: Funqy's own HTTP
            return;
        }
        if (ctx.request().method() != HttpMethod.POST) {
            ctx.response().putHeader(HttpHeaders.ALLOW, "POST");
            errors.respond(ctx, 405, "method not allowed", List.of(new Violation("method",
                    ctx.request().method().name() + " is not taken here: CloudEvents are POSTed")));
            return;
        }
        int length = ctx.body() == null ? -1 : ctx.body().length();
        if (length > maxPayloadBytes) {
            errors.respond(ctx, 400, HttpErrors.INVALID, List.of(HttpErrors.tooLarge(Integer.toString(length), maxPayloadBytes)));
            return;
        }
        try {
            if (contentType != null && CloudEventEnvelope.mediaType(contentType).equals(CloudEventEnvelope.BATCH)) {
                errors.respond(ctx, 415, "unsupported media type", List.of(new Violation("Content-Type",
                        "batch mode (" + CloudEventEnvelope.BATCH + ") is not taken: post one event per request")));
            } else if (isStructured(contentType)) {
                structured(ctx, pathFunction);
            } else {
                binary(ctx, pathFunction, contentType);
            }
        } catch (InvalidEventException invalid) {
            errors.respond(ctx, 400, HttpErrors.INVALID, invalid.violations());
        }
    }

    private void binary(RoutingContext ctx, String pathFunction, String contentType) {
        MultiMap headers = ctx.request().headers();
        if (headers.names().stream().noneMatch(name -> name.regionMatches(true, 0, "ce-", 0, 3))) {
            throw new InvalidEventException("event", "is not a CloudEvent: send the attributes as ce-specversion, ce-id, ce-source and ce-type"
                    + " headers with JSON data (binary mode), or the whole event as " + CloudEventEnvelope.STRUCTURED + " (structured mode)");
        }
        for (String name : List.of("ce-specversion", "ce-id", "ce-source", "ce-type", "ce-time", "Content-Type")) {
            if (headers.getAll(name).size() > 1) {
                throw new InvalidEventException(name.startsWith("ce-") ? name.substring(3) : name, "appears more than once (the " + name + " header)");
            }
        }
        String type = headers.get("ce-type");
        boolean empty = ctx.body() == null || ctx.body().length() <= 0;
        if (!empty && (contentType == null || !CloudEventEnvelope.isJsonData(contentType))) {
            errors.respond(ctx, 415, "unsupported media type", List.of(new Violation("Content-Type",
                    "must be application/json (the data of a binary-mode event) or " + CloudEventEnvelope.STRUCTURED
                            + " (a structured-mode event)")));
            return;
        }
        // Without data there is nothing the content type could describe.
        CloudEventEnvelope.binary(headers.get("ce-specversion"), headers.get("ce-id"), headers.get("ce-source"), type,
                headers.get("ce-time"), empty ? null : contentType);
        checkType(type, pathFunction);
        if (empty) {
            noData(ctx, type, headers.get("ce-id"));
            return;
        }
        if (!contentType.startsWith("application/json")) {
            headers.set(HttpHeaders.CONTENT_TYPE, "application/json"); // e.g. Application/JSON: Funqy compares case-sensitively
        }
        ctx.next();
    }

    private void structured(RoutingContext ctx, String pathFunction) {
        JsonNode document;
        try {
            document = mapper.readTree(ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("event", JsonProblems.violation(e).message());
        } catch (IOException e) {
            throw new InvalidEventException("event", "cannot be read");
        }
        if (document == null || document.isMissingNode()) {
            throw new InvalidEventException("event", "the body is empty: a structured CloudEvent is one JSON object");
        }
        CloudEventEnvelope event = CloudEventEnvelope.structured(document, mapper);
        checkType(event.type(), pathFunction);
        if (event.data() == null) {
            noData(ctx, event.type(), event.id());
            return;
        }
        List<Violation> unreadable = funqyReadsOtherwise(document);
        if (!unreadable.isEmpty()) {
            throw new InvalidEventException(unreadable);
        }
        ctx.next();
    }

    /**
     * What Funqy would read otherwise than CloudEventEnvelope (and Kafka) do: it binds only
     * {@code data}, reads a JSON null {@code time} or {@code datacontenttype} as the text "null",
     * and takes the data as JSON only when {@code datacontenttype} starts with
     * {@code application/json} exactly. Other null attributes Funqy leaves alone.
     */
    private static List<Violation> funqyReadsOtherwise(JsonNode document) {
        List<Violation> problems = new ArrayList<>(0);
        if (document.hasNonNull("data_base64")) {
            problems.add(new Violation("data_base64", "is not taken over HTTP: send the JSON data itself as data"));
        }
        for (String attribute : List.of("time", "datacontenttype")) {
            if (document.has(attribute) && document.get(attribute).isNull()) {
                problems.add(new Violation(attribute, "is null: leave out an attribute that has no value"));
            }
        }
        JsonNode contentType = document.get("datacontenttype");
        if (contentType != null && contentType.isTextual() && !contentType.textValue().startsWith("application/json")) {
            problems.add(new Violation("datacontenttype", "must be written application/json, in lower case (parameters may follow a ';')"));
        }
        return problems;
    }

    /** The type must be one of our functions' (on a function's own path: that function's). */
    private void checkType(String type, String pathFunction) {
        String function = functionByType.get(type);
        if (function == null) {
            unknownTypes.warn(type);
            throw new InvalidEventException("type", "no function here takes events of this type; the types taken are "
                    + functionByType.keySet().stream().sorted().collect(Collectors.joining(", ")));
        }
        if (pathFunction != null && !pathFunction.equals(function)) {
            throw new InvalidEventException("type", "this path takes only the events of function " + pathFunction
                    + "; post the event to / or to /" + function);
        }
    }

    private void noData(RoutingContext ctx, String type, String id) {
        if (typesIgnoringEmptyEvents.contains(type)) {
            errors.respond(ctx, 200, Map.of("status", "IGNORED", "eventId", id));
        } else {
            errors.respond(ctx, 400, HttpErrors.INVALID, List.of(new Violation("data", "the event carries no data")));
        }
    }

    private static boolean isStructured(String contentType) {
        return contentType != null && CloudEventEnvelope.mediaType(contentType).equals(CloudEventEnvelope.STRUCTURED);
    }
}
