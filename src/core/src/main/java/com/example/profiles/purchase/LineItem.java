package com.example.profiles.purchase;

import java.math.BigDecimal;

import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import com.example.profiles.core.PlainText;
import com.example.profiles.core.ProfileLimits;

import com.fasterxml.jackson.annotation.JsonFormat;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One line of an order, prices in the order's currency. */
@RegisterForReflection
@JsonFormat(without = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
public record LineItem(
        @NotBlank @Size(max = 64) @PlainText String sku,
        // ':' separates the parts of a profile field name (affinity:<category>:count)
        @NotBlank @Size(max = 64) @PlainText(forbidden = ":", message = "must not contain ':' or control characters") String category,
        @NotNull @Positive @Max(ProfileLimits.MAX_QUANTITY) Integer quantity,
        @NotNull @PositiveOrZero @Digits(integer = 12, fraction = 4) BigDecimal unitPrice) {

    BigDecimal lineTotal() {
        return unitPrice.multiply(BigDecimal.valueOf(quantity));
    }
}
