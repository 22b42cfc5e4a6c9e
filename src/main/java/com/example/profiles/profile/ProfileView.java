package com.example.profiles.profile;

import java.util.List;
import java.util.Map;

/**
 * A profile as readers get it. Money is in minor units of {@code currency} (the base currency),
 * times are UTC epoch milliseconds.
 *
 * @param freshness per source (field group): when its newest applied event happened, when it was
 *        written, and how old that write is now
 */
public record ProfileView(String userId, long version, String currency, Purchases purchases,
        Map<String, CategoryAffinity> categoryAffinity, List<RecentSku> recentSkus, Map<String, SourceFreshness> freshness) {

    public record Purchases(long count, long spendMinor, Long lastPurchaseAt, String lastOrderId) {
    }

    public record CategoryAffinity(long count, long spendMinor) {
    }

    public record RecentSku(String sku, long purchasedAt) {
    }

    public record SourceFreshness(Long eventAt, long writtenAt, long ageMillis) {
    }
}
