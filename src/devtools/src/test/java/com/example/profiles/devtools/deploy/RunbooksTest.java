package com.example.profiles.devtools.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.profiles.devtools.ProjectRoot;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every alert rule of infra/prometheus/alerts.yml leads to its runbook: its annotation
 * {@code runbook_url} is the path, from the repository's root, of
 * {@code docs/runbooks/<alert name in kebab case>.md} (an {@code #anchor}, if one is ever added,
 * must name a heading of it), the page exists and is titled with the alert's name, and no page in
 * docs/runbooks is left without a rule. Needs no promtool: it reads the rules as YAML.
 */
class RunbooksTest {

    static final Path RULES = ProjectRoot.resolve("infra/prometheus/alerts.yml");
    static final String RUNBOOKS = "docs/runbooks/";

    @Test
    void everyAlertRuleHasARunbookThatExists() throws IOException {
        Path root = ProjectRoot.path();
        Map<String, String> runbooks = runbookUrls();
        assertThat(runbooks).as("alert rules in " + RULES).hasSize(6);
        List<String> wrong = new ArrayList<>();
        runbooks.forEach((alert, url) -> {
            if (url == null || url.isBlank()) {
                wrong.add(alert + ": no runbook_url annotation");
                return;
            }
            int hash = url.indexOf('#');
            String file = hash < 0 ? url : url.substring(0, hash);
            Path page = root.resolve(file).normalize();
            if (!file.equals(RUNBOOKS + kebabCase(alert) + ".md")) {
                wrong.add(alert + ": runbook_url " + url + " is not " + RUNBOOKS + kebabCase(alert) + ".md");
            } else if (!Files.isRegularFile(page)) {
                wrong.add(alert + ": runbook_url " + url + " names no file");
            } else if (hash >= 0 && !DocsTest.headingAnchors(page).contains(url.substring(hash + 1))) {
                wrong.add(alert + ": runbook_url " + url + " names no heading of " + file);
            } else if (!firstLine(page).equals("# " + alert)) {
                wrong.add(alert + ": " + file + " does not start with the heading '# " + alert + "'");
            }
        });
        assertThat(wrong).as("alert rules whose runbook is missing or misnamed").isEmpty();
    }

    @Test
    void everyRunbookBelongsToAnAlertRule() throws IOException {
        Set<String> named = new TreeSet<>();
        runbookUrls().values().forEach(url -> named.add(url == null ? "" : url.replaceFirst("#.*", "")));
        Set<String> pages = new TreeSet<>();
        try (Stream<Path> files = Files.list(ProjectRoot.resolve(RUNBOOKS))) {
            files.map(file -> RUNBOOKS + file.getFileName()).filter(name -> name.endsWith(".md") && !name.endsWith("/README.md")).forEach(pages::add);
        }
        assertThat(pages).as("runbooks in " + RUNBOOKS + " (besides README.md)").isEqualTo(named);
    }

    @Test
    void alertNamesBecomeKebabCase() {
        assertThat(kebabCase("ProfileFreshnessLagHigh")).isEqualTo("profile-freshness-lag-high");
        assertThat(kebabCase("ProfileEventsStalled")).isEqualTo("profile-events-stalled");
    }

    /** Alert name to its runbook_url (null when the rule has none), in the file's order. */
    static Map<String, String> runbookUrls() throws IOException {
        JsonNode rules = new YAMLMapper().readTree(RULES.toFile());
        Map<String, String> urls = new LinkedHashMap<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    JsonNode url = rule.path("annotations").get("runbook_url");
                    urls.put(rule.get("alert").asText(), url == null ? null : url.asText());
                }
            }
        }
        return urls;
    }

    static String kebabCase(String alert) {
        return alert.replaceAll("(?<!^)(?=[A-Z])", "-").toLowerCase(Locale.ROOT);
    }

    private static String firstLine(Path page) {
        try {
            return Files.readAllLines(page, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
        } catch (IOException e) {
            throw new IllegalStateException(page + " cannot be read", e);
        }
    }
}
