package dev.consentgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.testing.KafkaBroker;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The alert rules and the dashboard query only what a real service exports: every metric they name, with every label
 * they match on, is in the {@code GET /metrics} answer of a service that has decided some events; the rules of the
 * audit trail check may also name the kube-state-metrics series listed in {@link KubeStateMetrics}, and no other.
 */
class DeployedMetricsIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static Exposition exposition;

    @BeforeAll
    static void scrapeARunningService() throws Exception {
        exposition = Exposition.parse(ServiceScrape.afterScenario(KAFKA.bootstrapServers()));
    }

    @Test
    void theAlertRulesNameOnlyExportedMetricsAndLabels() throws Exception {
        assertThat(SeriesCheck.problems(DeployedQueries.rules(), exposition.and(KubeStateMetrics.SERIES), DeployedQueries.recorded()))
                .isEmpty();
        assertThat(SeriesCheck.metrics(DeployedQueries.rules())).containsExactly(
                "consentgate:drop_ratio:rate15m", "consentgate:drop_ratio:rate1d", "consentgate_decision_lag_seconds_bucket",
                "consentgate_decisions_total", "consentgate_dlq_records_total", "consentgate_erasure_notices_oldest_wait_seconds",
                "consentgate_review_queue_oldest_age_seconds",
                "consentgate_shadow_mode",
                "kafka_consumer_fetch_manager_records_lag_max", "kafka_stream_client_state", "kafka_stream_failed_stream_threads_total",
                "kube_cronjob_created", "kube_cronjob_status_active", "kube_cronjob_status_last_schedule_time",
                "kube_cronjob_status_last_successful_time");
    }

    @Test
    void theDashboardNamesOnlyExportedMetricsAndLabels() throws Exception {
        assertThat(SeriesCheck.problems(DeployedQueries.dashboard(), exposition, Set.of())).isEmpty();
        assertThat(SeriesCheck.metrics(DeployedQueries.dashboard())).hasSize(21).contains(
                "consentgate_decisions_total", "consentgate_redacted_fields_total", "consentgate_dlq_records_total",
                "consentgate_decision_lag_seconds_bucket", "kafka_consumer_fetch_manager_records_lag_max", "jvm_memory_used_bytes");
    }
}
