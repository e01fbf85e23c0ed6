package dev.consentgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EnforcementMetricsTest {

    private static final String EMAIL = "marketing.communications.email";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final EnforcementMetrics metrics = new EnforcementMetrics(registry);

    @AfterEach
    void closeRegistry() {
        registry.close();
    }

    @Test
    void decisionsRenderAsDecisionsTotalWithPurposeDecisionAndReasonLabels() {
        metrics.decision(EMAIL, "permit", "CONSENT_GRANTED");
        metrics.decision(EMAIL, "permit", "CONSENT_GRANTED");
        metrics.decision(EMAIL, "drop", "CONSENT_WITHDRAWN");

        assertThat(scrapedLines()).contains(
                "# TYPE consentgate_decisions_total counter",
                "consentgate_decisions_total{decision=\"permit\",purpose=\"marketing.communications.email\",reason=\"CONSENT_GRANTED\"} 2.0",
                "consentgate_decisions_total{decision=\"drop\",purpose=\"marketing.communications.email\",reason=\"CONSENT_WITHDRAWN\"} 1.0");
    }

    @Test
    void outcomeEnumNamesAreLabelledInLowercaseAndShareOneSeries() {
        metrics.decision(EMAIL, "REDACT", "NO_CONSENT");
        metrics.decision(EMAIL, "redact", "NO_CONSENT");

        assertThat(scrapedLines()).contains(
                "consentgate_decisions_total{decision=\"redact\",purpose=\"marketing.communications.email\",reason=\"NO_CONSENT\"} 2.0");
        assertThat(registry.find(MeterNames.DECISIONS).counters()).hasSize(1);
    }

    @Test
    void shadowModeIsAGaugeAnAlertCanWatch() {
        metrics.enforcementMode(true);

        assertThat(scrapedLines()).contains("# TYPE consentgate_shadow_mode gauge", "consentgate_shadow_mode 1.0");
    }

    @Test
    void enforceModeSetsTheShadowGaugeToZero() {
        metrics.enforcementMode(false);

        assertThat(scrapedLines()).contains("consentgate_shadow_mode 0.0");
    }

    @Test
    void waitingGaugesAreZeroWhenNothingWaits() {
        assertThat(scrapedLines()).contains("# TYPE consentgate_review_queue_records gauge", "consentgate_review_queue_records 0.0",
                "# TYPE consentgate_review_queue_oldest_age_seconds gauge", "consentgate_review_queue_oldest_age_seconds 0.0",
                "# TYPE consentgate_erasure_notices_waiting gauge", "consentgate_erasure_notices_waiting 0.0",
                "# TYPE consentgate_erasure_notices_oldest_wait_seconds gauge", "consentgate_erasure_notices_oldest_wait_seconds 0.0");
    }

    @Test
    void reviewQueueGaugesSumTheTasksAndAgeTheOldestRecordUntilItsTaskCloses() {
        long now = System.currentTimeMillis();
        metrics.reviewQueue(0, 2, OptionalLong.of(now - 7_200_000));
        metrics.reviewQueue(1, 1, OptionalLong.of(now - 60_000));
        metrics.reviewQueue(2, 0, OptionalLong.empty());
        assertWaiting(MeterNames.REVIEW_QUEUE_RECORDS, MeterNames.REVIEW_QUEUE_OLDEST_AGE, 3, 7_200);

        metrics.reviewQueueClosed(0);
        assertWaiting(MeterNames.REVIEW_QUEUE_RECORDS, MeterNames.REVIEW_QUEUE_OLDEST_AGE, 1, 60);
    }

    @Test
    void erasureNoticeGaugesSumTheTasksApartFromTheReviewQueueUntilTheirTaskCloses() {
        long now = System.currentTimeMillis();
        metrics.erasureNoticesWaiting(0, 2, OptionalLong.of(now - 1_800_000));
        metrics.erasureNoticesWaiting(1, 1, OptionalLong.of(now - 60_000));
        metrics.reviewQueue(0, 5, OptionalLong.of(now - 7_200_000));
        assertWaiting(MeterNames.ERASURE_NOTICES_WAITING, MeterNames.ERASURE_NOTICES_OLDEST_WAIT, 3, 1_800);

        metrics.erasureNoticesClosed(0);
        assertWaiting(MeterNames.ERASURE_NOTICES_WAITING, MeterNames.ERASURE_NOTICES_OLDEST_WAIT, 1, 60);
        assertWaiting(MeterNames.REVIEW_QUEUE_RECORDS, MeterNames.REVIEW_QUEUE_OLDEST_AGE, 5, 7_200);
    }

    /** The pair of waiting gauges: {@code size} in all, the oldest {@code ageSeconds} old (up to a minute more: the test's time). */
    private void assertWaiting(String sizeGauge, String ageGauge, double size, double ageSeconds) {
        assertThat(registry.get(sizeGauge).gauge().value()).isEqualTo(size);
        assertThat(registry.get(ageGauge).gauge().value()).isBetween(ageSeconds, ageSeconds + 60);
    }

    @Test
    void categoryPathsThatNameNoFieldAreCountedPerTopic() {
        metrics.unmatchedCategoryPaths("crm.orders", 2);
        metrics.unmatchedCategoryPaths("crm.orders", 1);

        assertThat(scrapedLines()).contains("consentgate_unmatched_category_paths_total{topic=\"crm.orders\"} 3.0");
    }

    @Test
    void decisionForUnknownPurposeIsLabelledUnknown() {
        metrics.decisionForUnknownPurpose("drop", "UNKNOWN_PURPOSE");

        assertThat(scrapedLines()).contains(
                "consentgate_decisions_total{decision=\"drop\",purpose=\"unknown\",reason=\"UNKNOWN_PURPOSE\"} 1.0");
    }

    @Test
    void decisionCounterHasExactlyTheGivenTags() {
        metrics.decision(EMAIL, "tag", "CONSENT_EXPIRED");

        Counter counter = registry.get(MeterNames.DECISIONS).counter();
        assertThat(counter.getId().getTags()).containsExactly(
                Tag.of("decision", "tag"), Tag.of("purpose", EMAIL), Tag.of("reason", "CONSENT_EXPIRED"));
        assertThat(counter.count()).isEqualTo(1.0);
    }

    @Test
    void redactedFieldsRenderWithCategoryAndPurposeLabels() {
        metrics.redactedField("analytics.reporting", "user.contact.email");
        metrics.redactedField("analytics.reporting", "user.contact.email");
        metrics.redactedField("analytics.reporting", "user.name");

        assertThat(scrapedLines()).contains(
                "# TYPE consentgate_redacted_fields_total counter",
                "consentgate_redacted_fields_total{category=\"user.contact.email\",purpose=\"analytics.reporting\"} 2.0",
                "consentgate_redacted_fields_total{category=\"user.name\",purpose=\"analytics.reporting\"} 1.0");
    }

    @Test
    void deadLettersRenderWithReasonLabel() {
        metrics.deadLetter("MALFORMED_AVRO");

        assertThat(scrapedLines()).contains(
                "# TYPE consentgate_dlq_records_total counter",
                "consentgate_dlq_records_total{reason=\"MALFORMED_AVRO\"} 1.0");
    }

    @Test
    void consentUpdatesRenderWithStatusLabel() {
        metrics.consentUpdate("GRANTED");
        metrics.consentUpdate("ERASED");
        metrics.consentUpdate("GRANTED");

        assertThat(scrapedLines()).contains(
                "# TYPE consentgate_consent_updates_total counter",
                "consentgate_consent_updates_total{status=\"GRANTED\"} 2.0",
                "consentgate_consent_updates_total{status=\"ERASED\"} 1.0");
    }

    @Test
    void decisionLagRendersAsSecondsHistogram() {
        metrics.decisionLag(Duration.ofMillis(250));
        metrics.decisionLag(Duration.ofSeconds(2));

        assertThat(scrapedLines()).contains(
                "# TYPE consentgate_decision_lag_seconds histogram",
                "consentgate_decision_lag_seconds_bucket{le=\"0.001\"} 0",
                "consentgate_decision_lag_seconds_bucket{le=\"+Inf\"} 2",
                "consentgate_decision_lag_seconds_count 2",
                "consentgate_decision_lag_seconds_sum 2.25");
    }

    @Test
    void negativeDecisionLagIsRecordedAsZero() {
        metrics.decisionLag(Duration.ofMillis(-250));

        assertThat(scrapedLines()).contains(
                "consentgate_decision_lag_seconds_bucket{le=\"0.001\"} 1",
                "consentgate_decision_lag_seconds_count 1",
                "consentgate_decision_lag_seconds_sum 0.0");
    }

    @Test
    void incrementsFromSeveralThreadsAreAllCounted() throws Exception {
        int threads = 8;
        int perThread = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        metrics.decision(EMAIL, "permit", "CONSENT_GRANTED");
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }

        assertThat(registry.get(MeterNames.DECISIONS).counter().count()).isEqualTo(threads * perThread);
    }

    @Test
    void noopMetricsAcceptEveryCall() {
        EnforcementMetrics noop = EnforcementMetrics.noop();

        assertThatCode(() -> {
            noop.decision(EMAIL, "permit", "CONSENT_GRANTED");
            noop.decisionForUnknownPurpose("drop", "UNKNOWN_PURPOSE");
            noop.redactedField(EMAIL, "user.name");
            noop.deadLetter("TRUNCATED");
            noop.consentUpdate("DENIED");
            noop.decisionLag(Duration.ofSeconds(1));
        }).doesNotThrowAnyException();
    }

    private List<String> scrapedLines() {
        return registry.scrape().lines().toList();
    }
}
