package com.example.profiles.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import com.example.profiles.ordering.ProfileOracle.Snapshot;
import com.example.profiles.profile.ProfileView;

/**
 * The check every stream test ends with: each user's profile as a reader gets it equals the
 * oracle's, and the stream exercised every rule (erasures, deletes meeting newer events, converted
 * and filled carts, customer attributes), or equality would prove little.
 */
final class OracleComparison {

    private OracleComparison() {
    }

    /**
     * @param events the distinct events, as generated
     * @param arrival the order they were delivered in (with re-deliveries)
     * @param read a user's profile as the application answers it
     * @param midStreamDeletes whether the stream has deletes between other events (then they must
     *        meet newer events in both arrival orders)
     * @param run what to name in the failure message to repeat the run (the seed, the sizes)
     */
    static void assertEveryProfileEqualsOracle(List<GeneratedEvent> events, List<GeneratedEvent> arrival, ProfileOracle oracle,
            Function<String, Optional<ProfileView>> read, boolean midStreamDeletes, String run) {
        Set<String> users = new LinkedHashSet<>();
        events.forEach(e -> users.add(e.userId()));
        Map<String, Long> lastDelete = new HashMap<>();
        Map<String, Long> lastEvent = new HashMap<>();
        for (GeneratedEvent e : events) {
            lastEvent.merge(e.userId(), e.time(), Math::max);
            if (isDelete(e)) {
                lastDelete.merge(e.userId(), e.time(), Math::max);
            }
        }
        long rebuilt = lastDelete.entrySet().stream().filter(d -> lastEvent.get(d.getKey()) > d.getValue()).count();
        long deletesBehindNewerEvents = deletesArrivingAfterNewerEvents(arrival);
        List<String> mismatches = new ArrayList<>();
        int erased = 0;
        int converted = 0;
        int filledCarts = 0;
        int customers = 0;
        for (String user : users) {
            Optional<Snapshot> expected = oracle.expected(user);
            converted += expected.filter(x -> x.cart() != null && "converted".equals(x.cart().status())).isPresent() ? 1 : 0;
            filledCarts += expected.filter(x -> x.cart() != null && !x.cart().lines().isEmpty()).isPresent() ? 1 : 0;
            customers += expected.filter(x -> x.customer() != null).isPresent() ? 1 : 0;
            Optional<Snapshot> actual = read.apply(user).map(Snapshot::of);
            if (expected.isEmpty()) {
                erased++;
            }
            if (!expected.equals(actual)) {
                mismatches.add(user + "\n  expected " + expected + "\n  actual   " + actual);
            }
        }
        assertThat(erased).as("erased users").isPositive();
        if (midStreamDeletes) {
            assertThat(rebuilt).as("users with events after a delete (the delete arriving before or after them)").isPositive();
            assertThat(deletesBehindNewerEvents).as("deletes arriving after a newer event of the same user").isPositive();
        }
        assertThat(converted).as("users whose cart was converted last").isPositive();
        assertThat(filledCarts).as("users with items in the cart").isPositive();
        assertThat(customers).as("users with customer attributes").isPositive();
        assertThat(mismatches).as("profiles differing from the oracle (" + run + ", " + events.size() + " events, " + arrival.size()
                + " deliveries, " + erased + " users erased)").isEmpty();
    }

    private static boolean isDelete(GeneratedEvent e) {
        return e.function().equals("customer") && "d".equals(e.data().get("op"));
    }

    /** Deletes delivered (the first time) after an event of the same user that is newer than the delete. */
    private static long deletesArrivingAfterNewerEvents(List<GeneratedEvent> arrival) {
        Map<String, Long> newest = new HashMap<>();
        Set<GeneratedEvent> seen = new HashSet<>();
        long count = 0;
        for (GeneratedEvent e : arrival) {
            Long before = newest.get(e.userId());
            if (isDelete(e) && seen.add(e) && before != null && before > e.time()) {
                count++;
            }
            newest.merge(e.userId(), e.time(), Math::max);
        }
        return count;
    }
}
