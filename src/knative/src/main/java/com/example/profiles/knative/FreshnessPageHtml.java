package com.example.profiles.knative;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

import com.example.profiles.freshness.FreshnessIndex;
import com.example.profiles.freshness.FreshnessReader.SourceReading;
import com.example.profiles.sweeper.RecentSweeps;

/**
 * The freshness page as HTML: a template in code, every value escaped, every number also in a
 * data attribute (machine-readable, in plain units: epoch ms, ms, shares 0..1) so a test or a
 * script can read what a person sees. No script; the chart is SVG ({@link LagChart}).
 */
final class FreshnessPageHtml {

    /** How often the page reloads itself. */
    static final int REFRESH_SECONDS = 15;

    /** One dead-letter counter: function, bounded reason, count. */
    record DeadLetterCount(String function, String reason, long count) {
    }

    /**
     * What the page shows.
     *
     * @param sources null when Redis did not answer
     * @param redisProblem why Redis did not answer (an exception's class, no message), or null
     */
    record Model(long now, List<SourceReading> sources, String redisProblem, RecentSweeps.Recent recent, List<DeadLetterCount> deadLetters,
            String lagChart) {
    }

    private FreshnessPageHtml() {
    }

    static String render(Model m) {
        boolean redis = m.sources() != null;
        StringBuilder h = new StringBuilder(32_768);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>Profile freshness</title><style>").append(STYLE).append("</style></head>\n");
        h.append("<body data-generated-at=\"").append(m.now()).append("\" data-redis=\"").append(redis ? "available" : "unavailable").append("\">\n");
        h.append("<h1>Profile freshness</h1>\n<p class=\"meta\">At <time id=\"generated-at\">").append(esc(time(m.now())))
                .append("</time>, by the instance that answered; reloads every ").append(REFRESH_SECONDS).append(" s.</p>\n");
        if (!redis) {
            h.append("<p id=\"redis-unavailable\" class=\"warning\">Redis is unavailable (").append(esc(m.redisProblem()))
                    .append("): the sources cannot be read. What this instance keeps in memory is shown below.</p>\n");
        }
        sources(h, m);
        h.append("<section id=\"lag\"><h2>Freshness lag, last 15 minutes</h2>\n<p class=\"note\">This instance's events only: from the event's time")
                .append(" to its change written to the profile, p99 solid with a dot per 10 s, p50 dashed; dotted: the p99 alert threshold.</p>\n")
                .append(m.lagChart()).append("\n<p class=\"legend\">");
        FreshnessIndex.SOURCES.forEach(source -> h.append("<span style=\"color:").append(LagChart.COLORS.getOrDefault(source, "#555555"))
                .append("\">&#9632;</span> ").append(esc(source)).append(" &nbsp; "));
        h.append("</p></section>\n");
        lastSweep(h, m);
        alerts(h, m);
        deadLetters(h, m);
        h.append("<footer>What each number means and where it comes from: docs/freshness.md, \"The freshness page\". Nothing here names a shopper.</footer>\n");
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void sources(StringBuilder h, Model m) {
        h.append("<section id=\"sources\"><h2>Sources</h2>\n");
        if (m.sources() == null) {
            h.append("<p class=\"unknown\">Unknown while Redis is unavailable.</p></section>\n");
            return;
        }
        h.append("<p class=\"note\">Read now from the freshness indexes in Redis: every instance's data.</p>\n")
                .append("<table><thead><tr><th>source</th><th>profiles with its data</th><th>stale</th><th>stale share</th>")
                .append("<th>oldest data</th><th>newest event</th><th>events slower than the p99 threshold</th></tr></thead><tbody>\n");
        for (SourceReading s : m.sources()) {
            boolean high = s.staleShare() > s.staleShareThreshold();
            h.append("<tr data-source=\"").append(esc(s.source())).append("\" data-profiles=\"").append(s.profiles()).append("\" data-stale=\"")
                    .append(s.stale()).append("\" data-stale-share=\"").append(share(s.staleShare())).append("\" data-stale-share-threshold=\"")
                    .append(share(s.staleShareThreshold())).append("\" data-stale-after-ms=\"").append(s.staleAfter().toMillis())
                    .append("\" data-oldest-event-at=\"").append(s.oldestEventAt() == null ? "" : s.oldestEventAt())
                    .append("\" data-newest-event-at=\"").append(s.newestEventAt() == null ? "" : s.newestEventAt())
                    .append("\" data-window-events=\"").append(s.windowEvents()).append("\" data-window-over-threshold=\"")
                    .append(s.windowOverThreshold()).append("\">");
            h.append("<th>").append(esc(s.source())).append("</th>");
            h.append("<td class=\"num\">").append(s.profiles()).append("</td>");
            h.append("<td class=\"num\">").append(s.stale()).append(" <span class=\"note\">older than ")
                    .append(esc(duration(s.staleAfter().toMillis()))).append("</span></td>");
            h.append("<td class=\"").append(high ? "num high" : "num").append("\"><span class=\"bar\"><span style=\"width:")
                    .append(String.format(Locale.ROOT, "%.1f", 100 * s.staleShare())).append("%\"></span></span> ")
                    .append(esc(percent(s.staleShare()))).append(" <span class=\"note\">alert above ").append(esc(percent(s.staleShareThreshold())))
                    .append("</span></td>");
            h.append("<td>").append(s.oldestEventAt() == null ? "none" : ago(m.now(), s.oldestEventAt())).append("</td>");
            h.append("<td>").append(s.newestEventAt() == null ? "none recorded" : ago(m.now(), s.newestEventAt())).append("</td>");
            h.append("<td class=\"num\">").append(s.windowOverThreshold()).append(" of ").append(s.windowEvents())
                    .append(" <span class=\"note\">took over ").append(esc(duration(s.lagP99Threshold().toMillis()))).append(", last ")
                    .append(esc(duration(s.alertWindow().toMillis()))).append("</span></td>");
            h.append("</tr>\n");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void lastSweep(StringBuilder h, Model m) {
        h.append("<section id=\"last-sweep\"");
        var sweep = m.recent().lastSweep();
        if (sweep.isEmpty()) {
            h.append(" data-kept-in=\"").append(m.recent().fromRedis() ? "redis" : "memory").append("\"><h2>Last sweep</h2>\n<p>")
                    .append(m.recent().fromRedis() ? "No sweep recorded yet." : "This instance has run no sweep since it started.")
                    .append("</p></section>\n");
            return;
        }
        RecentSweeps.LastSweep s = sweep.get();
        h.append(" data-kept-in=\"").append(m.recent().fromRedis() ? "redis" : "memory").append("\" data-finished-at=\"").append(s.finishedAt())
                .append("\" data-entries-touched=\"").append(s.entriesTouched()).append("\" data-duration-ms=\"").append(s.durationMillis())
                .append("\" data-complete=\"").append(s.complete()).append("\"><h2>Last sweep</h2>\n");
        h.append("<p>Finished ").append(ago(m.now(), s.finishedAt())).append(", took ").append(esc(duration(s.durationMillis()))).append(", ")
                .append(s.entriesTouched()).append(" due entries examined, ")
                .append(s.complete() ? "nothing due left over" : "stopped by its batch size or time budget: more left for the next run")
                .append(". <span class=\"note\">Run ").append(esc(s.runId())).append("; kept ")
                .append(m.recent().fromRedis() ? "in Redis (whichever instance swept)" : "in this instance's memory (Redis unavailable)")
                .append(".</span></p>\n");
        if (s.actions().isEmpty()) {
            h.append("<p>It found nothing due.</p>");
        } else {
            h.append("<table><thead><tr><th>queue: decision</th><th>entries</th></tr></thead><tbody>\n");
            s.actions().forEach((action, count) -> h.append("<tr data-action=\"").append(esc(action)).append("\" data-count=\"").append(count)
                    .append("\"><td>").append(esc(action)).append("</td><td class=\"num\">").append(count).append("</td></tr>\n"));
            h.append("</tbody></table>");
        }
        h.append("</section>\n");
    }

    private static void alerts(StringBuilder h, Model m) {
        RecentSweeps.Recent recent = m.recent();
        h.append("<section id=\"alerts\" data-kept-in=\"").append(recent.fromRedis() ? "redis" : "memory").append("\"><h2>Freshness alerts</h2>\n");
        if (recent.fromRedis()) {
            h.append("<p>Active now: ");
            if (recent.activeSince().isEmpty()) {
                h.append("none.</p>\n");
            } else {
                h.append("</p><ul id=\"active-alerts\">");
                recent.activeSince().forEach((field, since) -> h.append("<li data-active=\"").append(esc(field)).append("\" data-since=\"")
                        .append(since).append("\">").append(esc(field)).append(", since ").append(ago(m.now(), since)).append("</li>"));
                h.append("</ul>\n");
            }
        }
        h.append("<p class=\"note\">Raised and resolved in the last hour (at most ").append(RecentSweeps.MAX_ALERTS).append(", newest first), kept ")
                .append(recent.fromRedis() ? "in Redis" : "in this instance's memory (Redis unavailable)").append(".</p>\n");
        if (recent.alerts().isEmpty()) {
            h.append("<p>None.</p></section>\n");
            return;
        }
        h.append("<table><thead><tr><th>when</th><th>alert</th><th>condition</th><th>source</th><th>value</th><th>threshold</th></tr></thead><tbody>\n");
        for (RecentSweeps.Alert a : recent.alerts()) {
            h.append("<tr class=\"alert\" data-state=\"").append(esc(a.state())).append("\" data-condition=\"").append(esc(a.condition()))
                    .append("\" data-source=\"").append(esc(a.source())).append("\" data-value=\"").append(number(a.value()))
                    .append("\" data-threshold=\"").append(number(a.threshold())).append("\" data-at=\"").append(a.at()).append("\" data-since=\"")
                    .append(a.since()).append("\">");
            h.append("<td>").append(ago(m.now(), a.at())).append("</td><td class=\"").append("raised".equals(a.state()) ? "high" : "ok").append("\">")
                    .append(esc(a.state())).append("</td><td>").append(esc(a.condition())).append("</td><td>").append(esc(a.source()))
                    .append("</td><td class=\"num\">").append(esc(conditionValue(a.condition(), a.value()))).append("</td><td class=\"num\">")
                    .append(esc(conditionValue(a.condition(), a.threshold()))).append("</td></tr>\n");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void deadLetters(StringBuilder h, Model m) {
        long total = m.deadLetters().stream().mapToLong(DeadLetterCount::count).sum();
        h.append("<section id=\"dead-letters\" data-total=\"").append(total).append("\"><h2>Dead letters</h2>\n")
                .append("<p class=\"note\">Records this instance sent to a dead-letter topic since it started, by function and reason")
                .append(" (profile_dead_letters_total). The records, with their full reasons, are on the topics.</p>\n");
        if (m.deadLetters().isEmpty()) {
            h.append("<p>None.</p></section>\n");
            return;
        }
        h.append("<table><thead><tr><th>function</th><th>reason</th><th>records</th></tr></thead><tbody>\n");
        for (DeadLetterCount d : m.deadLetters()) {
            h.append("<tr data-function=\"").append(esc(d.function())).append("\" data-reason=\"").append(esc(d.reason())).append("\" data-count=\"")
                    .append(d.count()).append("\"><td>").append(esc(d.function())).append("</td><td>").append(esc(d.reason()))
                    .append("</td><td class=\"num\">").append(d.count()).append("</td></tr>\n");
        }
        h.append("</tbody></table></section>\n");
    }

    /** Text for an HTML element or a quoted attribute value. */
    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A duration as people say it: 850 ms, 12 s, 4.5 min, 3.2 h, 91 d. */
    static String duration(long millis) {
        if (millis < 1000) {
            return millis + " ms";
        }
        double seconds = millis / 1000.0;
        if (seconds < 60) {
            return trim(seconds) + " s";
        }
        if (seconds < 3600) {
            return trim(seconds / 60) + " min";
        }
        if (seconds < 86_400 * 2) {
            return trim(seconds / 3600) + " h";
        }
        return trim(seconds / 86_400) + " d";
    }

    private static String trim(double value) {
        return value >= 10 ? Long.toString(Math.round(value)) : String.format(Locale.ROOT, "%.1f", value).replace(".0", "");
    }

    /** "35 d ago" as HTML, the exact time (UTC) in its tooltip. */
    private static String ago(long now, long at) {
        long age = now - at;
        String iso = esc(time(at));
        return "<time datetime=\"" + iso + "\" title=\"" + iso + "\">" + esc(age >= 0 ? duration(age) + " ago" : "in " + duration(-age)) + "</time>";
    }

    private static String time(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String share(double share) {
        return String.format(Locale.ROOT, "%.4f", share);
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    /** stale-share and lag values are shares; silent, seconds. */
    private static String conditionValue(String condition, double value) {
        return "silent".equals(condition) ? duration((long) (value * 1000)) : percent(value);
    }

    private static final String STYLE = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1000px;padding:0 16px;color:#1d232a}
            h1{font-size:24px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 6px;border-bottom:1px solid #dde3e8;padding-bottom:4px}
            table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eef1f4;vertical-align:top}
            thead th{font-weight:600;color:#52606d;font-size:12px}td.num,time{white-space:nowrap}
            .meta,.note,footer{color:#66727f;font-size:12px}footer{margin-top:32px}
            .warning{background:#fff4e5;border:1px solid #f0b35a;padding:8px 12px;border-radius:4px;font-weight:600}
            .high{color:#b3261e;font-weight:600}.ok{color:#2e7d32}.unknown{color:#66727f;font-style:italic}
            .bar{display:inline-block;width:70px;height:8px;background:#eef1f4;border-radius:4px;vertical-align:middle;overflow:hidden}
            .bar>span{display:block;height:100%;background:#c0392b}
            svg{max-width:100%;height:auto;background:#fbfcfd;border:1px solid #eef1f4}
            .grid{stroke:#e3e8ed;stroke-width:1}.axis{font-size:11px;fill:#66727f}
            .threshold{stroke:#8a6d00;stroke-width:1.5;stroke-dasharray:2 4}
            .p99{stroke-width:2}.p50{stroke-width:1.5;stroke-dasharray:6 4;opacity:.7}.legend{font-size:12px}
            """;
}
