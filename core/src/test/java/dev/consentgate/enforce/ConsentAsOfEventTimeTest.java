package dev.consentgate.enforce;

import dev.consentgate.config.ConsentGateConfig;
import static dev.consentgate.enforce.EnforcementDriver.contact;
import static dev.consentgate.enforce.EnforcementDriver.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.Decision;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.PurposeDecision;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every event is judged by the consent of its own time and of the decision's time (the task's stream time
 * when it decides), whatever order things arrive in.
 */
class ConsentAsOfEventTimeTest {

    private static final String EMAIL = "marketing.communications.email";

    private EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy());

    @AfterEach
    void close() {
        driver.close();
    }

    private void restartWithGrace(long graceMs) {
        driver.close();
        driver = new EnforcementDriver(EnforcementDriver.examplePolicy(), Map.of(ConsentGateConfig.GRACE_MS, graceMs));
    }

    @Test
    void anEventFromBeforeAWithdrawalThatArrivesAfterItIsDroppedAtTheDecisionsTime() {
        // Given: a grant, then a withdrawal already read
        driver.consent("cust-2", EMAIL, ConsentStatus.GRANTED, 1_000);
        driver.consent("cust-2", EMAIL, ConsentStatus.WITHDRAWN, 3_000);

        // When: an event stamped between them arrives late, then one after the withdrawal
        driver.send(contact("e-t1", "cust-2", 2_000, EMAIL));
        driver.send(contact("e-t3", "cust-2", 4_000, EMAIL));

        // Then: neither reaches the purpose; the late one was decided at the withdrawal's stream time
        assertThat(driver.purpose(EMAIL)).isEmpty();
        List<DecisionRecord> audits = driver.audits();
        assertThat(EnforcementDriver.firstDecisions(audits)).containsExactly("e-t1:DROP:CONSENT_WITHDRAWN", "e-t3:DROP:CONSENT_WITHDRAWN");
        assertThat(audits).extracting(a -> a.getDecidedAt().toEpochMilli()).containsExactly(3_000L, 4_000L);
        assertThat(audits.get(0).getDecisions().get(0).getConsentUsed().getStatus()).isEqualTo("WITHDRAWN");
    }

    @Test
    void lateConsentWithdrawalDoesNotRewriteEarlierDecisionsButEveryLaterDecisionSeesIt() {
        // Given: an event permitted under a grant
        driver.consent("cust-3", EMAIL, ConsentStatus.GRANTED, 1_000);
        driver.send(contact("e-3000", "cust-3", 3_000, EMAIL));
        assertThat(driver.purpose(EMAIL)).hasSize(1);
        assertThat(driver.audits()).hasSize(1);

        // When: a withdrawal captured before that event arrives late
        driver.consent("cust-3", EMAIL, ConsentStatus.WITHDRAWN, 2_000);

        // Then: nothing already decided is redone, and every event decided after it is dropped, older ones at the decision's time
        assertThat(driver.purpose(EMAIL)).isEmpty();
        assertThat(driver.audits()).isEmpty();
        driver.send(contact("e-2500", "cust-3", 2_500, EMAIL));
        driver.send(contact("e-1500", "cust-3", 1_500, EMAIL));
        driver.send(contact("e-3500", "cust-3", 3_500, EMAIL));
        assertThat(EnforcementDriver.firstDecisions(driver.audits())).containsExactly(
                "e-2500:DROP:CONSENT_WITHDRAWN", "e-1500:DROP:CONSENT_WITHDRAWN", "e-3500:DROP:CONSENT_WITHDRAWN");
        assertThat(driver.purpose(EMAIL)).isEmpty();
    }

    @Test
    void expiryIsJudgedAtTheEventsTime() {
        driver.consent("cust-5", EMAIL, ConsentStatus.GRANTED, 1_000, 3_000L, "EU");

        driver.send(contact("e-valid", "cust-5", 2_999, EMAIL));
        driver.send(contact("e-expired", "cust-5", 3_000, EMAIL));

        assertThat(EnforcementDriver.firstDecisions(driver.audits())).containsExactly("e-valid:PERMIT:CONSENT_GRANTED", "e-expired:DROP:CONSENT_EXPIRED");
    }

    @Test
    void consentToAnAncestorCoversThePurposeAndADenialOfADescendantOverridesIt() {
        driver.consent("cust-a", "marketing", ConsentStatus.GRANTED, 1_000);
        driver.send(contact("e-inherited", "cust-a", 1_500, EMAIL));
        driver.consent("cust-a", EMAIL, ConsentStatus.DENIED, 2_000);

        driver.send(contact("e-both", "cust-a", 2_500, EMAIL, "marketing.advertising"));

        List<DecisionRecord> audits = driver.audits();
        PurposeDecision inherited = audits.get(0).getDecisions().get(0);
        assertThat(inherited.getDecision()).isEqualTo(Decision.PERMIT);
        assertThat(inherited.getReasons()).containsExactly("CONSENT_GRANTED", "CONSENT_INHERITED");
        assertThat(inherited.getConsentUsed().getPurpose()).isEqualTo("marketing");
        assertThat(audits.get(1).getDecisions()).extracting(d -> d.getPurpose() + ":" + d.getDecision() + ":" + d.getReasons())
                .containsExactly(
                        EMAIL + ":DROP:[CONSENT_DENIED]",
                        "marketing.advertising:PERMIT:[CONSENT_GRANTED, CONSENT_INHERITED]");
    }

    @Test
    void anErasureDeniesEveryPurposeFromItsTimeUntilConsentIsGivenAgain() {
        // Given: an event decided before the erasure, then the erasure and a new grant
        driver.consent("cust-e", EMAIL, ConsentStatus.GRANTED, 1_000);
        driver.send(contact("e-before", "cust-e", 1_500, EMAIL));
        driver.erasure("cust-e", 2_000);
        driver.consent("cust-e", "personalize", ConsentStatus.GRANTED, 3_000);

        // When
        driver.send(contact("e-erased", "cust-e", 2_500, EMAIL, "personalize.profiling"));
        driver.send(contact("e-regranted", "cust-e", 3_500, "personalize.profiling"));

        // Then: the erasure drops even the legitimate interest, until a later statement about the purpose
        List<DecisionRecord> audits = driver.audits();
        assertThat(audits).extracting(a -> a.getDecisions().stream().map(d -> d.getDecision() + ":" + d.getReasons()).toList())
                .containsExactly(
                        List.of("PERMIT:[CONSENT_GRANTED]"),
                        List.of("DROP:[ERASURE_REQUESTED]", "DROP:[ERASURE_REQUESTED]"),
                        List.of("PERMIT:[LEGITIMATE_INTEREST, CONSENT_INHERITED]"));
    }

    @Test
    void aLateEventFromBeforeAnErasureIsDroppedThoughTheCustomerGrantedAgainBeforeItWasDecided() {
        // Given: a grant, an erasure request, and a new grant, all read
        driver.consent("cust-r", EMAIL, ConsentStatus.GRANTED, 1_000);
        driver.erasure("cust-r", 2_000);
        driver.consent("cust-r", EMAIL, ConsentStatus.GRANTED, 3_000);

        // When: an event from before the erasure arrives late, then one of the returning customer
        driver.send(contact("e-before-erasure", "cust-r", 1_500, EMAIL));
        driver.send(contact("e-returned", "cust-r", 3_500, EMAIL));

        // Then: the erasure covers the late event's data, whatever was granted after it; the new event is the customer's again
        List<DecisionRecord> audits = driver.audits();
        assertThat(EnforcementDriver.firstDecisions(audits))
                .containsExactly("e-before-erasure:DROP:ERASURE_REQUESTED", "e-returned:PERMIT:CONSENT_GRANTED");
        assertThat(audits.get(0).getDecisions().get(0).getConsentUsed().getCapturedAt()).isEqualTo(Instant.ofEpochMilli(2_000));
        assertThat(driver.purpose(EMAIL)).extracting(r -> header(r, "consent-event-id")).containsExactly("e-returned");
    }

    @Test
    void anEventWaitingInTheGracePeriodIsDroppedByAnErasureEvenIfAGrantFollows() {
        restartWithGrace(5_000L);
        driver.consent("cust-w", EMAIL, ConsentStatus.GRANTED, 9_000);

        driver.send(contact("e-waiting", "cust-w", 10_000, EMAIL));
        driver.erasure("cust-w", 11_000);
        driver.consent("cust-w", EMAIL, ConsentStatus.GRANTED, 12_000);
        driver.send(contact("e-later", "someone-else", 15_000, EMAIL));

        assertThat(EnforcementDriver.firstDecisions(driver.audits())).startsWith("e-waiting:DROP:ERASURE_REQUESTED");
        assertThat(driver.purpose(EMAIL)).isEmpty();
    }

    @Test
    void anEventWaitsWithinTheGracePeriodForAConsentUpdateStillInFlight() {
        restartWithGrace(5_000L);

        driver.send(contact("e-waiting", "cust-g", 10_000, EMAIL));
        driver.consent("cust-g", EMAIL, ConsentStatus.GRANTED, 9_000);
        assertThat(driver.audits()).as("still within the grace period").isEmpty();

        driver.send(contact("e-later", "someone-else", 15_000, EMAIL));

        List<DecisionRecord> audits = driver.audits();
        assertThat(EnforcementDriver.firstDecisions(audits)).containsExactly("e-waiting:PERMIT:CONSENT_GRANTED");
        assertThat(audits.get(0).getEventTime()).isEqualTo(Instant.ofEpochMilli(10_000));
        assertThat(driver.purpose(EMAIL)).extracting(r -> header(r, "consent-event-id")).containsExactly("e-waiting");
    }

    @Test
    void withoutGraceTheSameEventIsDecidedBeforeTheConsentArrives() {
        driver.send(contact("e-waiting", "cust-g", 10_000, EMAIL));
        driver.consent("cust-g", EMAIL, ConsentStatus.GRANTED, 9_000);

        assertThat(EnforcementDriver.firstDecisions(driver.audits())).containsExactly("e-waiting:DROP:UNKNOWN_CUSTOMER");
    }

    @Test
    void eventsOfTwoInputsWithTheSameTimePartitionAndOffsetBothWaitAndAreBothDecided() {
        restartWithGrace(1_000L);

        driver.send(contact("e-contact", "cust-1", 2_000, "essential.service"));
        driver.send("crm.lead-scores", "cust-2", EnforcementDriver.leadScore("e-lead", "cust-2", 2_000, "essential.service"), 2_000);
        driver.send(contact("e-later", "cust-3", 9_000, "essential.service"));

        assertThat(driver.audits()).extracting(DecisionRecord::getEventId).containsExactlyInAnyOrder("e-contact", "e-lead");
    }

    @Test
    void bufferedEventsAreReleasedInEventTimeOrder() {
        restartWithGrace(1_000L);
        driver.consent("cust-o", EMAIL, ConsentStatus.GRANTED, 100);

        driver.send(contact("e-3", "cust-o", 3_000, EMAIL));
        driver.send(contact("e-2", "cust-o", 2_500, EMAIL));
        driver.send(contact("e-1", "cust-o", 2_000, EMAIL));
        driver.consent("cust-other", EMAIL, ConsentStatus.GRANTED, 10_000);

        assertThat(driver.audits()).extracting(DecisionRecord::getEventId).containsExactly("e-1", "e-2", "e-3");
    }

    @Test
    void anEventOlderThanTheConsentHistoryFailsClosed() {
        driver.close();
        driver = new EnforcementDriver(EnforcementDriver.examplePolicy(), Map.of(ConsentGateConfig.HISTORY_RETENTION_MS, 10_000L));
        driver.consent("cust-h", EMAIL, ConsentStatus.GRANTED, 1_000);
        driver.consent("cust-other", EMAIL, ConsentStatus.GRANTED, 50_000);

        driver.send(contact("e-ancient", "cust-h", 30_000, EMAIL));
        driver.send(contact("e-recent", "cust-h", 45_000, EMAIL));

        assertThat(EnforcementDriver.firstDecisions(driver.audits())).containsExactly(
                "e-ancient:DROP:CONSENT_HISTORY_EXPIRED", "e-recent:PERMIT:CONSENT_GRANTED");
    }

    /**
     * Where the customer said nothing, reporting is redacted and profiling tagged; an event older than the history is not
     * such a case: the customer may have said no then (here they had), so it drops for those purposes too.
     */
    @Test
    void anEventOlderThanTheConsentHistoryIsNeitherRedactedNorTagged() {
        driver.close();
        driver = new EnforcementDriver(EnforcementDriver.examplePolicy(), Map.of(ConsentGateConfig.HISTORY_RETENTION_MS, 10_000L));
        driver.consent("cust-d", "analytics.reporting", ConsentStatus.DENIED, 1_000);
        driver.consent("cust-d", "personalize", ConsentStatus.DENIED, 1_000);
        driver.consent("cust-d", "analytics.reporting", ConsentStatus.GRANTED, 50_000);
        driver.consent("cust-d", "personalize", ConsentStatus.GRANTED, 50_000);

        driver.send(contact("e-ancient", "cust-d", 2_000, "analytics.reporting", "personalize.profiling"));

        assertThat(driver.audits()).singleElement().satisfies(audit -> assertThat(audit.getDecisions())
                .extracting(d -> d.getPurpose() + ":" + d.getDecision() + ":" + d.getReasons())
                .containsExactly("analytics.reporting:DROP:[CONSENT_HISTORY_EXPIRED]",
                        "personalize.profiling:DROP:[CONSENT_HISTORY_EXPIRED]"));
        assertThat(driver.purpose("analytics.reporting")).isEmpty();
        assertThat(driver.purpose("personalize.profiling")).isEmpty();
    }
}
