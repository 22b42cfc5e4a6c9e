package com.example.profiles.profile;

import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A profile as readers get it. Money is in minor units of {@code currency} (the base currency),
 * times are UTC epoch milliseconds.
 *
 * @param freshness per source (field group): when its newest applied event happened, when it was
 *        written, and how old that write is now
 */
@RegisterForReflection
public record ProfileView(String userId, long version, String currency, Purchases purchases,
        Map<String, CategoryAffinity> categoryAffinity, List<RecentSku> recentSkus, Cart cart, Customer customer,
        Map<String, SourceFreshness> freshness) {

    /**
     * The live cart; null when the shopper never had one.
     *
     * @param status active, empty, or converted (a purchase was placed from it)
     * @param convertedOrderId the order that converted it, when status is converted
     */
    public record Cart(String cartId, String status, List<CartLine> lines, long itemCount, long valueMinor, long updatedAt,
            String convertedOrderId) {
    }

    public record CartLine(String sku, String category, long quantity, long unitPriceMinor) {
    }

    /**
     * Customer attributes from the customer database; personal columns appear only as
     * {@code <column>_hash}. Null when no change was received yet.
     *
     * @param position the database log position of the change applied last (lsn:txId)
     */
    public record Customer(Map<String, String> attributes, String position) {
    }

    public record Purchases(long count, long spendMinor, Long lastPurchaseAt, String lastOrderId) {
    }

    public record CategoryAffinity(long count, long spendMinor) {
    }

    public record RecentSku(String sku, long purchasedAt) {
    }

    public record SourceFreshness(Long eventAt, long writtenAt, long ageMillis) {
    }
}
