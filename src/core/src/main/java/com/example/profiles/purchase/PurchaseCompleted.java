package com.example.profiles.purchase;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import com.example.profiles.core.PlainText;
import com.example.profiles.core.UserId;
import com.fasterxml.jackson.annotation.JsonFormat;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The data of a {@code com.example.commerce.purchase.completed.v1} CloudEvent: an order the shopper
 * completed. {@code total} must equal the sum of the lines (tax and shipping, if counted, are lines).
 *
 * @param cartId the live cart the order was placed from, if known: that cart is then marked
 *        converted and emptied
 * @param occurredAt when the order completed; when absent, the CloudEvent {@code time} is used
 */
@RegisterForReflection
@ConsistentOrder
@JsonFormat(without = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES) // see StrictJson: one binding on every channel
public record PurchaseCompleted(
        @NotNull @UserId String userId,
        @NotBlank @Size(max = 128) @PlainText String orderId,
        @Size(min = 1, max = 128) @PlainText String cartId,
        Instant occurredAt,
        @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO-4217 code such as EUR") String currency,
        @NotEmpty List<@NotNull @Valid LineItem> items,
        @NotNull @PositiveOrZero @Digits(integer = 15, fraction = 4) BigDecimal total) {
}
