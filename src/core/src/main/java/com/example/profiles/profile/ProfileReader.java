package com.example.profiles.profile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.example.profiles.core.CurrencyConverter;
import com.example.profiles.core.EventClock;
import com.example.profiles.generation.GenerationState;
import com.example.profiles.generation.Generations;
import com.example.profiles.store.ProfileKeys;
import com.example.profiles.store.ProfileScript;
import com.example.profiles.store.ProfileStore;
import com.example.profiles.profile.ProfileView.Cart;
import com.example.profiles.profile.ProfileView.CartLine;
import com.example.profiles.profile.ProfileView.CategoryAffinity;
import com.example.profiles.profile.ProfileView.Customer;
import com.example.profiles.profile.ProfileView.Purchases;
import com.example.profiles.profile.ProfileView.RecentSku;
import com.example.profiles.profile.ProfileView.SourceFreshness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/** Reads one profile as a consistent snapshot (one script, one slot): the in-process Java API. */
@ApplicationScoped
public class ProfileReader {

    /** The read function's name: its folder in functions/ and its Funqy name. */
    public static final String FUNCTION = "profile";

    private static final ProfileScript READ = ProfileScript.plain("read-profile");
    private static final ProfileScript READ_SWITCHING = ProfileScript.plain("read-profile-switching");

    private final ProfileStore store;
    private final EventClock clock;
    private final CurrencyConverter currencies;
    private final ObjectMapper mapper;
    private final Generations generations;

    public ProfileReader(ProfileStore store, EventClock clock, CurrencyConverter currencies, ObjectMapper mapper, Generations generations) {
        this.generations = generations;
        this.store = store;
        this.clock = clock;
        this.currencies = currencies;
        this.mapper = mapper;
    }

    /** The profile, or a {@link ProfileNotFoundException} failure when the store holds nothing for this user. */
    public Uni<ProfileView> require(String userId) {
        return read(userId).map(profile -> profile.orElseThrow(() -> new ProfileNotFoundException(userId)));
    }

    /** The profile, or empty when the store holds nothing for this user. */
    public Uni<Optional<ProfileView>> read(String userId) {
        return generations.fresh().flatMap(state -> switch (state.phase()) {
            case IDLE, BUILDING -> store.run(READ, ProfileKeys.all(state.current(), userId), List.of());
            case DUAL, SWITCHED -> {
                List<String> current = ProfileKeys.all(state.current(), userId);
                List<String> next = ProfileKeys.all(state.next(), userId);
                yield store.run(READ_SWITCHING, List.of(current.get(0), current.get(2), next.get(0), next.get(2)),
                        List.of(state.phase() == GenerationState.Phase.DUAL ? "current" : "next"));
            }
        }).map(reply -> toView(userId, reply));
    }

    private Optional<ProfileView> toView(String userId, Response reply) {
        Map<String, String> hash = new HashMap<>();
        Response fields = reply.get(0);
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            hash.put(fields.get(i).toString(), fields.get(i + 1).toString());
        }
        if (hash.isEmpty()) {
            return Optional.empty();
        }
        Map<String, CategoryAffinity> affinity = new TreeMap<>();
        Map<String, SourceFreshness> freshness = new TreeMap<>();
        long now = clock.nowMillis();
        hash.forEach((field, value) -> {
            if (field.startsWith("affinity:") && field.endsWith(":count")) {
                String category = field.substring("affinity:".length(), field.length() - ":count".length());
                affinity.put(category, new CategoryAffinity(Long.parseLong(value), number(hash, "affinity:" + category + ":spend_minor")));
            } else if (field.startsWith("src:") && field.endsWith(":written_at")) {
                String source = field.substring("src:".length(), field.length() - ":written_at".length());
                long writtenAt = Long.parseLong(value);
                Long eventAt = hash.containsKey("src:" + source + ":event_at") ? number(hash, "src:" + source + ":event_at") : null;
                freshness.put(source, new SourceFreshness(eventAt, writtenAt, Math.max(0, now - writtenAt)));
            }
        });
        List<RecentSku> recent = new ArrayList<>();
        Response skus = reply.get(1);
        for (int i = 0; i + 1 < skus.size(); i += 2) {
            recent.add(new RecentSku(skus.get(i).toString(), (long) Double.parseDouble(skus.get(i + 1).toString())));
        }
        Purchases purchases = new Purchases(number(hash, "purchase:count"), number(hash, "purchase:spend_minor"),
                hash.containsKey("purchase:last_at") ? number(hash, "purchase:last_at") : null, hash.get("purchase:last_order"));
        return Optional.of(new ProfileView(userId, number(hash, "version"), currencies.baseCurrency(), purchases, affinity, recent,
                cart(hash), customer(hash), freshness));
    }

    private Cart cart(Map<String, String> hash) {
        // A purchase naming a cart the profile never saw leaves an empty cart id: no cart to show.
        String cartId = hash.get("cart:id");
        if (cartId == null || cartId.isEmpty()) {
            return null;
        }
        List<CartLine> lines = new ArrayList<>();
        try {
            JsonNode json = mapper.readTree(hash.getOrDefault("cart:lines", "{}"));
            json.fields().forEachRemaining(line -> lines.add(new CartLine(line.getKey(), line.getValue().path("c").asText(),
                    line.getValue().path("q").asLong(), line.getValue().path("p").asLong())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cart:lines of a profile is not JSON", e);
        }
        lines.sort(Comparator.comparing(CartLine::sku));
        String order = hash.get("cart:order");
        return new Cart(cartId, hash.get("cart:status"), lines, number(hash, "cart:items"), number(hash, "cart:value_minor"),
                number(hash, "cart:updated_at"), order == null || order.isEmpty() ? null : order);
    }

    private static Customer customer(Map<String, String> hash) {
        if (!hash.containsKey("customer:position")) {
            return null;
        }
        Map<String, String> attributes = new TreeMap<>();
        hash.forEach((field, value) -> {
            // position, op and kept are the profile's own bookkeeping (customer.lua), not columns.
            if (field.startsWith("customer:") && !field.equals("customer:position") && !field.equals("customer:op")
                    && !field.equals("customer:kept")) {
                attributes.put(field.substring("customer:".length()), value);
            }
        });
        return new Customer(attributes, hash.get("customer:position"));
    }

    private static long number(Map<String, String> hash, String field) {
        String value = hash.get(field);
        return value == null ? 0 : Long.parseLong(value);
    }
}
