package com.example.profiles.core;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonMappingException;

/**
 * A value our own deserializers refuse ({@link ExactDecimal}, {@link EventTime}), with a message
 * written to be shown as it is: it names the rule, never the value. {@link JsonProblems} passes it
 * on, where it replaces Jackson's own messages (which quote the input).
 */
public class JsonRefusal extends JsonMappingException {

    private static final long serialVersionUID = 1L;

    public JsonRefusal(JsonParser parser, String message) {
        super(parser, message);
    }
}
