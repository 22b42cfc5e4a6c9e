package com.example.profiles.cart;

import java.math.BigDecimal;
import java.time.Instant;

import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import com.example.profiles.core.PlainText;
import com.example.profiles.core.ProfileLimits;
import com.example.profiles.core.UserId;

import com.fasterxml.jackson.annotation.JsonFormat;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The data of a {@code com.example.commerce.cart.changed.v1} CloudEvent. Which fields are needed
 * depends on the action (see {@link ConsistentCartChange}): a line change names the SKU; adding
 * or setting a positive quantity also gives category, unit price and currency.
 *
 * @param occurredAt when the change happened; when absent, the CloudEvent {@code time} is used
 */
@ConsistentCartChange
@RegisterForReflection
@JsonFormat(without = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES) // see StrictJson: one binding on every channel
public record CartChanged(
        @NotNull @UserId String userId,
        @NotBlank @Size(max = 128) @PlainText String cartId,
        @NotNull CartAction action,
        @Size(min = 1, max = 64) @PlainText String sku,
        @Size(min = 1, max = 64) @PlainText(forbidden = ":", message = "must not contain ':' or control characters") String category,
        @PositiveOrZero @Max(ProfileLimits.MAX_QUANTITY) Integer quantity,
        @PositiveOrZero @Digits(integer = 12, fraction = 4) BigDecimal unitPrice,
        @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO-4217 code such as EUR") String currency,
        Instant occurredAt) {
}
