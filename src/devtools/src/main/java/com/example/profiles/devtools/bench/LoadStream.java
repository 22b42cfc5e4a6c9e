package com.example.profiles.devtools.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

/**
 * A reproducible, realistic mixed stream for the benchmark: purchase, cart and customer-change
 * (Debezium) events in configurable shares, users drawn from a Zipf distribution, a share of
 * re-deliveries (an earlier event sent again, same id) and a share of out-of-order events (event
 * time up to {@code maxLatenessMillis} before the send). A further share are <em>probes</em>: in
 * order, sent once, each for a user of its own, so that after the run the user's profile tells
 * exactly when that one event was written (freshness.writtenAt) and the freshness lag can be
 * computed per event on the Kafka path.
 */
final class LoadStream {

    enum Kind {
        PURCHASE, CART, CUSTOMER;

        /** The function's topic the events of this kind go to. */
        String topic() {
            return switch (this) {
                case PURCHASE -> "commerce.purchase.completed.v1";
                case CART -> "commerce.cart.changed.v1";
                case CUSTOMER -> "shop.public.customers";
            };
        }
    }

    /** One event to send. {@code data} is the CloudEvent data (JSON), or the Debezium record for customer. */
    record Event(Kind kind, String userId, String id, String source, long eventTime, byte[] data, boolean probe, boolean outOfOrder) {
        String ceType() {
            return switch (kind) {
                case PURCHASE -> "com.example.commerce.purchase.completed.v1";
                case CART -> "com.example.commerce.cart.changed.v1";
                case CUSTOMER -> "com.example.customers.changed.v1";
            };
        }

        /**
         * The event as a CloudEvent (binary mode on both transports: the data is the JSON as
         * generated); not for {@link Kind#CUSTOMER}, whose records are plain Debezium changes.
         */
        CloudEvent cloudEvent() {
            return CloudEventBuilder.v1()
                    .withId(id)
                    .withSource(URI.create(source))
                    .withType(ceType())
                    .withData("application/json", data)
                    .build();
        }

        String topic() {
            return kind.topic();
        }
    }

    /**
     * {@code backlogSpanMillis}: the time a backlog ({@link #batch}) accrued over. 0 (the default, as
     * every recorded run so far) stamps a whole backlog with one event time, so a busy shopper's
     * events all share it; a backlog that built up while a consumer was away has times spread over
     * that while, and then each shopper's events come in time order (see bench/results/round2/command-floor/NOTES.md).
     */
    record Settings(int users, double zipfExponent, double purchaseShare, double cartShare, double redeliveryShare,
            double outOfOrderShare, long maxLatenessMillis, double probeShare, long backlogSpanMillis) {
        static Settings fromSystemProperties() {
            return new Settings(
                    Integer.getInteger("bench.users", 1_000_000),
                    Double.parseDouble(System.getProperty("bench.zipf", "0.6")),
                    Double.parseDouble(System.getProperty("bench.share.purchase", "0.30")),
                    Double.parseDouble(System.getProperty("bench.share.cart", "0.50")),
                    Double.parseDouble(System.getProperty("bench.share.redelivered", "0.05")),
                    Double.parseDouble(System.getProperty("bench.share.out-of-order", "0.05")),
                    Long.getLong("bench.max-lateness-ms", 120_000),
                    Double.parseDouble(System.getProperty("bench.share.probe", "0.03")),
                    Long.getLong("bench.backlog-span-ms", 0));
        }

        double customerShare() {
            return Math.max(0, 1 - purchaseShare - cartShare);
        }

        /** The share of the stream's events of this kind. */
        double share(Kind kind) {
            return switch (kind) {
                case PURCHASE -> purchaseShare;
                case CART -> cartShare;
                case CUSTOMER -> customerShare();
            };
        }
    }

    private static final String[][] CATALOG = {
        { "SHOE-1", "shoes", "59.90" }, { "SHOE-2", "shoes", "89.00" }, { "SOCK-1", "apparel", "4.99" },
        { "SHIRT-1", "apparel", "19.99" }, { "HAT-1", "accessories", "14.50" }, { "BAG-1", "accessories", "120.00" },
        { "BOOK-1", "books", "12.00" }, { "BOOK-2", "books", "7.25" }, { "LAMP-1", "home", "33.33" },
        { "MUG-1", "home", "8.80" }, { "PEN-1", "office", "1.15" }, { "DESK-1", "office", "249.00" } };
    private static final String[] TIERS = { "bronze", "silver", "gold", "platinum" };
    private static final String[] CITIES = { "Oslo", "Bergen", "Lyon", "Porto", "Graz" };
    private static final int REDELIVERY_MEMORY = 4096;

    private final Settings settings;
    private final Random random;
    private final String run;
    private final double[] zipfCdf;
    private final Event[] recent = new Event[REDELIVERY_MEMORY];
    private int recentCount;
    private long sequence;
    private long lsn = 50_000_000;
    private long probes;

    LoadStream(Settings settings, long seed, String run) {
        this.settings = settings;
        this.random = new Random(seed);
        this.run = run;
        this.zipfCdf = zipfCdf(settings.users(), settings.zipfExponent());
    }

    static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            sum += 1.0 / Math.pow(k, s);
            cdf[k - 1] = sum;
        }
        for (int k = 0; k < n; k++) {
            cdf[k] /= sum;
        }
        return cdf;
    }

    /** The share of all events that go to the busiest user (for the report). */
    double busiestUserShare() {
        return zipfCdf[0];
    }

    long probesGenerated() {
        return probes;
    }

    String user(int rank) {
        return "u" + rank;
    }

    int zipfRank() {
        int i = Arrays.binarySearch(zipfCdf, random.nextDouble());
        return i >= 0 ? i : -i - 1;
    }

    /** The next event, stamped for sending at {@code nowMillis}. */
    Event next(long nowMillis) {
        double dice = random.nextDouble();
        if (dice < settings.probeShare()) {
            probes++;
            return fresh(pickKind(), "probe-" + run + "-" + probes, nowMillis, true);
        }
        dice = random.nextDouble();
        if (dice < settings.redeliveryShare() && recentCount > 0) {
            return recent[random.nextInt(Math.min(recentCount, REDELIVERY_MEMORY))];
        }
        long eventTime = nowMillis;
        if (random.nextDouble() < settings.outOfOrderShare()) {
            eventTime -= 1 + (long) (random.nextDouble() * settings.maxLatenessMillis());
        }
        Event event = fresh(pickKind(), user(zipfRank()), eventTime, false);
        if (eventTime != nowMillis) {
            event = new Event(event.kind(), event.userId(), event.id(), event.source(), event.eventTime(), event.data(), false, true);
        }
        recent[recentCount++ % REDELIVERY_MEMORY] = event;
        return event;
    }

    /**
     * {@code count} events of the stream, for a backlog: event times all {@code nowMillis}, or
     * spread evenly over the {@code backlogSpanMillis} before it, in order (the stream's
     * out-of-order share still goes back from there).
     */
    List<Event> batch(int count, long nowMillis) {
        List<Event> events = new ArrayList<>(count);
        long span = settings.backlogSpanMillis();
        for (int i = 0; i < count; i++) {
            events.add(next(span == 0 ? nowMillis : nowMillis - span + span * (i + 1) / count));
        }
        return events;
    }

    Event probe(Kind kind, long nowMillis) {
        probes++;
        return fresh(kind, "probe-" + run + "-" + probes, nowMillis, true);
    }

    private Kind pickKind() {
        double d = random.nextDouble();
        if (d < settings.purchaseShare()) {
            return Kind.PURCHASE;
        }
        return d < settings.purchaseShare() + settings.cartShare() ? Kind.CART : Kind.CUSTOMER;
    }

    private Event fresh(Kind kind, String user, long eventTime, boolean probe) {
        String id = run + "-" + (++sequence);
        String when = Instant.ofEpochMilli(eventTime).toString();
        String json = switch (kind) {
            case PURCHASE -> purchase(user, id, when);
            case CART -> cart(user, when, probe);
            case CUSTOMER -> customer(user, eventTime);
        };
        String source = switch (kind) {
            case PURCHASE -> "/bench/checkout";
            case CART -> "/bench/cart";
            case CUSTOMER -> "/bench/debezium";
        };
        return new Event(kind, user, id, source, eventTime, json.getBytes(StandardCharsets.UTF_8), probe, false);
    }

    private String purchase(String user, String id, String when) {
        int lines = 1 + random.nextInt(3);
        StringBuilder items = new StringBuilder();
        long totalCents = 0;
        for (int i = 0; i < lines; i++) {
            String[] p = CATALOG[random.nextInt(CATALOG.length)];
            int q = 1 + random.nextInt(3);
            long cents = Math.round(Double.parseDouble(p[2]) * 100);
            totalCents += cents * q;
            if (i > 0) {
                items.append(',');
            }
            items.append("{\"sku\":\"").append(p[0]).append("\",\"category\":\"").append(p[1]).append("\",\"quantity\":").append(q)
                    .append(",\"unitPrice\":").append(p[2]).append('}');
        }
        String cart = random.nextInt(3) == 0 ? ",\"cartId\":\"cart-" + user + "\"" : "";
        return "{\"userId\":\"" + user + "\",\"orderId\":\"o-" + id + "\"" + cart + ",\"occurredAt\":\"" + when
                + "\",\"currency\":\"EUR\",\"items\":[" + items + "],\"total\":" + (totalCents / 100) + "." + String.format("%02d", totalCents % 100) + "}";
    }

    private String cart(String user, String when, boolean probe) {
        String[] p = CATALOG[random.nextInt(CATALOG.length)];
        // A probe must change the cart (an item removed from an empty cart writes nothing).
        int dice = probe ? 0 : random.nextInt(100);
        String action = dice < 60 ? "ITEM_ADDED" : dice < 80 ? "QUANTITY_SET" : dice < 97 ? "ITEM_REMOVED" : "CART_CLEARED";
        StringBuilder json = new StringBuilder("{\"userId\":\"").append(user).append("\",\"cartId\":\"cart-").append(user)
                .append("\",\"action\":\"").append(action).append('"');
        if (!action.equals("CART_CLEARED")) {
            json.append(",\"sku\":\"").append(p[0]).append('"');
        }
        if (action.equals("ITEM_ADDED") || action.equals("QUANTITY_SET")) {
            int q = action.equals("ITEM_ADDED") ? 1 + random.nextInt(3) : random.nextInt(5);
            json.append(",\"category\":\"").append(p[1]).append("\",\"quantity\":").append(q).append(",\"unitPrice\":").append(p[2])
                    .append(",\"currency\":\"EUR\"");
        }
        return json.append(",\"occurredAt\":\"").append(when).append("\"}").toString();
    }

    private String customer(String user, long eventTime) {
        lsn += 16 + random.nextInt(4_000);
        String city = random.nextInt(5) == 0 ? "null" : "\"" + CITIES[random.nextInt(CITIES.length)] + "\"";
        return "{\"before\":null,\"after\":{\"id\":\"" + user + "\",\"email\":\"" + user + "." + random.nextInt(1000)
                + "@example.com\",\"tier\":\"" + TIERS[random.nextInt(TIERS.length)] + "\",\"city\":" + city
                + ",\"marketing_opt_in\":" + random.nextBoolean() + "},\"source\":{\"version\":\"3.6.1.Final\",\"connector\":\"postgresql\","
                + "\"name\":\"shop\",\"ts_ms\":" + eventTime + ",\"snapshot\":\"false\",\"db\":\"shop\",\"schema\":\"public\",\"table\":\"customers\","
                + "\"txId\":" + (1_000 + lsn / 1_000) + ",\"lsn\":" + lsn + "},\"op\":\"u\",\"ts_ms\":" + (eventTime + 5) + "}";
    }
}
