package com.example.profiles.knative;

import static com.example.profiles.knative.FreshnessPageHtml.esc;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import com.example.profiles.freshness.FreshnessIndex;
import com.example.profiles.freshness.LagHistory;

/**
 * The freshness page's lag chart, drawn on the server as SVG: per source, the p99 (solid, with a
 * dot per ten-second period that had events) and the p50 (dashed) of this instance's lag over the
 * last 15 minutes, on a logarithmic axis, with each distinct p99 alert threshold as a dotted line.
 * Every dot carries its numbers as data attributes and a tooltip.
 */
final class LagChart {

    static final Map<String, String> COLORS = Map.of("purchase", "#1f6fb4", "cart", "#c0392b", "customer", "#2e8b3e");
    private static final int WIDTH = 960;
    private static final int HEIGHT = 280;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 16;
    private static final int BOTTOM = 34;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private LagChart() {
    }

    /** @param thresholds each source's p99 alert threshold, in ms */
    static String svg(List<LagHistory.Point> points, long now, Map<String, Long> thresholds) {
        long last = now / LagHistory.PERIOD_MILLIS * LagHistory.PERIOD_MILLIS;
        long first = last - (LagHistory.SLOTS - 1) * LagHistory.PERIOD_MILLIS;
        long max = 1000; // at least up to 1 s
        for (LagHistory.Point p : points) {
            max = Math.max(max, Math.min(p.p99Millis(), LagHistory.LONGEST));
        }
        for (long t : thresholds.values()) {
            max = Math.max(max, t);
        }
        int topDecade = (int) Math.ceil(Math.log10(max) - 1e-9);
        Axis axis = new Axis(first, last, topDecade);

        StringBuilder svg = new StringBuilder(16_384);
        svg.append("<svg id=\"lag-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" role=\"img\" aria-labelledby=\"lag-chart-title\">")
                .append("<title id=\"lag-chart-title\">Freshness lag per source, p50 and p99 per 10 seconds, last 15 minutes</title>");
        // Grid: one line per decade, one per five minutes.
        for (int d = 0; d <= topDecade; d++) {
            double y = axis.y(Math.pow(10, d));
            svg.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"").append(fmt(y))
                    .append("\" y2=\"").append(fmt(y)).append("\"/>");
            svg.append("<text class=\"axis\" x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(y + 4)).append("\" text-anchor=\"end\">")
                    .append(esc(FreshnessPageHtml.duration((long) Math.pow(10, d)))).append("</text>");
        }
        long fiveMinutes = 5 * 60_000;
        for (long t = (first + fiveMinutes - 1) / fiveMinutes * fiveMinutes; t <= last; t += fiveMinutes) {
            double x = axis.x(t);
            svg.append("<line class=\"grid\" x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x)).append("\" y1=\"").append(TOP)
                    .append("\" y2=\"").append(HEIGHT - BOTTOM).append("\"/>");
            svg.append("<text class=\"axis\" x=\"").append(fmt(x)).append("\" y=\"").append(HEIGHT - BOTTOM + 16).append("\" text-anchor=\"middle\">")
                    .append(esc(CLOCK.format(Instant.ofEpochMilli(t)))).append("</text>");
        }
        svg.append("<text class=\"axis\" x=\"").append(WIDTH - RIGHT).append("\" y=\"").append(HEIGHT - 4)
                .append("\" text-anchor=\"end\">UTC, one point per 10 s</text>");
        for (long threshold : new TreeSet<>(thresholds.values())) {
            double y = axis.y(threshold);
            svg.append("<line class=\"threshold\" data-threshold-ms=\"").append(threshold).append("\" x1=\"").append(LEFT).append("\" x2=\"")
                    .append(WIDTH - RIGHT).append("\" y1=\"").append(fmt(y)).append("\" y2=\"").append(fmt(y)).append("\"><title>")
                    .append(esc("p99 alert threshold " + FreshnessPageHtml.duration(threshold))).append("</title></line>");
        }
        for (String source : FreshnessIndex.SOURCES) {
            List<LagHistory.Point> series = points.stream().filter(p -> p.source().equals(source)).toList();
            String color = COLORS.getOrDefault(source, "#555555");
            svg.append("<g class=\"series\" data-series=\"").append(esc(source)).append("\" stroke=\"").append(color).append("\" fill=\"")
                    .append(color).append("\">");
            for (String line : polylines(series, axis, true)) {
                svg.append("<polyline class=\"p50\" fill=\"none\" points=\"").append(line).append("\"/>");
            }
            for (String line : polylines(series, axis, false)) {
                svg.append("<polyline class=\"p99\" fill=\"none\" points=\"").append(line).append("\"/>");
            }
            for (LagHistory.Point p : series) {
                if (p.count() == 0) {
                    continue;
                }
                svg.append("<circle class=\"lag-point\" r=\"3\" cx=\"").append(fmt(axis.x(p.periodStart()))).append("\" cy=\"")
                        .append(fmt(axis.y(p.p99Millis()))).append("\" data-source=\"").append(esc(source)).append("\" data-start=\"")
                        .append(p.periodStart()).append("\" data-count=\"").append(p.count()).append("\" data-p50-ms=\"").append(shown(p.p50Millis()))
                        .append("\" data-p99-ms=\"").append(shown(p.p99Millis())).append('"');
                if (p.p99Millis() == LagHistory.BEYOND) {
                    svg.append(" data-p99-beyond=\"true\"");
                }
                svg.append("><title>").append(esc(source + " " + CLOCK.format(Instant.ofEpochMilli(p.periodStart())) + "+10s: " + p.count()
                        + " events, p50 " + bound(p.p50Millis()) + ", p99 " + bound(p.p99Millis())))
                        .append("</title></circle>");
            }
            svg.append("</g>");
        }
        svg.append("</svg>");
        return svg.toString();
    }

    /** The "x,y x,y" lists of each run of consecutive periods with events. */
    private static List<String> polylines(List<LagHistory.Point> series, Axis axis, boolean p50) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int inLine = 0;
        for (LagHistory.Point p : series) {
            if (p.count() == 0) {
                if (inLine > 1) {
                    lines.add(line.toString());
                }
                line.setLength(0);
                inLine = 0;
                continue;
            }
            line.append(inLine == 0 ? "" : " ").append(fmt(axis.x(p.periodStart()))).append(',')
                    .append(fmt(axis.y(p50 ? p.p50Millis() : p.p99Millis())));
            inLine++;
        }
        if (inLine > 1) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** A percentile as drawn: one beyond the measured range sits at its top. */
    private static long shown(long millis) {
        return Math.min(millis, LagHistory.LONGEST);
    }

    private static String bound(long millis) {
        return millis == LagHistory.BEYOND ? "over " + FreshnessPageHtml.duration(LagHistory.LONGEST) : "≤ " + FreshnessPageHtml.duration(millis);
    }

    private record Axis(long first, long last, int topDecade) {
        double x(long time) {
            return LEFT + (double) (time - first) / (last - first) * (WIDTH - LEFT - RIGHT);
        }

        /** Log scale from 1 ms (bottom) to 10^topDecade ms (top); 0 ms sits on the bottom line. */
        double y(double millis) {
            double decades = Math.log10(Math.max(1, Math.min(millis, LagHistory.LONGEST))) / topDecade;
            return HEIGHT - BOTTOM - decades * (HEIGHT - BOTTOM - TOP);
        }
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
