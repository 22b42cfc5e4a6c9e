package com.example.profiles.devtools.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.example.profiles.cart.CartChanged;
import com.example.profiles.cart.CartFunction;
import com.example.profiles.core.CurrencyConverter;
import com.example.profiles.core.EventClock;
import com.example.profiles.core.EventIntake.Decoded;
import com.example.profiles.core.EventMeta;
import com.example.profiles.store.ProfileKeys;
import com.example.profiles.core.ProfileLimits;
import com.example.profiles.store.ProfileScript;
import com.example.profiles.core.ProfileSettings;
import com.example.profiles.core.ProfileUpdate;
import com.example.profiles.core.ProfileUpdater;
import com.example.profiles.core.StrictJson;
import com.example.profiles.customer.CustomerChangeFunction;
import com.example.profiles.customer.CustomerColumns;
import com.example.profiles.customer.CustomerSettings;
import com.example.profiles.customer.DebeziumChange;
import com.example.profiles.customer.KeyedHash;
import com.example.profiles.devtools.bench.LoadStream.Event;
import com.example.profiles.devtools.bench.LoadStream.Kind;
import com.example.profiles.purchase.PurchaseCompleted;
import com.example.profiles.purchase.PurchaseFunction;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The functions as the app builds them (their settings from the core's defaults), turning an
 * event into its {@code EVALSHA}: the call {@code ProfileUpdater} sends, with the same keys and
 * arguments ({@link ProfileUpdater#scriptArgs}). Every script call of the benchmark driver is built
 * here, so a change of the scripts' arguments cannot leave the driver behind; the scripts are the
 * functions' own ({@code SCRIPT}), so a change of what a script is made of cannot either.
 */
final class ScriptCalls {
    /** The update scripts, in the order of {@link Kind}. */
    static final List<ProfileScript> SCRIPTS = java.util.Arrays.stream(Kind.values()).map(ScriptCalls::script).toList();

    private final ObjectMapper mapper;
    private final PurchaseFunction purchase;
    private final CartFunction cart;
    private final CustomerChangeFunction customer;
    private final ProfileLimits limits;
    private final String retention;
    private final String lateness;

    ScriptCalls() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultSources()
                .withDefaultValue("PROFILE_HASH_KEY", "script-cost-benchmark-key-not-a-secret")
                .withMapping(ProfileSettings.class)
                .withMapping(CustomerSettings.class)
                .withValidateUnknown(false)
                .build();
        ProfileSettings profile = config.getConfigMapping(ProfileSettings.class);
        CustomerSettings customerSettings = config.getConfigMapping(CustomerSettings.class);
        mapper = new ObjectMapper().findAndRegisterModules().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        new StrictJson().customize(mapper);
        CurrencyConverter currencies = new CurrencyConverter(profile);
        EventClock clock = new EventClock(profile);
        purchase = new PurchaseFunction(currencies, clock, profile);
        cart = new CartFunction(currencies, clock);
        customer = new CustomerChangeFunction(customerSettings, clock, new KeyedHash(customerSettings), mapper, null, profile,
                new CustomerColumns(customerSettings), new SimpleMeterRegistry());
        limits = new ProfileLimits(profile, currencies);
        retention = Long.toString(profile.dedupRetention().toMillis());
        lateness = Long.toString(profile.lateness().toMillis());
    }

    /** The update script of events of this kind: the function's own. */
    static ProfileScript script(Kind kind) {
        return switch (kind) {
            case PURCHASE -> PurchaseFunction.SCRIPT;
            case CART -> CartFunction.SCRIPT;
            case CUSTOMER -> CustomerChangeFunction.SCRIPT;
        };
    }

    /** The sources to load: the class path's scripts, or a variant's (script name to source). */
    static List<String> scripts(Map<String, String> variant) {
        List<String> sources = new ArrayList<>();
        for (ProfileScript script : SCRIPTS) {
            sources.add(variant.getOrDefault(script.name(), script.source()));
        }
        return sources;
    }

    /** The calls with each script's SHA replaced by the variant's. */
    static List<List<String>> using(Map<String, String> variant, List<List<String>> commands) {
        if (variant.isEmpty()) {
            return commands;
        }
        Map<String, String> shaBySha = new LinkedHashMap<>();
        for (ProfileScript script : SCRIPTS) {
            shaBySha.put(script.sha(), sha1(variant.getOrDefault(script.name(), script.source())));
        }
        List<List<String>> replaced = new ArrayList<>(commands.size());
        for (List<String> command : commands) {
            List<String> copy = new ArrayList<>(command);
            copy.set(1, shaBySha.get(command.get(1)));
            replaced.add(copy);
        }
        return replaced;
    }

    /** The update scripts composed of the same parts as the functions' ({@link ProfileScript#parts}), from a directory of .lua files. */
    static Map<String, String> scriptsFrom(Path dir) throws java.io.IOException {
        Map<String, String> sources = new LinkedHashMap<>();
        for (ProfileScript script : SCRIPTS) {
            List<String> parts = new ArrayList<>();
            for (String part : script.parts()) {
                parts.add(Files.readString(dir.resolve(part + ".lua")));
            }
            sources.put(script.name(), String.join("\n", parts));
        }
        return sources;
    }

    private static String sha1(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The call the app makes for one event of the stream, applied at {@code now}. */
    List<String> command(Event event, long now) throws Exception {
        ProfileUpdate update;
        EventMeta meta;
        switch (event.kind()) {
            case PURCHASE -> {
                meta = new EventMeta(event.id(), event.source(), event.ceType(), null);
                update = purchase.toUpdate(mapper.readValue(event.data(), PurchaseCompleted.class), meta);
            }
            case CART -> {
                meta = new EventMeta(event.id(), event.source(), event.ceType(), null);
                update = cart.toUpdate(mapper.readValue(event.data(), CartChanged.class), meta);
            }
            default -> {
                Decoded<DebeziumChange> decoded = customer.fromJson(mapper.readTree(event.data()),
                        new EventMeta("shop.public.customers-0-0", "kafka:shop.public.customers", event.ceType(), null));
                meta = decoded.meta();
                update = customer.toUpdate(decoded.data(), meta);
            }
        }
        return evalsha(update, meta.dedupKey(), now);
    }

    /**
     * The call for one sample event of a kind, for user {@code userId} at {@code eventTime}, with
     * {@code dedupKey} as its idempotency key: built by the function's own code from the event's
     * data, like every other call here. For {@code redis-benchmark} the ids may hold its
     * {@code __rand_int__} placeholder (a customer change's log position is fixed: a second change
     * for the same user is then an older one, STALE, as a re-sent change is).
     */
    List<String> sample(Kind kind, String userId, String dedupKey, long eventTime, long now) throws Exception {
        String when = Instant.ofEpochMilli(eventTime).toString();
        ProfileUpdate update = switch (kind) {
            case PURCHASE -> purchase.toUpdate(mapper.readValue("{\"userId\":\"" + userId + "\",\"orderId\":\"o-" + userId + "\",\"occurredAt\":\""
                    + when + "\",\"currency\":\"EUR\",\"items\":[{\"sku\":\"SHOE-1\",\"category\":\"shoes\",\"quantity\":1,\"unitPrice\":59.90},"
                    + "{\"sku\":\"SOCK-1\",\"category\":\"apparel\",\"quantity\":2,\"unitPrice\":37.545}],\"total\":134.99}", PurchaseCompleted.class),
                    new EventMeta(dedupKey, "/bench", "com.example.commerce.purchase.completed.v1", null));
            case CART -> cart.toUpdate(mapper.readValue("{\"userId\":\"" + userId + "\",\"cartId\":\"cart-" + userId
                    + "\",\"action\":\"ITEM_ADDED\",\"sku\":\"SHOE-1\",\"category\":\"shoes\",\"quantity\":1,\"unitPrice\":59.90,"
                    + "\"currency\":\"EUR\",\"occurredAt\":\"" + when + "\"}", CartChanged.class),
                    new EventMeta(dedupKey, "/bench", "com.example.commerce.cart.changed.v1", null));
            case CUSTOMER -> {
                Decoded<DebeziumChange> decoded = customer.fromJson(mapper.readTree("{\"before\":null,\"after\":{\"id\":\"" + userId
                        + "\",\"email\":\"shopper@example.com\",\"tier\":\"gold\",\"city\":\"Oslo\"},\"source\":{\"name\":\"shop\",\"db\":\"shop\","
                        + "\"table\":\"customers\",\"ts_ms\":" + eventTime + ",\"txId\":1,\"lsn\":1000},\"op\":\"u\",\"ts_ms\":" + eventTime + "}"),
                        new EventMeta("bench-0-0", "kafka:shop.public.customers", "com.example.customers.changed.v1", null));
                yield customer.toUpdate(decoded.data(), decoded.meta());
            }
        };
        return evalsha(update, dedupKey, now);
    }

    /** EVALSHA of the update's script with the keys and arguments ProfileUpdater sends. */
    private List<String> evalsha(ProfileUpdate update, String dedupKey, long now) {
        List<String> keys = ProfileKeys.all(update.userId());
        List<String> command = new ArrayList<>(3 + keys.size() + 8 + update.args().size());
        command.add("EVALSHA");
        command.add(update.script().sha());
        command.add(Integer.toString(keys.size()));
        command.addAll(keys);
        command.addAll(ProfileUpdater.scriptArgs(dedupKey, now, retention, lateness, limits.scriptArgs(), update));
        return command;
    }
}
