package com.example.profiles.observability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.example.profiles.devtools.ProjectRoot;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The queries of the Grafana dashboard infra/grafana/profile-functions.json, and the metrics each one names. */
final class DashboardQueries {

    static final Path DASHBOARD = ProjectRoot.resolve("infra/grafana/profile-functions.json");
    /** Series Prometheus makes itself rather than scrapes. */
    static final Set<String> PROMETHEUS_OWN = Set.of("ALERTS", "ALERTS_FOR_STATE");

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w:.$])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
            "unless", "offset", "atan2", "inf", "nan");

    /** One target of a panel. */
    record Query(String panel, String refId, String expr) {

        @Override
        public String toString() {
            return "'" + panel + "' " + refId;
        }
    }

    private DashboardQueries() {
    }

    static JsonNode dashboard() {
        try {
            return new ObjectMapper().readTree(DASHBOARD.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every target of every panel, in the file's order. */
    static List<Query> all() {
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : dashboard().path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new Query(panel.path("title").asText(), target.path("refId").asText(), target.path("expr").asText()));
            }
        }
        return queries;
    }

    /** The {@code label_values(metric, label)} of each query variable, by the variable's name: metric, label. */
    static Map<String, List<String>> labelValueVariables() {
        Pattern labelValues = Pattern.compile("label_values\\(\\s*([\\w:]+)\\s*,\\s*(\\w+)\\s*\\)");
        Map<String, List<String>> variables = new java.util.LinkedHashMap<>();
        for (JsonNode variable : dashboard().path("templating").path("list")) {
            Matcher m = labelValues.matcher(variable.path("definition").asText());
            if (variable.path("type").asText().equals("query") && m.matches()) {
                variables.put(variable.path("name").asText(), List.of(m.group(1), m.group(2)));
            }
        }
        return variables;
    }

    /**
     * The expression as Grafana sends it: each variable replaced by its values as a regular
     * expression, {@code (a|b)}, as Grafana formats a multi-value variable for Prometheus (label
     * values here are plain words, nothing to escape), and {@code $__rate_interval} by
     * {@code rateInterval}.
     */
    static String substitute(String expr, Map<String, List<String>> values, String rateInterval) {
        String result = expr.replace("$__rate_interval", rateInterval);
        for (Map.Entry<String, List<String>> variable : values.entrySet()) {
            String regex = "(" + String.join("|", variable.getValue()) + ")";
            result = result.replace("${" + variable.getKey() + "}", regex).replace("$" + variable.getKey(), regex);
        }
        return result;
    }

    /**
     * The metric names an expression selects: what is left once strings, label matchers, range and
     * subquery brackets, and grouping clauses are taken out, less function names (followed by a
     * parenthesis), keywords and numbers.
     */
    static Set<String> metricNames(String expr) {
        String bare = STRING.matcher(expr).replaceAll("\"\"");
        bare = bare.replaceAll("\\{[^}]*\\}", " ").replaceAll("\\[[^\\]]*\\]", " ");
        bare = GROUPING.matcher(bare).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            if (!KEYWORDS.contains(m.group(1).toLowerCase(java.util.Locale.ROOT))) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
