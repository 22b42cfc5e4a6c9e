package com.example.profiles.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** How the dashboard checks read a query: the metrics it names, and the query with its variables filled in. */
class DashboardQueriesTest {

    @Test
    void theMetricsOfAnExpressionAreItsSelectorsNotItsFunctionsLabelsOrKeywords() {
        assertThat(DashboardQueries.metricNames(
                "histogram_quantile(0.99, sum by (source, le) (rate(profile_freshness_lag_seconds_bucket{source=~\"$source\"}[5m])))"
                        + " > on (source) max by (source) (profile_freshness_lag_threshold_seconds)"))
                .containsExactly("profile_freshness_lag_seconds_bucket", "profile_freshness_lag_threshold_seconds");
        assertThat(DashboardQueries.metricNames("time() - max(profile_sweeper_last_run_seconds) > 600"))
                .containsExactly("profile_sweeper_last_run_seconds");
        assertThat(DashboardQueries.metricNames(
                "sum by (function) (rate(a_total{reason=\"x{y}\"}[$__rate_interval])) > 0 unless on (function) b_total offset 1m and bool 1e3"))
                .containsExactly("a_total", "b_total");
        assertThat(DashboardQueries.metricNames("max by (alertname) (ALERTS{alertstate=\"firing\", alertname=~\"Profile.+\"})"))
                .containsExactly("ALERTS");
    }

    @Test
    void variablesBecomeTheRegularExpressionGrafanaSends() {
        assertThat(DashboardQueries.substitute("rate(m{function=~\"$function\", client_id=~\"c-(${function})\"}[$__rate_interval])",
                Map.of("function", List.of("cart", "purchase")), "10s"))
                .isEqualTo("rate(m{function=~\"(cart|purchase)\", client_id=~\"c-((cart|purchase))\"}[10s])");
    }

    @Test
    void everyPanelHasQueriesAndTheVariablesComeFromLabelValues() {
        assertThat(DashboardQueries.all()).hasSizeGreaterThanOrEqualTo(10).allSatisfy(q -> assertThat(q.expr()).isNotBlank());
        assertThat(DashboardQueries.labelValueVariables()).containsOnlyKeys("function", "source");
    }
}
