package dev.consentgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeriesCheckTest {

    private static final Exposition EXPOSITION = Exposition.parse("""
            # HELP consentgate_decisions_total Decisions
            # TYPE consentgate_decisions_total counter
            consentgate_decisions_total{application="a",decision="drop",purpose="p",reason="NO_CONSENT"} 3.0
            # TYPE jvm_gc_pause_seconds summary
            jvm_gc_pause_seconds_count{action="end of minor GC",application="a",cause="G1 {Evacuation}, \\"Pause\\""} 1.0
            # TYPE lag_seconds histogram
            lag_seconds_bucket{application="a",le="+Inf"} 2.0
            lag_seconds_count{application="a"} 2.0
            process_uptime_seconds 12.5
            """);

    @Test
    void anExportedSeriesWithItsLabelsPasses() {
        List<String> problems = SeriesCheck.problems(List.of(
                "sum by (le) (rate(lag_seconds_bucket{le!=\"\"}[5m])) / rate(lag_seconds_count[5m])",
                "rate(jvm_gc_pause_seconds_count{cause=~\".*\", action=\"x\"}[1m]) + process_uptime_seconds",
                "sum by (purpose) (consentgate_decisions_total{decision=\"drop\", reason=\"NO_CONSENT\"}) - recorded:series"),
                EXPOSITION, Set.of("recorded:series"));

        assertThat(problems).isEmpty();
    }

    @Test
    void aMissingSeriesOrLabelIsNamed() {
        List<String> problems = SeriesCheck.problems(List.of(
                "rate(consentgate_decisions_total{outcome=\"drop\", topic=\"t\", purpose=\"p\"}[5m])",
                "lag_seconds",
                "rate(lag_seconds_count{le=\"1\"}[5m])",
                "recorded:series"),
                EXPOSITION, Set.of());

        assertThat(problems).containsExactly(
                "consentgate_decisions_total has no label outcome, topic",
                "lag_seconds is not exported",
                "lag_seconds_count has no label le",
                "recorded:series is not exported");
    }

    @Test
    void theRulesNameOnlyListedKubeStateMetricsSeriesAndLabels() throws Exception {
        List<String> kubeStateMetricsProblems = SeriesCheck.problems(DeployedQueries.rules(), KubeStateMetrics.SERIES, DeployedQueries.recorded())
                .stream().filter(problem -> problem.startsWith("kube_")).toList();

        assertThat(kubeStateMetricsProblems).isEmpty();
        assertThat(SeriesCheck.metrics(DeployedQueries.rules())).filteredOn(metric -> metric.startsWith("kube_")).containsExactly(
                "kube_cronjob_created", "kube_cronjob_status_active", "kube_cronjob_status_last_schedule_time",
                "kube_cronjob_status_last_successful_time");
    }

    @Test
    void aKubeStateMetricsSeriesOrLabelNotListedIsNamed() {
        List<String> problems = SeriesCheck.problems(List.of(
                "kube_job_failed{job_name=~\"consentgate-audit-verify-.*\"}",
                "kube_cronjob_status_active{cronjob=\"c\", job_name=\"j\"}",
                "consentgate_decisions_total + kube_cronjob_created"),
                EXPOSITION.and(KubeStateMetrics.SERIES), Set.of());

        assertThat(problems).containsExactly("kube_job_failed is not exported", "kube_cronjob_status_active has no label job_name");
    }
}
