package dev.consentgate.enforce;

import static dev.consentgate.enforce.EnforcementDriver.contact;
import static dev.consentgate.enforce.EnforcementDriver.firstDecisions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.schema.ConsentRecordUsed;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.DecisionRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A time-limited grant suspends a "no", it does not end it. Each case tries to get a customer's data through after they
 * refused, then granted for a while: the grant lapses and the refusal must drop the record again, whatever the purpose's
 * {@code on_missing_consent}, its jurisdiction's opt-out, its basis, a renewal in between, or the history's pruning.
 */
class LapsedGrantTest {

    private static final String REPORTING = "analytics.reporting";
    private static final String PROSPECTING = "sales.prospecting";
    private static final String ESSENTIAL = "essential.service";
    private static final long NOW = Instant.parse("2026-12-01T09:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000;
    private static final long DAY = 24 * HOUR;

    @Test
    void aLapsedGrantBringsBackTheWithdrawalBeforeItSoARedactingPurposeGetsNothing() {
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy())) {
            // Given: a withdrawal, then a grant for four hours
            driver.consent("cust-1", REPORTING, ConsentStatus.WITHDRAWN, NOW - 10 * HOUR, null, "EU");
            driver.consent("cust-1", REPORTING, ConsentStatus.GRANTED, NOW - 5 * HOUR, NOW - HOUR, "EU");

            // When: an event while the grant holds, then one after it lapsed
            driver.send(contact("e-during", "cust-1", NOW - 3 * HOUR, REPORTING));
            driver.send(contact("e-after", "cust-1", NOW, REPORTING));

            // Then: the second drops on the withdrawal instead of being redacted as "nothing said" (CONSENT_EXPIRED)
            List<DecisionRecord> audits = driver.audits();
            assertThat(firstDecisions(audits)).containsExactly("e-during:PERMIT:CONSENT_GRANTED", "e-after:DROP:CONSENT_WITHDRAWN");
            ConsentRecordUsed used = audits.get(1).getDecisions().get(0).getConsentUsed();
            assertThat(used.getStatus()).isEqualTo("WITHDRAWN");
            assertThat(used.getCapturedAt()).isEqualTo(Instant.ofEpochMilli(NOW - 10 * HOUR));
            assertThat(driver.purpose(REPORTING)).hasSize(1);
        }
    }

    /**
     * A refusal, then a grant for a day about the event's purpose: after the grant, an opt-out purpose would be permitted as
     * "not opted out", a legitimate interest as "no objection", a specific purpose under a broad withdrawal as "nothing said".
     */
    @ParameterizedTest(name = "{1} {2} under {3}, then {4} granted for a day: {5}")
    @CsvSource({
            "cust-2, marketing.advertising, DENIED,    US-CA, marketing.advertising,          DROP:OPTED_OUT",
            "cust-5, marketing,             WITHDRAWN, EU,    marketing.communications.email, 'DROP:CONSENT_WITHDRAWN,CONSENT_INHERITED'",
            "cust-6, personalize.profiling, DENIED,    EU,    personalize.profiling,          DROP:OBJECTION"})
    void aRefusalBeforeALapsedGrantDropsTheEventAgain(String customer, String refused, ConsentStatus refusal, String jurisdiction,
                                                      String purpose, String expected) {
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy())) {
            // Given
            driver.consent(customer, refused, refusal, NOW - 10 * DAY, null, jurisdiction);
            driver.consent(customer, purpose, ConsentStatus.GRANTED, NOW - 5 * DAY, NOW - 4 * DAY, jurisdiction);

            // When
            driver.send(contact("e-after", customer, NOW, purpose));

            // Then
            assertThat(firstDecisions(driver.audits())).containsExactly("e-after:" + expected);
            assertThat(driver.purpose(purpose)).isEmpty();
        }
    }

    /**
     * An opt-out, then two grants captured at one instant, one for five days and one without expiry, in either order, with
     * the history pruned in between: the grant without expiry still holds, so the opt-out does not come back.
     */
    @Test
    void twoGrantsAtOneInstantAnswerTheSameWhicheverArrivedFirstAcrossAPruning() {
        for (boolean openFirst : new boolean[] {true, false}) {
            Map<String, Object> oneDayOfHistory = Map.of(ConsentGateConfig.HISTORY_RETENTION_MS, DAY);
            try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy(), oneDayOfHistory)) {
                // Given
                driver.consent("cust-9", "marketing.advertising", ConsentStatus.DENIED, NOW - 30 * DAY, null, "US-CA");
                driver.consent("cust-9", "marketing.advertising", ConsentStatus.GRANTED, NOW - 20 * DAY, openFirst ? null : NOW - 15 * DAY, "US-CA");
                driver.consent("cust-9", REPORTING, ConsentStatus.GRANTED, NOW - 10 * DAY, null, "US-CA");
                driver.consent("cust-9", "marketing.advertising", ConsentStatus.GRANTED, NOW - 20 * DAY, openFirst ? NOW - 15 * DAY : null, "US-CA");

                // When
                driver.send(contact("e-after", "cust-9", NOW, "marketing.advertising"));

                // Then: the grant in force at that instant is the one that lapsed first; the customer is not opted out
                List<DecisionRecord> audits = driver.audits();
                assertThat(firstDecisions(audits)).as("open grant first: %s", openFirst).containsExactly("e-after:PERMIT:OPT_OUT_NOT_EXERCISED");
                assertThat(audits.get(0).getDecisions().get(0).getConsentUsed().getExpiresAt()).isEqualTo(Instant.ofEpochMilli(NOW - 15 * DAY));
            }
        }
    }

    @Test
    void renewalsThatAllLapsedStillLeaveTheDenialBeforeThem() {
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy())) {
            // Given: a denial, then a grant renewed once before it lapsed, then both lapsed
            driver.consent("cust-3", PROSPECTING, ConsentStatus.DENIED, NOW - 10 * DAY, null, "EU");
            driver.consent("cust-3", PROSPECTING, ConsentStatus.GRANTED, NOW - 6 * DAY, NOW - 4 * DAY, "EU");
            driver.consent("cust-3", PROSPECTING, ConsentStatus.GRANTED, NOW - 5 * DAY, NOW - 2 * DAY, "EU");

            // When: events under the first grant, under the renewal, and after both
            driver.send(contact("e-first", "cust-3", NOW - 5 * DAY - HOUR, PROSPECTING));
            driver.send(contact("e-renewed", "cust-3", NOW - 3 * DAY, PROSPECTING));
            driver.send(contact("e-after", "cust-3", NOW, PROSPECTING));

            // Then: the last drops on the denial; tagged (CONSENT_EXPIRED) it would have reached sales
            assertThat(firstDecisions(driver.audits())).containsExactly(
                    "e-first:PERMIT:CONSENT_GRANTED", "e-renewed:PERMIT:CONSENT_GRANTED", "e-after:DROP:CONSENT_DENIED");
            assertThat(driver.purpose(PROSPECTING)).hasSize(2);
        }
    }

    @Test
    void aGrantWithoutExpiryBetweenTheDenialAndTheLapsedGrantIsNotRevivedAndTheCustomerSaidNothing() {
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy())) {
            // Given: a denial, a grant without expiry that replaced it, then a time-limited grant that replaced that
            driver.consent("cust-4", PROSPECTING, ConsentStatus.DENIED, NOW - 10 * DAY, null, "EU");
            driver.consent("cust-4", PROSPECTING, ConsentStatus.GRANTED, NOW - 8 * DAY, null, "EU");
            driver.consent("cust-4", PROSPECTING, ConsentStatus.GRANTED, NOW - 5 * DAY, NOW - 4 * DAY, "EU");

            // When
            driver.send(contact("e-after", "cust-4", NOW, PROSPECTING));

            // Then: the denial was ended by a grant that did not lapse; the last word lapsed, so nothing is said
            assertThat(firstDecisions(driver.audits())).containsExactly("e-after:TAG:CONSENT_EXPIRED");
        }
    }

    @Test
    void aTimeLimitedGrantRestartsAContractAfterAnErasureOnlyUntilItLapses() {
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy())) {
            // Given: an erasure request, then the customer grants the service for a day
            driver.erasure("cust-7", NOW - 10 * DAY);
            driver.consent("cust-7", ESSENTIAL, ConsentStatus.GRANTED, NOW - 5 * DAY, NOW - 4 * DAY, "EU");

            // When
            driver.send(contact("e-during", "cust-7", NOW - 5 * DAY + HOUR, ESSENTIAL));
            driver.send(contact("e-after", "cust-7", NOW, ESSENTIAL));

            // Then
            assertThat(firstDecisions(driver.audits())).containsExactly("e-during:PERMIT:CONTRACT", "e-after:DROP:ERASURE_REQUESTED");
        }
    }

    @Test
    void theDenialBeforeALapsedGrantSurvivesThePruningOfTheHistory() {
        Map<String, Object> oneDayOfHistory = Map.of(ConsentGateConfig.HISTORY_RETENTION_MS, DAY);
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy(), oneDayOfHistory)) {
            // Given: a denial and a grant for twenty days, both captured long before the history's cut-off, then a later
            // statement of the same customer, which prunes their history against a cut-off past both
            driver.consent("cust-8", PROSPECTING, ConsentStatus.DENIED, NOW - 30 * DAY, null, "EU");
            driver.consent("cust-8", PROSPECTING, ConsentStatus.GRANTED, NOW - 25 * DAY, NOW - 5 * DAY, "EU");
            driver.consent("cust-8", REPORTING, ConsentStatus.GRANTED, NOW - 10 * DAY, null, "EU");

            // When: an event while the grant holds, then one after it lapsed, both within the history
            driver.send(contact("e-granted", "cust-8", NOW - 9 * DAY - HOUR, PROSPECTING));
            driver.send(contact("e-lapsed", "cust-8", NOW - 4 * DAY, PROSPECTING));

            // Then: pruned as before, only the grant would be left, and the last event would be tagged (CONSENT_EXPIRED)
            assertThat(firstDecisions(driver.audits())).containsExactly("e-granted:PERMIT:CONSENT_GRANTED", "e-lapsed:DROP:CONSENT_DENIED");
        }
    }
}
