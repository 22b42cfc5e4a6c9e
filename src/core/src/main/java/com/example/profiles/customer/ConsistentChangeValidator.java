package com.example.profiles.customer;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

import com.example.profiles.core.UserId;
import com.example.profiles.core.Violations;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Checks {@link ConsistentChange}. Settings are looked up per call: see ConsistentOrderValidator.
 * A delete needs only the row's key: nothing else in {@code before} (under REPLICA IDENTITY FULL
 * the whole old row, long values included) can make it refused, so an erasure is never lost to a
 * value it does not use. Messages name fields, never values.
 */
public class ConsistentChangeValidator implements ConstraintValidator<ConsistentChange, DebeziumChange> {

    /** Column names become profile field names. */
    static final java.util.regex.Pattern COLUMN = java.util.regex.Pattern.compile("[A-Za-z0-9_]{1,64}");

    private final Provider<CustomerSettings> settings;

    @Inject
    public ConsistentChangeValidator(Provider<CustomerSettings> settings) {
        this.settings = settings;
    }

    @Override
    public boolean isValid(DebeziumChange change, ConstraintValidatorContext context) {
        if (change == null || change.op() == null || change.op().length() != 1 || "cudr".indexOf(change.op().charAt(0)) < 0) {
            return true;
        }
        context.disableDefaultConstraintViolation();
        CustomerSettings config = settings.get();
        boolean valid = true;
        if (change.source() != null && change.source().table() != null && !config.table().equals(change.source().table())) {
            valid = Violations.add(context, "source.table", "is not the table this function takes (profiles.customer.table)");
        }
        boolean delete = "d".equals(change.op());
        String side = delete ? "before" : "after";
        Map<String, JsonNode> row = change.row();
        if (row == null) {
            return Violations.add(context, side, "is required for op " + change.op()
                    + (delete ? " (it holds the deleted row's key)" : ""));
        }
        JsonNode id = row.get(config.idColumn());
        if (id == null || id.isNull() || id.isContainerNode()) {
            valid = Violations.add(context, side + "." + config.idColumn(), "is required and must be a plain value");
        } else if (!UserId.SHAPE.matcher(id.asText()).matches()) {
            valid = Violations.add(context, side + "." + config.idColumn(), "is not a usable user id");
        }
        if (!delete && row.size() > config.maxColumns()) {
            valid = Violations.add(context, side, "has " + row.size() + " columns; at most " + config.maxColumns() + " are accepted");
        }
        return valid;
    }
}
