package com.example.profiles.customer;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

import com.example.profiles.core.UserId;
import com.example.profiles.core.Violations;

/** Checks {@link ConsistentChange}. Settings are looked up per call: see ConsistentOrderValidator. */
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
            valid = Violations.add(context, "source.table", "is " + change.source().table() + "; this function takes changes of " + config.table());
        }
        String side = "d".equals(change.op()) ? "before" : "after";
        Map<String, Object> row = change.row();
        if (row == null) {
            return Violations.add(context, side, "is required for op " + change.op()
                    + ("d".equals(change.op()) ? " (it holds the deleted row's key)" : ""));
        }
        Object id = row.get(config.idColumn());
        if (id == null || id instanceof Map || id instanceof Iterable) {
            valid = Violations.add(context, side + "." + config.idColumn(), "is required and must be a plain value");
        } else if (!UserId.SHAPE.matcher(id.toString()).matches()) {
            valid = Violations.add(context, side + "." + config.idColumn(), "is not a usable user id");
        }
        if (row.size() > config.maxColumns()) {
            valid = Violations.add(context, side, "has " + row.size() + " columns; at most " + config.maxColumns() + " are accepted");
        }
        for (Map.Entry<String, Object> column : row.entrySet()) {
            if (!COLUMN.matcher(column.getKey()).matches()) {
                valid = Violations.add(context, side, "column name '" + column.getKey() + "' is not letters, digits or '_'");
            } else if (column.getValue() instanceof String text && text.length() > config.maxValueLength()) {
                valid = Violations.add(context, side + "." + column.getKey(), "is longer than " + config.maxValueLength() + " characters");
            }
        }
        return valid;
    }
}
