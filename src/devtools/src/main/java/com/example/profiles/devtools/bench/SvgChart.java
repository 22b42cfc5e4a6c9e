package com.example.profiles.devtools.bench;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart written as a self-contained SVG: a fixed viewBox, a white background, the generic
 * sans-serif font, no scripts and nothing fetched, so that it reads the same wherever it is shown
 * (an image in a Markdown page on GitHub, in light or dark mode). Axes with ticks and grid lines,
 * a linear or logarithmic y axis, a legend, shaded bands (the run's phases) labelled above the
 * plot, and horizontal reference lines. A NaN in a series breaks its line.
 */
final class SvgChart {

    /** Tableau's ten colours: distinct, and still distinct to most colour-blind readers. */
    static final String[] PALETTE = { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
            "#17becf" };

    /** A line; {@code name} null keeps it out of the legend; no points makes it a legend entry only. */
    record Series(String name, String color, boolean dashed, boolean markers, double[] x, double[] y) {
    }

    /** A shaded span of x (a phase), its label written upright above the plot. */
    record Band(String label, double from, double to) {
    }

    /** A dotted horizontal line at {@code y} from {@code xFrom} to {@code xTo} (NaN: the whole width), named in the legend. */
    record Rule(String label, String color, double y, double xFrom, double xTo) {
    }

    private static final int WIDTH = 960;
    private static final int LEFT = 78;
    private static final int RIGHT = 28;
    private static final int BOTTOM = 58;
    private static final String DASHED = "6 4";
    private static final String DOTTED = "2 3";
    private static final DecimalFormat NUMBER = new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.ROOT));

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean logY;
    private final int height;
    private final List<Series> series = new ArrayList<>();
    private final List<Band> bands = new ArrayList<>();
    private final List<Rule> rules = new ArrayList<>();
    private double floorY = 0.5;
    private double xFrom = Double.NaN;

    SvgChart(String title, String xLabel, String yLabel, boolean logY, int height) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logY = logY;
        this.height = height;
    }

    SvgChart add(Series s) {
        series.add(s);
        return this;
    }

    SvgChart band(Band b) {
        bands.add(b);
        return this;
    }

    SvgChart rule(Rule r) {
        rules.add(r);
        return this;
    }

    /** The x axis starts here (or lower, if the data do), e.g. at 0 for a time since something began. */
    SvgChart xFrom(double v) {
        xFrom = v;
        return this;
    }

    /** On a log axis, the value zero and anything below are drawn at this (0.5 by default). */
    SvgChart floorY(double v) {
        floorY = v;
        return this;
    }

    String render() {
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\">%n", WIDTH,
                height, WIDTH, height));
        svg.append("<title>").append(escape(title)).append("</title>\n");
        svg.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", WIDTH, height));
        svg.append(text(WIDTH / 2.0, 24, title, 16, "middle", "font-weight=\"bold\""));

        // The legend, in rows under the title: the named series, then the rules.
        double y = 46;
        double x = LEFT;
        List<Series> named = series.stream().filter(s -> s.name() != null).toList();
        List<Object> entries = new ArrayList<>(named);
        entries.addAll(rules);
        for (Object entry : entries) {
            String name = entry instanceof Series s ? s.name() : ((Rule) entry).label();
            double w = 30 + textWidth(name, 12) + 18;
            if (x + w > WIDTH - RIGHT && x > LEFT) {
                x = LEFT;
                y += 18;
            }
            if (entry instanceof Series s) {
                svg.append(line(x, y - 4, x + 24, y - 4, s.color(), 2.5, s.dashed() ? DASHED : null));
                if (s.markers()) {
                    svg.append(circle(x + 12, y - 4, s.color()));
                }
            } else {
                svg.append(line(x, y - 4, x + 24, y - 4, ((Rule) entry).color(), 2, DOTTED));
            }
            svg.append(text(x + 30, y, name, 12, "start", ""));
            x += w;
        }
        double legendBottom = entries.isEmpty() ? 34 : y + 8;
        int longestBand = bands.stream().mapToInt(b -> b.label().length()).max().orElse(0);
        double strip = bands.isEmpty() ? 0 : Math.min(130, textWidth("x".repeat(longestBand), 10) + 10);
        double top = legendBottom + strip + 6;
        double bottom = height - BOTTOM;
        double left = LEFT;
        double right = WIDTH - RIGHT;

        // Ranges: x over the data, bands and bounded rules; y from 0 (or the log floor) to the highest value.
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isNaN(s.y()[i])) {
                    xMin = Math.min(xMin, s.x()[i]);
                    xMax = Math.max(xMax, s.x()[i]);
                    yMax = Math.max(yMax, s.y()[i]);
                    yMin = Math.min(yMin, s.y()[i]);
                }
            }
        }
        for (Band b : bands) {
            xMin = Math.min(xMin, b.from());
            xMax = Math.max(xMax, b.to());
        }
        for (Rule r : rules) {
            yMax = Math.max(yMax, r.y());
        }
        if (!Double.isNaN(xFrom)) {
            xMin = Math.min(xMin, xFrom);
        }
        if (xMin > xMax) {
            xMin = 0;
            xMax = 1;
        }
        if (xMax - xMin < 1e-9) {
            xMax = xMin + 1;
        }
        if (!(yMax > 0)) {
            yMax = 1;
        }
        double[] xTicks = linearTicks(xMin, xMax, 10);
        double[] yRange;
        List<double[]> yTicks = new ArrayList<>(); // {value, labelled 1/0, major 1/0}
        if (logY) {
            // From the floor if a value lies on it, else from the decade under the lowest value, to the decade over the highest.
            double lowest = Math.min(yMin, yMax);
            double lo = lowest <= floorY ? floorY : Math.pow(10, Math.floor(Math.log10(lowest)));
            double hi = Math.pow(10, Math.ceil(Math.log10(Math.max(yMax, lo * 10))));
            boolean fewDecades = Math.log10(hi / lo) <= 3.5;
            for (double d = Math.pow(10, Math.floor(Math.log10(lo))); d <= hi * 1.0001; d *= 10) {
                for (double m : new double[] { 1, 2, 5 }) {
                    double v = d * m;
                    if (v >= lo * 0.9999 && v <= hi * 1.0001) {
                        yTicks.add(new double[] { v, m == 1 || fewDecades || v == lo ? 1 : 0, m == 1 ? 1 : 0 });
                    }
                }
            }
            yRange = new double[] { lo, hi };
        } else {
            double step = niceStep(yMax * 1.05 / 8);
            double hi = Math.ceil(yMax * 1.05 / step) * step;
            for (double v = 0; v <= hi + step / 2; v += step) {
                yTicks.add(new double[] { v, 1, 1 });
            }
            yRange = new double[] { 0, hi };
        }
        double domainMin = xMin;
        double domainMax = xMax;
        Scale sx = v -> left + (v - domainMin) / (domainMax - domainMin) * (right - left);
        Scale sy = logY
                ? v -> bottom - (Math.log10(Math.max(v, floorY)) - Math.log10(yRange[0])) / (Math.log10(yRange[1]) - Math.log10(yRange[0])) * (bottom - top)
                : v -> bottom - (v - yRange[0]) / (yRange[1] - yRange[0]) * (bottom - top);

        svg.append("<defs><clipPath id=\"plot\">").append(rect(left, top, right - left, bottom - top, "none").trim()).append("</clipPath></defs>\n");
        // Bands, shaded in turn, each starting with a thin line; labels above the plot, moved right where they would overlap.
        double lastLabel = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < bands.size(); i++) {
            Band b = bands.get(i);
            double x0 = Math.max(left, sx.at(b.from()));
            double x1 = Math.min(right, sx.at(b.to()));
            if (i % 2 == 0) {
                svg.append(rect(x0, top, Math.max(0, x1 - x0), bottom - top, "#eef1f5"));
            }
            svg.append(line(x0, top - strip, x0, bottom, "#c8ccd2", 1, null));
            double at = Math.max((x0 + x1) / 2 + 4, lastLabel + 12);
            lastLabel = at;
            svg.append(String.format(Locale.ROOT, "<text transform=\"translate(%.1f,%.1f) rotate(-90)\" font-size=\"10\" fill=\"#444444\">%s</text>%n", at,
                    top - 4, escape(b.label())));
        }
        // Grid and ticks.
        for (double[] t : yTicks) {
            double py = sy.at(t[0]);
            svg.append(line(left, py, right, py, t[2] == 1 ? "#d0d0d0" : "#ececec", 1, null));
            if (t[1] == 1) {
                svg.append(text(left - 6, py + 4, NUMBER.format(t[0]), 11, "end", ""));
            }
        }
        for (double t : xTicks) {
            double px = sx.at(t);
            svg.append(line(px, bottom, px, bottom + 5, "#333333", 1, null));
            svg.append(text(px, bottom + 18, NUMBER.format(t), 11, "middle", ""));
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#333333\"/>%n", left, top,
                right - left, bottom - top));
        svg.append(text((left + right) / 2, height - 14, xLabel, 13, "middle", ""));
        svg.append(String.format(Locale.ROOT, "<text transform=\"translate(18,%.1f) rotate(-90)\" font-size=\"13\" text-anchor=\"middle\">%s</text>%n",
                (top + bottom) / 2, escape(yLabel)));

        // Rules, then the series over them, clipped to the plot.
        svg.append("<g clip-path=\"url(#plot)\">\n");
        for (Rule r : rules) {
            double x0 = Double.isNaN(r.xFrom()) ? left : sx.at(r.xFrom());
            double x1 = Double.isNaN(r.xTo()) ? right : sx.at(r.xTo());
            svg.append(line(x0, sy.at(r.y()), x1, sy.at(r.y()), r.color(), 2, DOTTED));
        }
        for (Series s : series) {
            StringBuilder d = new StringBuilder();
            boolean pen = false;
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isNaN(s.y()[i])) {
                    pen = false;
                    continue;
                }
                d.append(String.format(Locale.ROOT, "%s%.1f,%.1f ", pen ? "L" : "M", sx.at(s.x()[i]), sy.at(s.y()[i])));
                pen = true;
            }
            if (d.length() > 0) {
                svg.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" stroke-linejoin=\"round\"%s>",
                        d.toString().trim(), s.color(), s.dashed() ? " stroke-dasharray=\"" + DASHED + "\"" : ""));
                svg.append("<title>").append(escape(s.name() == null ? "" : s.name())).append("</title></path>\n");
            }
            if (s.markers()) {
                for (int i = 0; i < s.x().length; i++) {
                    if (!Double.isNaN(s.y()[i])) {
                        svg.append(circle(sx.at(s.x()[i]), sy.at(s.y()[i]), s.color()));
                    }
                }
            }
        }
        svg.append("</g>\n");
        svg.append("</svg>\n");
        return svg.toString();
    }

    private interface Scale {
        double at(double v);
    }

    /** A step of 1, 2 or 5 times a power of ten, near {@code rough}. */
    static double niceStep(double rough) {
        if (!(rough > 0)) {
            return 1;
        }
        double decade = Math.pow(10, Math.floor(Math.log10(rough)));
        double f = rough / decade;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * decade;
    }

    private static double[] linearTicks(double min, double max, int about) {
        double step = niceStep((max - min) / about);
        List<Double> ticks = new ArrayList<>();
        for (double v = Math.ceil(min / step) * step; v <= max + step * 1e-6; v += step) {
            ticks.add(Math.abs(v) < step * 1e-9 ? 0 : v);
        }
        return ticks.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Text as XML character data or an attribute value. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    // Control characters are not allowed in XML 1.0 text.
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** About how wide a text is in the generic sans-serif font (no font metrics here). */
    private static double textWidth(String s, int size) {
        return s.length() * size * 0.58;
    }

    private static String text(double x, double y, String s, int size, String anchor, String extra) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\"%s>%s</text>%n", x, y, size, anchor,
                extra.isEmpty() ? "" : " " + extra, escape(s));
    }

    /** A line, {@code dashes} its stroke-dasharray (null: solid). */
    private static String line(double x0, double y0, double x1, double y1, String color, double width, String dashes) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"%s/>%n", x0, y0, x1, y1,
                color, width, dashes == null ? "" : " stroke-dasharray=\"" + dashes + "\"");
    }

    private static String rect(double x, double y, double w, double h, String fill) {
        return String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n", x, y, w, h, fill);
    }

    private static String circle(double x, double y, String color) {
        return String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>%n", x, y, color);
    }
}
