package com.example.profiles.intake;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import com.example.profiles.core.ProfileEventFunction;
import com.example.profiles.core.Violation;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts the dead letters the broker acknowledged, {@code profile_dead_letters_total{function,reason}},
 * by a reason short and bounded enough to be a label: {@code invalid:<field>} for a refused record,
 * the first violation's field cut to its first name ({@code items[0].quantity} counts as
 * {@code invalid:items}), or {@code internal-error:<exception's simple class name>}. A field counts
 * by name only if the function's event data or the CloudEvent envelope has a property of that name;
 * any other (a producer's unknown property, a Debezium column, an extension header) counts as
 * {@code invalid:other}. So the label never carries what a producer wrote, and there are at most
 * as many as the event types have properties.
 */
@ApplicationScoped
public class DeadLetterCounter {

    public static final String METER = "profile.dead.letters";
    static final String OTHER = "other";
    /** The names a violation of the envelope or the record as a whole is given (see the decoders). */
    private static final Set<String> ENVELOPE = Set.of("event", "data", "data_base64", "specversion", "id", "source", "type", "time",
            "subject", "datacontenttype", "dataschema", "content-type");
    private static final int MAX_CLASS_NAME = 64;

    private final MeterRegistry registry;
    private final ObjectMapper mapper;
    private final Instance<ProfileEventFunction<?>> functions;
    private final Map<String, Set<String>> names = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public DeadLetterCounter(MeterRegistry registry, ObjectMapper mapper, Instance<ProfileEventFunction<?>> functions) {
        this.registry = registry;
        this.mapper = mapper;
        this.functions = functions;
    }

    /** The label of a record refused for {@code violations}. */
    public String invalidReason(String function, List<Violation> violations) {
        return invalidReason(violations.isEmpty() ? null : violations.get(0).field(), propertiesOf(function));
    }

    /** {@code invalid:<the field's first name>} if it is an envelope name or one of {@code properties}, else {@code invalid:other}. */
    static String invalidReason(String field, Set<String> properties) {
        if (field == null) {
            return "invalid:" + OTHER;
        }
        int end = field.length();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '.' || c == '[') {
                end = i;
                break;
            }
        }
        String first = field.substring(0, end);
        return "invalid:" + (ENVELOPE.contains(first) || properties.contains(first) ? first : OTHER);
    }

    /** The label of a record the code failed on: the exception's class, never its message. */
    public static String internalErrorReason(Throwable failure) {
        String name = failure.getClass().getSimpleName();
        if (name.isEmpty()) {
            name = "anonymous";
        }
        return "internal-error:" + (name.length() > MAX_CLASS_NAME ? name.substring(0, MAX_CLASS_NAME) : name);
    }

    public void count(String function, String reason) {
        counters.computeIfAbsent(function + '\u0000' + reason, k -> Counter.builder(METER)
                .description("Records sent to a dead-letter topic and acknowledged there, by function and a bounded reason")
                .tag("function", function)
                .tag("reason", reason)
                .register(registry))
                .increment();
    }

    /** The JSON property names of the function's event data; none for an unknown function. */
    private Set<String> propertiesOf(String function) {
        return names.computeIfAbsent(function, name -> {
            for (ProfileEventFunction<?> f : functions) {
                if (f.name().equals(name)) {
                    return properties(mapper, f.dataType());
                }
            }
            return Set.of();
        });
    }

    /** The JSON property names of {@code type}, as Jackson reads it. */
    static Set<String> properties(ObjectMapper mapper, Class<?> type) {
        Set<String> properties = new HashSet<>();
        for (BeanPropertyDefinition p : mapper.getDeserializationConfig().introspect(mapper.constructType(type)).findProperties()) {
            properties.add(p.getName());
        }
        return Set.copyOf(properties);
    }
}
