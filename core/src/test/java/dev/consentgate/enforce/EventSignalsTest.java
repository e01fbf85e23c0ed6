package dev.consentgate.enforce;

import static dev.consentgate.enforce.EnforcementDriver.CONTACTS;
import static dev.consentgate.enforce.EnforcementDriver.contact;
import static dev.consentgate.enforce.EnforcementDriver.firstDecisions;
import static dev.consentgate.enforce.EnforcementDriver.header;
import static dev.consentgate.signal.SignalFixtures.VENDOR;
import static dev.consentgate.signal.SignalFixtures.examplePolicyWithSignals;
import static dev.consentgate.signal.SignalFixtures.tcString;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.schema.ConsentRecordUsed;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.SignalUsed;
import dev.consentgate.signal.SignalFixtures;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * Privacy signals carried by the CRM events themselves, in the headers the example policy maps on crm.contacts
 * (x-tc-string, x-gpp-string, sec-gpc): their statements join the customer's consent history just before their own event
 * is decided, so they count for it and for every later event, and the audit record shows them as for the signals topic.
 */
class EventSignalsTest {

    private static final String ADVERTISING = "marketing.advertising";
    private static final String CUSTOMER = "cust-1";
    private static final String GRANTS_ADVERTISING = tcString().consent(4).vendorConsent(VENDOR).encode();

    @Test
    void anEventsOwnGpcOptsItsCaliforniaCustomerOutOfThatEventAndOfLaterOnes() {
        try (EnforcementDriver driver = new EnforcementDriver(examplePolicyWithSignals())) {
            // Given a US-CA customer, for whom advertising is allowed until they opt out
            driver.consent(CUSTOMER, "sales.prospecting", ConsentStatus.GRANTED, 1_000, null, "US-CA");

            // When an event arrives with Sec-GPC: 1, then one without any signal
            sendContact(driver, "e-gpc", 2_000, "sec-gpc", "1");
            sendContact(driver, "e-later", 3_000);

            // Then both drop as opted out, on the statement the first event carried
            List<DecisionRecord> audits = driver.audits();
            assertThat(firstDecisions(audits)).containsExactly("e-gpc:DROP:OPTED_OUT", "e-later:DROP:OPTED_OUT");
            ConsentRecordUsed carried = new ConsentRecordUsed(ADVERTISING, "DENIED", Instant.ofEpochMilli(2_000), null, null, CONTACTS,
                    null, "e-gpc", new SignalUsed("gpc", "1", "GPC: opted out (in US-CA)"));
            assertThat(audits).allSatisfy(audit -> assertThat(audit.getDecisions().get(0).getConsentUsed()).isEqualTo(carried));
            assertThat(audits).extracting(DecisionRecord::getJurisdiction).containsExactly("US-CA", "US-CA");
            assertThat(driver.purpose(ADVERTISING)).isEmpty();
        }
    }

    @Test
    void anEventsGpcLeavesAnEuCustomerAndTheSignalHeadersNeverReachAPurpose() {
        // An empty signal header is no signal
        try (EnforcementDriver driver = new EnforcementDriver(examplePolicyWithSignals())) {
            driver.consent(CUSTOMER, ADVERTISING, ConsentStatus.GRANTED, 1_000, null, "EU");

            sendContact(driver, "e-1", 2_000, "sec-gpc", "1", "x-gpp-string", "", "traceparent", "00-trace-01");

            assertThat(firstDecisions(driver.audits())).containsExactly("e-1:PERMIT:CONSENT_GRANTED");
            assertThat(driver.purpose(ADVERTISING)).singleElement().satisfies(record -> {
                assertThat(Arrays.stream(record.headers().toArray()).map(Header::key).filter(key -> !key.startsWith("consent-")))
                        .containsExactly("traceparent");
                assertThat(header(record, "sec-gpc")).isNull();
            });
        }
    }

    @Test
    void anEventsGpcOptsAnEuCustomerOutWhereThePolicySaysSo() {
        String policy = examplePolicyWithSignals() + """
                  gpc:
                    elsewhere: { EU: [marketing.advertising] }
                """;
        try (EnforcementDriver driver = new EnforcementDriver(policy)) {
            driver.consent(CUSTOMER, ADVERTISING, ConsentStatus.GRANTED, 1_000, null, "EU");

            sendContact(driver, "e-1", 2_000, "sec-gpc", "1");

            DecisionRecord audit = driver.audits().get(0);
            assertThat(firstDecisions(List.of(audit))).containsExactly("e-1:DROP:CONSENT_DENIED");
            assertThat(audit.getDecisions().get(0).getConsentUsed().getSignal()).isEqualTo(new SignalUsed("gpc", "1", "GPC: opted out (in EU)"));
        }
    }

    @Test
    void anEventsTcStringWithoutTheVendorsConsentDeniesAndALaterEventWithoutASignalStillSeesIt() {
        try (EnforcementDriver driver = new EnforcementDriver(examplePolicyWithSignals())) {
            // Given an EU customer who granted advertising through the consent topic
            driver.consent(CUSTOMER, ADVERTISING, ConsentStatus.GRANTED, 1_000, null, "EU");
            String otherVendorOnly = tcString().consent(4).vendorConsent(VENDOR + 1).encode();

            // When an event carries a TC string consenting to purpose 4 for another vendor only, then one carries nothing
            sendContact(driver, "e-tcf", 2_000, "x-tc-string", otherVendorOnly);
            sendContact(driver, "e-later", 3_000);

            List<DecisionRecord> audits = driver.audits();
            assertThat(firstDecisions(audits)).containsExactly("e-tcf:DROP:CONSENT_DENIED", "e-later:DROP:CONSENT_DENIED");
            assertThat(audits).allSatisfy(audit -> assertThat(audit.getDecisions().get(0).getConsentUsed()).isEqualTo(
                    new ConsentRecordUsed(ADVERTISING, "DENIED", Instant.ofEpochMilli(2_000), null, null, CONTACTS, null, "e-tcf",
                            new SignalUsed("tcf", otherVendorOnly, "TCF purpose 4 for vendor 755: no consent (purpose consent yes, vendor consent no)"))));
            assertThat(driver.purpose(ADVERTISING)).isEmpty();
        }
    }

    @Test
    void anEventsTcStringWithTheVendorsConsentGrantsThatEventAndLaterOnes() {
        try (EnforcementDriver driver = new EnforcementDriver(examplePolicyWithSignals())) {
            sendContact(driver, "e-tcf", 2_000, "x-tc-string", GRANTS_ADVERTISING);
            sendContact(driver, "e-later", 3_000);

            assertThat(firstDecisions(driver.audits())).containsExactly("e-tcf:PERMIT:CONSENT_GRANTED", "e-later:PERMIT:CONSENT_GRANTED");
            assertThat(driver.purpose(ADVERTISING)).hasSize(2);
        }
    }

    @Test
    void anEventsGppStringIsReadAsTheSignalsTopicReadsIt() {
        try (EnforcementDriver driver = new EnforcementDriver(examplePolicyWithSignals())) {
            driver.consent(CUSTOMER, ADVERTISING, ConsentStatus.GRANTED, 1_000, null, "EU");

            // The IAB's example of a GPP string with a TCF EU v2 section that consents to nothing
            sendContact(driver, "e-gpp", 2_000, "x-gpp-string", SignalFixtures.GPP_TCF_NOTHING);

            assertThat(driver.audits()).singleElement().satisfies(audit -> {
                assertThat(firstDecisions(List.of(audit))).containsExactly("e-gpp:DROP:CONSENT_DENIED");
                assertThat(audit.getDecisions().get(0).getConsentUsed().getSignal()).isEqualTo(new SignalUsed("gpp",
                        SignalFixtures.GPP_TCF_NOTHING, "TCF purpose 4 for vendor 755: no consent (purpose consent no, vendor consent no)"));
            });
        }
    }

    @Test
    void anEventWithAMalformedSignalIsDeadLetteredUndecidedAndNoneOfItsSignalsCounts() {
        try (EnforcementDriver driver = new EnforcementDriver(examplePolicyWithSignals())) {
            driver.consent(CUSTOMER, "sales.prospecting", ConsentStatus.GRANTED, 1_000, null, "US-CA");

            // A valid GPC beside a TC string the IAB's decoder refuses
            sendContact(driver, "e-bad", 2_000, "sec-gpc", "1", "x-tc-string", "CPXxRf-not-a-tc-string");
            sendContact(driver, "e-bad-gpc", 2_500, "sec-gpc", "yes");
            sendContact(driver, "e-later", 3_000);

            assertThat(driver.records("consent.dlq")).extracting(dead -> header(dead, "consent-dlq-reason") + ": "
                    + header(dead, "consent-dlq-detail") + " at " + header(dead, "consent-dlq-topic") + "-"
                    + header(dead, "consent-dlq-partition") + "@" + header(dead, "consent-dlq-offset")).containsExactly(
                    "MALFORMED_SIGNAL: signal carried by the event: TC string cannot be decoded (DecodingException) at crm.contacts-0@0",
                    "MALFORMED_SIGNAL: signal carried by the event: GPC value is neither 1 nor 0 at crm.contacts-0@1");
            // The GPC of the refused event did not count: the later event is still allowed
            assertThat(firstDecisions(driver.audits())).containsExactly("e-later:PERMIT:OPT_OUT_NOT_EXERCISED");
            assertThat(driver.purpose(ADVERTISING)).hasSize(1);
        }
    }

    @Test
    void underAGracePeriodAnEventsSignalsCountFromWhenItIsDecidedInEventTimeOrder() {
        try (EnforcementDriver driver = new EnforcementDriver(examplePolicyWithSignals(), Map.of("consentgate.grace.ms", 1_000L))) {
            driver.consent(CUSTOMER, "sales.prospecting", ConsentStatus.GRANTED, 1_000, null, "US-CA");

            // The opt-out arrives first but happened later: it waits, and the earlier event is decided before it counts
            sendContact(driver, "e-gpc", 3_000, "sec-gpc", "1");
            sendContact(driver, "e-earlier", 2_000);
            sendContact(driver, "e-later", 5_000);
            sendContact(driver, "e-last", 7_000);

            assertThat(firstDecisions(driver.audits()))
                    .containsExactly("e-earlier:PERMIT:OPT_OUT_NOT_EXERCISED", "e-gpc:DROP:OPTED_OUT", "e-later:DROP:OPTED_OUT");
        }
    }

    /** Without a grace period, an older event decided after an opt-out an event carried was read drops. */
    @Test
    void withoutAGracePeriodAnOlderEventDecidedAfterAnOptOutWasReadDrops() {
        try (EnforcementDriver driver = new EnforcementDriver(examplePolicyWithSignals())) {
            driver.consent(CUSTOMER, "sales.prospecting", ConsentStatus.GRANTED, 1_000, null, "US-CA");

            sendContact(driver, "e-first", 1_500);
            sendContact(driver, "e-gpc", 3_000, "sec-gpc", "1");
            sendContact(driver, "e-earlier", 2_000);

            assertThat(firstDecisions(driver.audits())).containsExactly("e-first:PERMIT:OPT_OUT_NOT_EXERCISED",
                    "e-gpc:DROP:OPTED_OUT", "e-earlier:DROP:OPTED_OUT");
        }
    }

    @Test
    void theSameEventsDecidedAgainGiveTheSameDecisionsAndAuditRecords() {
        Consumer<EnforcementDriver> run = driver -> {
            driver.consent(CUSTOMER, "sales.prospecting", ConsentStatus.GRANTED, 1_000, null, "US-CA");
            // The IAB's example TC string: purposes 1 to 3 for vendors 2, 6 and 8, so no consent to advertising for ours
            sendContact(driver, "e-1", 2_000, "x-tc-string", SignalFixtures.TCF_PURPOSES_1_TO_3_VENDORS_2_6_8);
            sendContact(driver, "e-2", 3_000, "x-tc-string", GRANTS_ADVERTISING);
            sendContact(driver, "e-3", 4_000, "sec-gpc", "1");
            sendContact(driver, "e-4", 5_000, "x-gpp-string", SignalFixtures.gpp("usnat", "SharingOptOut", 2, "SaleOptOut", 1));
            sendContact(driver, "e-5", 6_000, "x-tc-string", GRANTS_ADVERTISING);
        };
        List<String> expected = List.of("e-1:DROP:OPTED_OUT", "e-2:PERMIT:CONSENT_GRANTED", "e-3:DROP:OPTED_OUT",
                "e-4:DROP:OPTED_OUT", "e-5:PERMIT:CONSENT_GRANTED");
        List<Map<String, Object>> first = decide(run, expected);

        assertThat(decide(run, expected)).isEqualTo(first);
    }

    /** Runs the records through a new topology; what the audit records decided (their chain hashes cover the wall clock). */
    private static List<Map<String, Object>> decide(Consumer<EnforcementDriver> records, List<String> expected) {
        try (EnforcementDriver driver = new EnforcementDriver(examplePolicyWithSignals())) {
            records.accept(driver);
            List<DecisionRecord> audits = driver.audits();
            assertThat(firstDecisions(audits)).isEqualTo(expected);
            return audits.stream().map(audit -> Map.<String, Object>of("decisions", audit.getDecisions().toString(),
                    "decidedAt", audit.getDecidedAt(), "jurisdiction", String.valueOf(audit.getJurisdiction()))).toList();
        }
    }

    /** A contact update of {@link #CUSTOMER} about advertising, with headers given as name, value, name, value... */
    private static void sendContact(EnforcementDriver driver, String eventId, long at, String... headers) {
        driver.sendRawWithHeaders(CONTACTS, CUSTOMER, driver.encode(CONTACTS, contact(eventId, CUSTOMER, at, ADVERTISING)), at, headers);
    }
}
