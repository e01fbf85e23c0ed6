package dev.consentgate.enforce;

import static dev.consentgate.enforce.EnforcementDriver.HMAC_KEY;
import static dev.consentgate.enforce.EnforcementDriver.contact;
import static dev.consentgate.enforce.EnforcementDriver.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.policy.KeyedHash;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.PurposeDecision;
import dev.consentgate.schema.ReviewAction;
import dev.consentgate.schema.ReviewDecision;
import dev.consentgate.schema.ReviewOutcome;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A purpose with {@code review: required} holds what it would get on the review topic; a reviewer's decision releases or
 * drops it once, after a fresh decision, and both steps are audited. A restart between hold and decision needs Kafka
 * Streams' restore from the changelog, which the test driver does not do: {@code ReviewQueueIT} covers it.
 */
class ReviewQueueTest {

    static final String POLICY = EnforcementDriver.examplePolicy().replace("""
              sales.prospecting:
                basis: consent
            """, """
              sales.prospecting:
                basis: consent
                review: required
            """);
    private static final String REVIEW = "consent.review";
    private static final String DECISIONS = "consent.review.decisions";
    private static final String SALES = "sales.prospecting";
    private static final String HELD_ID = "0-0-" + SALES;
    private static final long T0 = 1_767_225_600_000L;
    private static final String C1_PSEUDONYM = new KeyedHash(HMAC_KEY.getBytes(StandardCharsets.UTF_8)).hex("c-1");

    private final EnforcementDriver driver = new EnforcementDriver(POLICY);

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void aPermittedRecordIsHeldOnTheReviewTopicWithTheDecisionItWouldHaveHad() {
        // Given
        driver.consent("c-1", "sales", ConsentStatus.GRANTED, T0);

        // When
        driver.send(contact("e-1", "c-1", T0 + 1_000, SALES));

        // Then
        assertThat(driver.purpose(SALES)).isEmpty();
        TestRecord<byte[], byte[]> held = only(driver.records(REVIEW));
        assertThat(new String(held.key(), StandardCharsets.UTF_8)).isEqualTo(C1_PSEUDONYM);
        assertThat(header(held, "consent-review-id")).isEqualTo(HELD_ID);
        assertThat(header(held, "consent-purpose")).isEqualTo(SALES);
        assertThat(header(held, "consent-decision")).isEqualTo("permit");
        assertThat(header(held, "consent-reasons")).isEqualTo("CONSENT_GRANTED,CONSENT_INHERITED");
        assertThat(header(held, "consent-event-id")).isEqualTo("e-1");
        assertThat(driver.decode(REVIEW, held.value()).toString()).isEqualTo("{\"eventId\": \"e-1\", \"occurredAt\": " + (T0 + 1_000)
                + ", \"purposes\": [\"sales.prospecting\"], \"email\": \"jane.doe@example.com\", \"firstName\": \"Jane\", "
                + "\"lastName\": \"Doe\", \"phone\": \"+44 20 7946 0958\"}");
        DecisionRecord audit = only(driver.audits());
        assertThat(audit.getEventId()).isEqualTo("e-1");
        assertThat(audit.getChain().getSequence()).isZero();
        assertThat(audit.getReview()).isNull();
        PurposeDecision decision = audit.getDecisions().get(0);
        assertThat(decision.getDecision().name()).isEqualTo("PERMIT");
        assertThat(decision.getOutputTopic()).isEqualTo(REVIEW);
    }

    @Test
    void anApprovalForwardsTheRecordOnceAndAuditsTheReviewerTheReasonAndTheHeldRecord() {
        // Given
        driver.consent("c-1", "sales", ConsentStatus.GRANTED, T0);
        driver.send(contact("e-1", "c-1", T0 + 1_000, SALES));
        byte[] heldValue = only(driver.records(REVIEW)).value();

        // When
        decide(HELD_ID, ReviewAction.APPROVE, T0 + 60_000);
        decide(HELD_ID, ReviewAction.APPROVE, T0 + 61_000);

        // Then
        TestRecord<byte[], byte[]> released = only(driver.purpose(SALES));
        assertThat(new String(released.key(), StandardCharsets.UTF_8)).isEqualTo(C1_PSEUDONYM);
        assertThat(header(released, "consent-decision")).isEqualTo("permit");
        assertThat(header(released, "consent-review-id")).isNull();
        assertThat(driver.decode("crm.purpose." + SALES, released.value()).toString())
                .isEqualTo(driver.decode(REVIEW, heldValue).toString());
        List<DecisionRecord> audits = driver.audits();
        assertThat(audits).hasSize(2);
        DecisionRecord approval = audits.get(1);
        assertThat(approval.getEventId()).isEqualTo("e-1");
        assertThat(approval.getChain().getSequence()).isEqualTo(1);
        assertThat(approval.getDecidedAt().toEpochMilli()).isEqualTo(T0 + 60_000);
        assertThat(approval.getReview()).isEqualTo(new ReviewOutcome(HELD_ID, "approve", "rev-7", "lead checked by hand", 0, 0L, 0, 0L));
        assertThat(approval.getDecisions()).singleElement().satisfies(d -> {
            assertThat(d.getPurpose()).isEqualTo(SALES);
            assertThat(d.getDecision().name()).isEqualTo("PERMIT");
            assertThat(d.getReasons()).containsExactly("CONSENT_GRANTED", "CONSENT_INHERITED");
            assertThat(d.getOutputTopic()).isEqualTo("crm.purpose." + SALES);
        });
        TestRecord<byte[], byte[]> duplicate = only(driver.records("consent.dlq"));
        assertThat(header(duplicate, "consent-dlq-reason")).isEqualTo("REVIEW_NOT_HELD");
        assertThat(header(duplicate, "consent-dlq-offset")).isEqualTo("1");
    }

    @Test
    void aWithdrawalBetweenHoldAndApprovalDropsTheRecord() {
        // Given
        driver.consent("c-1", "sales", ConsentStatus.GRANTED, T0);
        driver.send(contact("e-1", "c-1", T0 + 1_000, SALES));
        driver.consent("c-1", "sales", ConsentStatus.WITHDRAWN, T0 + 5_000);

        // When
        decide(HELD_ID, ReviewAction.APPROVE, T0 + 60_000);

        // Then
        assertThat(driver.purpose(SALES)).isEmpty();
        DecisionRecord approval = driver.audits().get(1);
        assertThat(approval.getReview().getAction()).isEqualTo("approve");
        assertThat(approval.getDecisions()).singleElement().satisfies(d -> {
            assertThat(d.getDecision().name()).isEqualTo("DROP");
            assertThat(d.getReasons()).containsExactly("CONSENT_WITHDRAWN", "CONSENT_INHERITED");
            assertThat(d.getOutputTopic()).isNull();
        });
    }

    @Test
    void anErasureBetweenHoldAndApprovalDropsTheRecord() {
        driver.consent("c-1", "sales", ConsentStatus.GRANTED, T0);
        driver.send(contact("e-1", "c-1", T0 + 1_000, SALES));
        driver.erasure("c-1", T0 + 5_000);

        decide(HELD_ID, ReviewAction.APPROVE, T0 + 60_000);

        assertThat(driver.purpose(SALES)).isEmpty();
        assertThat(driver.audits().get(1).getDecisions().get(0).getReasons()).containsExactly("ERASURE_REQUESTED");
    }

    @Test
    void aGrantAfterTheErasureDoesNotReleaseARecordHeldFromBeforeIt() {
        // Given: a record held before the customer asked for erasure, and a fresh grant after the erasure
        driver.consent("c-1", "sales", ConsentStatus.GRANTED, T0);
        driver.send(contact("e-1", "c-1", T0 + 1_000, SALES));
        driver.erasure("c-1", T0 + 5_000);
        driver.consent("c-1", "sales", ConsentStatus.GRANTED, T0 + 10_000);

        // When
        decide(HELD_ID, ReviewAction.APPROVE, T0 + 60_000);

        // Then: the data the erasure covered never reaches the purpose
        assertThat(driver.purpose(SALES)).isEmpty();
        assertThat(driver.audits().get(1).getDecisions()).singleElement().satisfies(d -> {
            assertThat(d.getDecision().name()).isEqualTo("DROP");
            assertThat(d.getReasons()).containsExactly("ERASURE_REQUESTED");
            assertThat(d.getConsentUsed().getStatus()).isEqualTo("ERASED");
            assertThat(d.getConsentUsed().getCapturedAt()).isEqualTo(java.time.Instant.ofEpochMilli(T0 + 5_000));
        });
    }

    @Test
    void aRejectionDropsTheRecordAndAuditsIt() {
        driver.consent("c-1", "sales", ConsentStatus.GRANTED, T0);
        driver.send(contact("e-1", "c-1", T0 + 1_000, SALES));

        decide(HELD_ID, ReviewAction.REJECT, T0 + 60_000);
        decide(HELD_ID, ReviewAction.APPROVE, T0 + 61_000);

        assertThat(driver.purpose(SALES)).isEmpty();
        DecisionRecord rejection = driver.audits().get(1);
        assertThat(rejection.getReview()).isEqualTo(new ReviewOutcome(HELD_ID, "reject", "rev-7", "lead checked by hand", 0, 0L, 0, 0L));
        assertThat(rejection.getDecisions()).singleElement().satisfies(d -> {
            assertThat(d.getDecision().name()).isEqualTo("DROP");
            assertThat(d.getReasons()).containsExactly("REVIEW_REJECTED");
            assertThat(d.getOutputTopic()).isNull();
        });
        assertThat(header(only(driver.records("consent.dlq")), "consent-dlq-reason")).isEqualTo("REVIEW_NOT_HELD");
    }

    @Test
    void aDecisionOnAnUnknownIdIsDeadLetteredAndChangesNothing() {
        driver.consent("c-1", "sales", ConsentStatus.GRANTED, T0);
        driver.send(contact("e-1", "c-1", T0 + 1_000, SALES));

        decide("0-7-" + SALES, ReviewAction.APPROVE, T0 + 60_000);

        assertThat(driver.purpose(SALES)).isEmpty();
        assertThat(driver.audits()).hasSize(1);
        TestRecord<byte[], byte[]> refused = only(driver.records("consent.dlq"));
        assertThat(header(refused, "consent-dlq-reason")).isEqualTo("REVIEW_NOT_HELD");
        assertThat(header(refused, "consent-dlq-detail")).isEqualTo("no record is held under review id 0-7-sales.prospecting: never held, "
                + "decided already, or its decision was written to another partition than the id names");
        assertThat(header(refused, "consent-dlq-topic")).isEqualTo(DECISIONS);
        // The held record still waits.
        decide(HELD_ID, ReviewAction.APPROVE, T0 + 61_000);
        assertThat(driver.purpose(SALES)).hasSize(1);
    }

    @Test
    void aDecisionKeyedByAnotherIdIsDeadLetteredAsMalformed() {
        driver.consent("c-1", "sales", ConsentStatus.GRANTED, T0);
        driver.send(contact("e-1", "c-1", T0 + 1_000, SALES));

        byte[] value = driver.encode(DECISIONS, new ReviewDecision(HELD_ID, ReviewAction.APPROVE, "rev-7", "ok"));
        driver.sendRawWithHeaders(DECISIONS, "0-9-" + SALES, value, T0 + 60_000);

        assertThat(driver.purpose(SALES)).isEmpty();
        TestRecord<byte[], byte[]> refused = only(driver.records("consent.dlq"));
        assertThat(header(refused, "consent-dlq-reason")).isEqualTo("MALFORMED_REVIEW_DECISION");
        assertThat(header(refused, "consent-dlq-detail")).isEqualTo("not a review decision: the record's key is not its review id");
    }

    @Test
    void aPurposeWithoutReviewIsDeliveredAtOnceBesideAHeldOne() {
        driver.consent("c-1", "marketing", ConsentStatus.GRANTED, T0);
        driver.consent("c-1", "sales", ConsentStatus.GRANTED, T0);

        driver.send(contact("e-1", "c-1", T0 + 1_000, "marketing.communications.email", SALES));

        assertThat(driver.purpose("marketing.communications.email")).hasSize(1);
        assertThat(driver.purpose(SALES)).isEmpty();
        assertThat(header(only(driver.records(REVIEW)), "consent-review-id")).isEqualTo("0-0-" + SALES);
        assertThat(only(driver.audits()).getDecisions()).extracting(PurposeDecision::getOutputTopic)
                .containsExactly("crm.purpose.marketing.communications.email", REVIEW);
    }

    @Test
    void aGracePeriodStopsTheStartAsApprovalsWouldNotWaitForIt() {
        assertThatThrownBy(() -> new EnforcementDriver(POLICY, Map.of(ConsentGateConfig.GRACE_MS, 500L)).close())
                .isInstanceOf(ConfigException.class)
                .hasMessage("consentgate.grace.ms is 500 but the policy has a purpose with review: required, whose approvals are decided "
                        + "when they are read, without waiting for consent changes still within the grace period: set "
                        + "consentgate.grace.ms=0, or remove review: required");
    }

    @Test
    void aDropIsNeverHeld() {
        driver.consent("c-1", "sales", ConsentStatus.DENIED, T0);

        driver.send(contact("e-1", "c-1", T0 + 1_000, SALES));

        assertThat(driver.records(REVIEW)).isEmpty();
        assertThat(only(driver.audits()).getDecisions().get(0).getDecision().name()).isEqualTo("DROP");
    }

    private void decide(String reviewId, ReviewAction action, long timestamp) {
        byte[] value = driver.encode(DECISIONS, new ReviewDecision(reviewId, action, "rev-7", "lead checked by hand"));
        driver.sendRawWithHeaders(DECISIONS, reviewId, value, timestamp);
    }

    private static <T> T only(List<T> items) {
        assertThat(items).hasSize(1);
        return items.get(0);
    }
}
