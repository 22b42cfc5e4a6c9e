package com.example.profiles.devtools.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.profiles.devtools.ProjectRoot;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard infra/grafana/profile-functions.json, without a Grafana: it has what an
 * import needs (a uid, a title, panels placed on the 24-column grid, a Prometheus data source
 * variable that every panel and query uses, the {@code function} and {@code source} variables from
 * label values), every query is PromQL that Prometheus parses ({@code promtool check rules}, with the
 * variables filled in), the runbooks name panels that exist, and the sidecar ConfigMap of
 * infra/grafana/kustomization.yaml holds this very file. That each query returns data from the real
 * application is DashboardQueriesIT's part (a long test), that each metric it names is exported,
 * MetricsAndHealthIT's.
 */
class GrafanaDashboardTest {

    static final Path DASHBOARD = ProjectRoot.resolve("infra/grafana/profile-functions.json");
    static final Path KUSTOMIZATION = ProjectRoot.resolve("infra/grafana/kustomization.yaml");
    static final Path RUNBOOKS = ProjectRoot.resolve("docs/runbooks");
    static final JsonNode DATASOURCE = new ObjectMapper().createObjectNode().put("type", "prometheus").put("uid", "${datasource}");
    /** Grafana's own variables a query may use. */
    static final Set<String> BUILT_IN = Set.of("__rate_interval", "__interval", "__range");
    static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)\\}?");

    @Test
    void itHasWhatAnImportNeeds() throws IOException {
        JsonNode dashboard = dashboard();
        assertThat(dashboard.path("uid").asText()).isEqualTo("profile-functions");
        assertThat(dashboard.path("title").asText()).isNotBlank();
        assertThat(dashboard.path("schemaVersion").asInt()).isPositive();
        assertThat(dashboard.path("id").isNull()).as("id is null: Grafana gives one on import").isTrue();

        JsonNode variables = dashboard.path("templating").path("list");
        JsonNode datasource = variable(variables, "datasource");
        assertThat(datasource.path("type").asText()).isEqualTo("datasource");
        assertThat(datasource.path("query").asText()).isEqualTo("prometheus");
        assertThat(variable(variables, "function").path("definition").asText()).isEqualTo("label_values(profile_events_total, function)");
        assertThat(variable(variables, "source").path("definition").asText())
                .isEqualTo("label_values(profile_freshness_lag_threshold_seconds, source)");
        Set<String> names = new HashSet<>(BUILT_IN);
        for (JsonNode variable : variables) {
            names.add(variable.path("name").asText());
            if (variable.path("type").asText().equals("query")) {
                assertThat(variable.path("datasource")).as("variable " + variable.path("name")).isEqualTo(DATASOURCE);
                assertThat(variable.path("query").path("query").asText()).isEqualTo(variable.path("definition").asText());
            }
        }

        List<String> wrong = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        Set<String> titles = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            String title = panel.path("title").asText();
            if (!ids.add(panel.path("id").asInt()) || !titles.add(title) || title.isBlank()) {
                wrong.add("panel " + panel.path("id") + " '" + title + "': its id and title must be there and unique");
            }
            JsonNode grid = panel.path("gridPos");
            if (grid.path("w").asInt() <= 0 || grid.path("h").asInt() <= 0 || grid.path("x").asInt() + grid.path("w").asInt() > 24) {
                wrong.add(title + ": gridPos " + grid + " is not on the 24-column grid");
            }
            if (!panel.path("datasource").equals(DATASOURCE) || panel.path("description").asText().isBlank() || panel.path("targets").isEmpty()) {
                wrong.add(title + ": needs the ${datasource} data source, a description and at least one query");
            }
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                if (!target.path("datasource").equals(DATASOURCE) || expr.isBlank() || !refIds.add(target.path("refId").asText())) {
                    wrong.add(title + " " + target.path("refId") + ": needs the ${datasource} data source, an expr and its own refId");
                }
                Matcher used = VARIABLE.matcher(expr);
                while (used.find()) {
                    if (!names.contains(used.group(1))) {
                        wrong.add(title + " " + target.path("refId") + ": no variable $" + used.group(1));
                    }
                }
            }
        }
        assertThat(ids).as("panels").hasSizeGreaterThanOrEqualTo(10);
        assertThat(wrong).isEmpty();
    }

    @Test
    void everyQueryIsPromQlThatPrometheusParses(@TempDir Path dir) throws Exception {
        // Each query as a recording rule: promtool parses the expression of every rule it checks.
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int count = 0;
        for (JsonNode panel : dashboard().path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                rules.append("      - record: dashboard:panel_").append(panel.path("id").asInt()).append('_').append(target.path("refId").asText())
                        .append("\n        expr: ").append(new ObjectMapper().writeValueAsString(withVariables(target.path("expr").asText()))).append('\n');
                count++;
            }
        }
        Files.writeString(dir.resolve("dashboard.yml"), rules);
        PrometheusRulesTest.Result result = PrometheusRulesTest.promtool(dir, "check", "rules", "dashboard.yml");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: " + count + " rules found");
    }

    /** What Grafana would send with every value selected: the variables as regular expressions matching all, a 1-minute rate window. */
    static String withVariables(String expr) {
        return expr.replace("$__rate_interval", "1m").replace("$__interval", "1m").replace("$__range", "1h").replaceAll("\\$\\{?\\w+\\}?", ".*");
    }

    @Test
    void theRunbooksNameThePanelsOfTheDashboard() throws IOException {
        Set<String> titles = new TreeSet<>();
        dashboard().path("panels").forEach(panel -> titles.add(panel.path("title").asText()));
        // In a runbook's "Confirm" section, every bold text is a panel's title.
        Pattern confirm = Pattern.compile("(?ms)^## Confirm$(.*?)(?=^## |\\z)");
        Pattern bold = Pattern.compile("\\*\\*([^*]+)\\*\\*");
        List<String> unknown = new ArrayList<>();
        int named = 0;
        try (Stream<Path> pages = Files.list(RUNBOOKS)) {
            for (Path page : pages.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                Matcher section = confirm.matcher(Files.readString(page, StandardCharsets.UTF_8));
                while (section.find()) {
                    Matcher panel = bold.matcher(section.group(1));
                    while (panel.find()) {
                        named++;
                        if (!titles.contains(panel.group(1))) {
                            unknown.add(page.getFileName() + ": **" + panel.group(1) + "**");
                        }
                    }
                }
            }
        }
        assertThat(named).as("panels named by the runbooks").isGreaterThanOrEqualTo(6);
        assertThat(unknown).as("panels the runbooks name that the dashboard does not have " + titles).isEmpty();
    }

    @Test
    void theSidecarConfigMapHoldsTheDashboardFile() throws Exception {
        JsonNode generator = new YAMLMapper().readTree(KUSTOMIZATION.toFile()).path("configMapGenerator").path(0);
        assertThat(generator.path("files")).hasSize(1);
        assertThat(generator.path("files").path(0).asText()).isEqualTo(DASHBOARD.getFileName().toString());
        assertThat(generator.path("options").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");

        Path kubectl = PrometheusRulesTest.onPath("kubectl");
        Assumptions.assumeTrue(kubectl != null, "kubectl is not installed: the ConfigMap is checked as written, not rendered");
        Process process = new ProcessBuilder(kubectl.toString(), "kustomize", KUSTOMIZATION.getParent().toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        JsonNode configMap = new YAMLMapper().readTree(out);
        assertThat(configMap.path("kind").asText()).isEqualTo("ConfigMap");
        assertThat(configMap.path("metadata").path("name").asText()).isEqualTo("profile-functions-dashboard");
        assertThat(configMap.path("metadata").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
        assertThat(configMap.path("data").path("profile-functions.json").asText()).isEqualTo(Files.readString(DASHBOARD, StandardCharsets.UTF_8));
    }

    static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(DASHBOARD.toFile());
    }

    private static JsonNode variable(JsonNode variables, String name) {
        for (JsonNode variable : variables) {
            if (variable.path("name").asText().equals(name)) {
                return variable;
            }
        }
        throw new AssertionError("no template variable " + name);
    }
}
