package com.example.profiles.core;

import java.math.BigDecimal;
import java.time.Instant;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Event data is bound strictly, and the same way on every channel: Funqy's HTTP binding reads with
 * a copy of this mapper, the Kafka and Lambda decoders with the mapper itself.
 * <ul>
 * <li>No coercion: Jackson's defaults would turn a quantity of 1.5 into 1, the string "2" into 2
 * and the number 0 into the string "0", quietly changing what the producer sent.</li>
 * <li>A key that appears twice in one object is refused: last-wins would let one event say two
 * things, and which one we applied would depend on the parser.</li>
 * <li>Decimals are exact and bounded ({@link ExactDecimal}), also inside JSON trees (a structured
 * CloudEvent is read as a tree first): never through {@code double}, which cannot hold
 * 99999999999999.99.</li>
 * <li>Times are RFC 3339 strings with an offset ({@link EventTime}); numbers are not guessed at.</li>
 * </ul>
 * Unknown fields stay allowed, so producers can add fields without breaking us.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        // ... and as written: 7.0 stays 7.0 (a Debezium double column's text), not 7.
        mapper.configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false);
        // ... nor is a number (or true) a string: "userId": 0 is not the user "0".
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.registerModule(new SimpleModule("strict-event-values")
                .addDeserializer(BigDecimal.class, new ExactDecimal.Deserializer())
                .addDeserializer(Instant.class, new EventTime.Deserializer()));
    }

    /** Runs after Quarkus's own customizers and module registration, so these deserializers win. */
    @Override
    public int priority() {
        return MINIMUM_PRIORITY;
    }
}
