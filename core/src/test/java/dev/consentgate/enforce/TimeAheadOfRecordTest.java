package dev.consentgate.enforce;

import static dev.consentgate.enforce.EnforcementDriver.contact;
import static dev.consentgate.enforce.EnforcementDriver.consentEvent;
import static dev.consentgate.enforce.EnforcementDriver.erasureEvent;
import static dev.consentgate.enforce.EnforcementDriver.firstDecisions;
import static dev.consentgate.enforce.EnforcementDriver.header;
import static dev.consentgate.signal.SignalFixtures.VENDOR;
import static dev.consentgate.signal.SignalFixtures.examplePolicyWithSignals;
import static dev.consentgate.signal.SignalFixtures.tcString;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.schema.ConsentSignal;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.SignalKind;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * A record dated far ahead of its Kafka timestamp must not move its partition's decisions into the future: each task decides
 * at the latest time it has seen and judges its consent history against the newest capture time, so one such record, from
 * any producer of an input, the consent topic or the signals topic, would make every later decision fail closed. An event
 * dated beyond the bound is a dead letter; a statement counts from the bound, so a "no" is never lost.
 */
class TimeAheadOfRecordTest {

    private static final String REPORTING = "analytics.reporting";
    private static final String ADVERTISING = "marketing.advertising";
    private static final String EMAIL = "marketing.communications.email";
    private static final String ESSENTIAL = "essential.service";
    private static final long NOW = Instant.parse("2026-12-01T09:00:00Z").toEpochMilli();
    private static final long YEAR_2100 = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000;
    private static final long MINUTE = 60_000;

    @Test
    void anEventDatedAheadOfItsRecordIsADeadLetterAndLaterEventsAreDecidedAtTheirOwnTime() {
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy())) {
            // Given: a grant valid for ten minutes
            driver.consent("cust-1", REPORTING, ConsentStatus.GRANTED, NOW - 1_000, NOW + 600_000, "EU");

            // When: an event dated 2100 in a record produced now, then events of the next second and of an hour ahead
            driver.send("crm.contacts", "cust-1", contact("e-2100", "cust-1", YEAR_2100, REPORTING), NOW);
            driver.send("crm.contacts", "cust-1", contact("e-next", "cust-1", NOW + 1_000, REPORTING), NOW + 1_000);
            driver.send("crm.contacts", "cust-1", contact("e-an-hour-ahead", "cust-1", NOW + 2_000 + HOUR, REPORTING), NOW + 2_000);

            // Then: the event of 2100 is a dead letter; the next is decided at its time, while the grant holds
            assertThat(deadLetters(driver)).containsExactly("TIME_AHEAD_OF_RECORD: the event time is " + (YEAR_2100 - NOW)
                    + " ms after the record's timestamp, more than the 3600000 ms a record's time may run ahead of it");
            List<DecisionRecord> audits = driver.audits();
            assertThat(audits).extracting(DecisionRecord::getEventId).containsExactly("e-next", "e-an-hour-ahead");
            assertThat(audits.get(0).getDecidedAt().toEpochMilli()).isEqualTo(NOW + 1_000);
            assertThat(firstDecisions(audits)).containsExactly("e-next:PERMIT:CONSENT_GRANTED", "e-an-hour-ahead:REDACT:CONSENT_EXPIRED");
        }
    }

    @Test
    void aGrantCapturedAheadOfItsRecordIsADeadLetterAndMovesNoDecision() {
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy())) {
            // Given: a customer's grant, and another customer's grant dated 2100 in a record produced now
            driver.consent("cust-2", REPORTING, ConsentStatus.GRANTED, NOW - 1_000, null, "EU");
            driver.send("consent.events", "cust-9", consentEvent("cust-9", REPORTING, ConsentStatus.GRANTED, YEAR_2100, null, "EU"), NOW);

            // When
            driver.send("crm.contacts", "cust-2", contact("e-2", "cust-2", NOW + 1_000, REPORTING), NOW + 1_000);
            driver.send("crm.contacts", "cust-9", contact("e-9", "cust-9", NOW + HOUR + 1_000, REPORTING), NOW + HOUR + 1_000);

            // Then: taken as dated, the grant would have put every event of today beyond the consent history; moved back to
            // the bound, it would count before it says it was given
            assertThat(deadLetters(driver)).containsExactly("TIME_AHEAD_OF_RECORD: the capture time of a grant is " + (YEAR_2100 - NOW)
                    + " ms after the record's timestamp, more than the 3600000 ms a record's time may run ahead of it: "
                    + "a grant counts from when it was given, not before");
            List<DecisionRecord> audits = driver.audits();
            assertThat(firstDecisions(audits)).containsExactly("e-2:PERMIT:CONSENT_GRANTED", "e-9:REDACT:UNKNOWN_CUSTOMER");
            assertThat(audits.get(0).getDecidedAt().toEpochMilli()).isEqualTo(NOW + 1_000);
        }
    }

    /**
     * Found by review: a grant produced now but dated five hours ahead, moved back to the bound, would land after a withdrawal
     * the customer gave half an hour later, and override it.
     */
    @Test
    void aGrantDatedBeyondTheBoundDoesNotOverrideAWithdrawalCapturedAfterItsRecord() {
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy())) {
            driver.send("consent.events", "cust-a", consentEvent("cust-a", EMAIL, ConsentStatus.GRANTED, NOW + 5 * HOUR, null, "EU"), NOW);
            driver.send("consent.events", "cust-a",
                    consentEvent("cust-a", EMAIL, ConsentStatus.WITHDRAWN, NOW + 30 * MINUTE, null, "EU"), NOW + 30 * MINUTE);

            driver.send("crm.contacts", "cust-a", contact("e-a", "cust-a", NOW + 2 * HOUR, EMAIL), NOW + 2 * HOUR);

            assertThat(firstDecisions(driver.audits())).containsExactly("e-a:DROP:CONSENT_WITHDRAWN");
            assertThat(driver.purpose(EMAIL)).isEmpty();
        }
    }

    /** Found by review: a grant that by its own dates never held (expiring before its capture) must not start holding. */
    @Test
    void aGrantThatByItsOwnDatesNeverHeldDoesNotStartHolding() {
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy())) {
            driver.send("consent.events", "cust-b",
                    consentEvent("cust-b", EMAIL, ConsentStatus.GRANTED, NOW + 5 * HOUR, NOW + 3 * HOUR, "EU"), NOW);

            driver.send("crm.contacts", "cust-b", contact("e-b", "cust-b", NOW + 2 * HOUR, EMAIL), NOW + 2 * HOUR);

            assertThat(firstDecisions(driver.audits())).containsExactly("e-b:DROP:UNKNOWN_CUSTOMER");
            assertThat(driver.purpose(EMAIL)).isEmpty();
        }
    }

    @Test
    void aSignalCapturedAheadOfItsRecordGivesNoGrantAndIsADeadLetter() {
        try (EnforcementDriver driver = new EnforcementDriver(examplePolicyWithSignals())) {
            // Given: a TCF consent for advertising dated 2100, in a record produced now
            ConsentSignal signal = ConsentSignal.newBuilder().setSignalId("signal-2100").setCustomerId("cust-3").setKind(SignalKind.TCF)
                    .setValue(tcString().consent(4).vendorConsent(VENDOR).encode()).setCapturedAt(Instant.ofEpochMilli(YEAR_2100))
                    .setJurisdiction("EU").setSource("web-cmp").build();
            driver.send(EnforcementDriver.SIGNALS, "cust-3", signal, NOW);
            driver.consent("cust-3", REPORTING, ConsentStatus.GRANTED, NOW - 1_000, null, "EU");

            // When
            driver.send("crm.contacts", "cust-3", contact("e-3", "cust-3", NOW + HOUR + 1_000, ADVERTISING), NOW + HOUR + 1_000);

            // Then
            assertThat(deadLetters(driver)).containsExactly("TIME_AHEAD_OF_RECORD: the signal's capture time is " + (YEAR_2100 - NOW)
                    + " ms after the record's timestamp, more than the 3600000 ms a record's time may run ahead of it: "
                    + "its 1 grant(s) were not applied, its refusals count from the bound");
            List<DecisionRecord> audits = driver.audits();
            assertThat(firstDecisions(audits)).containsExactly("e-3:DROP:NO_CONSENT");
            assertThat(audits.get(0).getDecidedAt().toEpochMilli()).isEqualTo(NOW + HOUR + 1_000);
        }
    }

    // ---- a "no" dated ahead still counts (found by review: as a dead letter, it was lost)

    @Test
    void aWithdrawalCapturedAheadOfItsRecordStillStopsTheCustomersData() {
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy())) {
            driver.consent("cust-w", EMAIL, ConsentStatus.GRANTED, NOW - 1_000, null, "EU");
            // The customer withdraws; their consent platform dates it two hours ahead of the producer's clock
            driver.send("consent.events", "cust-w", consentEvent("cust-w", EMAIL, ConsentStatus.WITHDRAWN, NOW + 2 * HOUR, null, "EU"), NOW);

            driver.send("crm.contacts", "cust-w", contact("e-w", "cust-w", NOW + 1_000, EMAIL), NOW + 1_000);

            // Then: it counts from the bound, an hour after its record, and the event is decided then
            List<DecisionRecord> audits = driver.audits();
            assertThat(firstDecisions(audits)).containsExactly("e-w:DROP:CONSENT_WITHDRAWN");
            assertThat(audits.get(0).getDecidedAt().toEpochMilli()).isEqualTo(NOW + HOUR);
            assertThat(audits.get(0).getDecisions().get(0).getConsentUsed().getCapturedAt().toEpochMilli()).isEqualTo(NOW + HOUR);
            assertThat(deadLetters(driver)).isEmpty();
            assertThat(driver.purpose(EMAIL)).isEmpty();
        }
    }

    @Test
    void anErasureCapturedAheadOfItsRecordStillStopsTheCustomersData() {
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy())) {
            driver.consent("cust-e", EMAIL, ConsentStatus.GRANTED, NOW - 1_000, null, "EU");
            driver.send("consent.events", "cust-e", erasureEvent("cust-e", NOW + 2 * HOUR), NOW);

            driver.send("crm.contacts", "cust-e", contact("e-e", "cust-e", NOW + 1_000, ESSENTIAL), NOW + 1_000);

            assertThat(firstDecisions(driver.audits())).containsExactly("e-e:DROP:ERASURE_REQUESTED");
            assertThat(driver.purpose(ESSENTIAL)).isEmpty();
        }
    }

    @Test
    void aGpcSignalCapturedAheadOfItsRecordStillOptsTheCustomerOut() {
        try (EnforcementDriver driver = new EnforcementDriver(examplePolicyWithSignals())) {
            // A US-CA customer, for whom advertising is opt-out; their browser's GPC, dated two hours ahead
            driver.consent("cust-g", "sales.prospecting", ConsentStatus.GRANTED, NOW - 1_000, null, "US-CA");
            ConsentSignal gpc = ConsentSignal.newBuilder().setSignalId("gpc-1").setCustomerId("cust-g").setKind(SignalKind.GPC)
                    .setValue("1").setCapturedAt(Instant.ofEpochMilli(NOW + 2 * HOUR)).setJurisdiction("US-CA").setSource("web-cmp").build();
            driver.send(EnforcementDriver.SIGNALS, "cust-g", gpc, NOW);

            driver.send("crm.contacts", "cust-g", contact("e-g", "cust-g", NOW + 1_000, ADVERTISING), NOW + 1_000);

            assertThat(firstDecisions(driver.audits())).containsExactly("e-g:DROP:OPTED_OUT");
        }
    }

    private static List<String> deadLetters(EnforcementDriver driver) {
        return driver.records("consent.dlq").stream()
                .map((TestRecord<byte[], byte[]> r) -> header(r, "consent-dlq-reason") + ": " + header(r, "consent-dlq-detail"))
                .toList();
    }
}
