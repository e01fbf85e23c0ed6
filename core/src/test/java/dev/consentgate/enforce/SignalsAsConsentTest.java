package dev.consentgate.enforce;

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
import dev.consentgate.schema.SignalKind;
import dev.consentgate.schema.SignalUsed;
import dev.consentgate.signal.SignalFixtures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Privacy signals become consent statements in the same history as consent events: decided, audited and dropped by the
 * same rules. The example policy, whose signals section maps TCF purpose 4 of vendor 755 speaks for
 * marketing.advertising, US-CA treats marketing.advertising as opt-out, GPC is honoured where the law gives it effect.
 */
class SignalsAsConsentTest {

    private static final String ADVERTISING = "marketing.advertising";
    private static final String CUSTOMER = "cust-1";
    private static final String GRANTS_ADVERTISING = tcString().consent(4).vendorConsent(VENDOR).encode();
    private static final String REFUSES_EVERYTHING = SignalFixtures.TCF_NOTHING;

    @Test
    void aTcfConsentGrantsItsPurposeAndTheAuditRecordShowsTheSignalAndItsMeaning() {
        try (EnforcementDriver driver = new EnforcementDriver(examplePolicyWithSignals())) {
            driver.signal(CUSTOMER, SignalKind.TCF, GRANTS_ADVERTISING, 1_000, "EU");

            driver.send(contact("e-1", CUSTOMER, 2_000, ADVERTISING));

            DecisionRecord audit = driver.audits().get(0);
            assertThat(firstDecisions(List.of(audit))).containsExactly("e-1:PERMIT:CONSENT_GRANTED");
            ConsentRecordUsed used = audit.getDecisions().get(0).getConsentUsed();
            assertThat(used.getPurpose()).isEqualTo(ADVERTISING);
            assertThat(used.getStatus()).isEqualTo("GRANTED");
            assertThat(used.getCapturedAt().toEpochMilli()).isEqualTo(1_000L);
            assertThat(used.getSource()).isEqualTo("web-cmp");
            assertThat(used.getConsentId()).isEqualTo("signal-cust-1-1000");
            assertThat(used.getSignal()).isEqualTo(new SignalUsed("tcf", GRANTS_ADVERTISING, "TCF purpose 4 for vendor 755: consent given"));
            assertThat(driver.purpose(ADVERTISING)).singleElement()
                    .satisfies(record -> assertThat(header(record, "consent-decision")).isEqualTo("permit"));
        }
    }

    @Test
    void aLaterSignalThatNoLongerConsentsDrops() {
        try (EnforcementDriver driver = new EnforcementDriver(examplePolicyWithSignals())) {
            driver.signal(CUSTOMER, SignalKind.TCF, GRANTS_ADVERTISING, 1_000, "EU");
            driver.send(contact("e-granted", CUSTOMER, 2_000, ADVERTISING));
            driver.signal(CUSTOMER, SignalKind.GPP, SignalFixtures.GPP_TCF_NOTHING, 3_000, "EU");
            driver.send(contact("e-withdrawn", CUSTOMER, 4_000, ADVERTISING));

            List<DecisionRecord> audits = driver.audits();
            assertThat(firstDecisions(audits)).containsExactly("e-granted:PERMIT:CONSENT_GRANTED", "e-withdrawn:DROP:CONSENT_DENIED");
            assertThat(audits.get(1).getDecisions().get(0).getConsentUsed().getSignal()).isEqualTo(new SignalUsed("gpp",
                    SignalFixtures.GPP_TCF_NOTHING, "TCF purpose 4 for vendor 755: no consent (purpose consent no, vendor consent no)"));
            assertThat(driver.purpose(ADVERTISING)).hasSize(1);
        }
    }

    @Test
    void consentOfAnotherVendorOrByLegitimateInterestForPurposes3To6GrantsNothing() {
        try (EnforcementDriver driver = new EnforcementDriver(examplePolicyWithSignals())) {
            driver.signal("cust-other-vendor", SignalKind.TCF, tcString().consent(4).vendorConsent(VENDOR + 1).encode(), 1_000, "EU");
            driver.signal("cust-li", SignalKind.TCF, tcString().legitimateInterest(4).vendorLegitimateInterest(VENDOR).encode(), 1_000, "EU");

            driver.send(contact("e-other-vendor", "cust-other-vendor", 2_000, ADVERTISING));
            driver.send(contact("e-li", "cust-li", 2_000, ADVERTISING));

            assertThat(firstDecisions(driver.audits())).containsExactly("e-other-vendor:DROP:CONSENT_DENIED", "e-li:DROP:CONSENT_DENIED");
            assertThat(driver.purpose(ADVERTISING)).isEmpty();
        }
    }

    @Test
    void aMalformedSignalIsDeadLetteredWithItsReasonAndGrantsNothing() {
        try (EnforcementDriver driver = new EnforcementDriver(examplePolicyWithSignals())) {
            driver.signal(CUSTOMER, SignalKind.TCF, "CPXxRf-not-a-tc-string", 1_000, "EU");
            driver.send(contact("e-1", CUSTOMER, 2_000, ADVERTISING));

            assertThat(driver.records("consent.dlq")).singleElement().satisfies(dead -> {
                assertThat(header(dead, "consent-dlq-reason")).isEqualTo("MALFORMED_SIGNAL");
                assertThat(header(dead, "consent-dlq-detail")).isEqualTo("TC string cannot be decoded (DecodingException)");
                assertThat(header(dead, "consent-dlq-topic")).isEqualTo("consent.signals");
            });
            assertThat(driver.records("consent.events.rerouted")).isEmpty();
            assertThat(firstDecisions(driver.audits())).containsExactly("e-1:DROP:UNKNOWN_CUSTOMER");
        }
    }

    @Test
    void gpcOptsAUsCaliforniaCustomerOutOfAdvertising() {
        try (EnforcementDriver driver = new EnforcementDriver(examplePolicyWithSignals())) {
            // Given: a US-CA customer, for whom advertising is opt-out
            driver.consent(CUSTOMER, "sales.prospecting", ConsentStatus.GRANTED, 1_000, null, "US-CA");
            driver.send(contact("e-before", CUSTOMER, 2_000, ADVERTISING));

            // When: their browser sends GPC
            driver.signal(CUSTOMER, SignalKind.GPC, "1", 3_000, "US-CA");
            driver.send(contact("e-after", CUSTOMER, 4_000, ADVERTISING));

            List<DecisionRecord> audits = driver.audits();
            assertThat(firstDecisions(audits)).containsExactly("e-before:PERMIT:OPT_OUT_NOT_EXERCISED", "e-after:DROP:OPTED_OUT");
            assertThat(audits.get(1).getDecisions().get(0).getConsentUsed().getSignal())
                    .isEqualTo(new SignalUsed("gpc", "1", "GPC: opted out (in US-CA)"));
        }
    }

    @Test
    void aSignalSayingAnotherJurisdictionDoesNotMoveTheCustomerThere() {
        try (EnforcementDriver driver = new EnforcementDriver(examplePolicyWithSignals())) {
            // Given: an EU customer, for whom advertising needs consent, which they never gave
            driver.consent(CUSTOMER, "sales.prospecting", ConsentStatus.GRANTED, 1_000, null, "EU");

            // When: a signal about them claims US-CA, where advertising is opt-out
            driver.signal(CUSTOMER, SignalKind.GPP, SignalFixtures.gpp("usca", "SaleOptOut", 1), 2_000, "US-CA");
            driver.send(contact("e-1", CUSTOMER, 3_000, ADVERTISING));

            // Then: they are still judged under the EU's rules: no consent, no advertising
            List<DecisionRecord> audits = driver.audits();
            assertThat(firstDecisions(audits)).containsExactly("e-1:DROP:NO_CONSENT");
            assertThat(audits.get(0).getJurisdiction()).isEqualTo("EU");
        }
    }

    @Test
    void gpcHasNoEffectOnAnEuCustomer() {
        try (EnforcementDriver driver = new EnforcementDriver(examplePolicyWithSignals())) {
            driver.consent(CUSTOMER, ADVERTISING, ConsentStatus.GRANTED, 1_000, null, "EU");
            driver.signal(CUSTOMER, SignalKind.GPC, "1", 2_000, "EU");

            driver.send(contact("e-1", CUSTOMER, 3_000, ADVERTISING));

            assertThat(firstDecisions(driver.audits())).containsExactly("e-1:PERMIT:CONSENT_GRANTED");
            assertThat(driver.records("consent.events.rerouted")).isEmpty();
        }
    }

    @Test
    void gpcOnAnEuCustomerOptsOutWhereThePolicySaysSo() {
        String policy = examplePolicyWithSignals() + """
                  gpc:
                    elsewhere: { EU: [marketing.advertising] }
                """;
        try (EnforcementDriver driver = new EnforcementDriver(policy)) {
            driver.consent(CUSTOMER, ADVERTISING, ConsentStatus.GRANTED, 1_000, null, "EU");
            driver.signal(CUSTOMER, SignalKind.GPC, "1", 2_000, "EU");

            driver.send(contact("e-1", CUSTOMER, 3_000, ADVERTISING));

            assertThat(firstDecisions(driver.audits())).containsExactly("e-1:DROP:CONSENT_DENIED");
        }
    }

    @Test
    void aSignalForAnUnknownJurisdictionOrAnUnmappedSectionGrantsNothing() {
        try (EnforcementDriver driver = new EnforcementDriver(examplePolicyWithSignals())) {
            driver.signal("cust-br", SignalKind.GPC, "1", 1_000, "BR");
            driver.signal("cust-va", SignalKind.GPP, SignalFixtures.gpp("usva", "SaleOptOut", 2, "TargetedAdvertisingOptOut", 2), 1_000, "US-VA");

            driver.send(contact("e-br", "cust-br", 2_000, ADVERTISING));
            driver.send(contact("e-va", "cust-va", 2_000, ADVERTISING));

            assertThat(driver.records("consent.events.rerouted")).isEmpty();
            assertThat(firstDecisions(driver.audits())).containsExactly("e-br:DROP:UNKNOWN_CUSTOMER", "e-va:DROP:UNKNOWN_CUSTOMER");
        }
    }

    @Test
    void theSameSignalsInAnotherOrderGiveTheSameDecisions() {
        List<Consumer<EnforcementDriver>> signals = List.of(
                driver -> driver.signal(CUSTOMER, SignalKind.TCF, GRANTS_ADVERTISING, 1_000, "EU"),
                driver -> driver.signal(CUSTOMER, SignalKind.TCF, REFUSES_EVERYTHING, 3_000, "EU"),
                driver -> driver.signal(CUSTOMER, SignalKind.TCF, GRANTS_ADVERTISING, 5_000, "EU"),
                // Two signals at one instant: the refusal wins, whichever arrives first.
                driver -> driver.signal(CUSTOMER, SignalKind.TCF, GRANTS_ADVERTISING, 7_000, "EU"),
                driver -> driver.signal(CUSTOMER, SignalKind.TCF, REFUSES_EVERYTHING, 7_000, "EU"),
                driver -> driver.signal(CUSTOMER, SignalKind.TCF, GRANTS_ADVERTISING, 9_000, "EU"));
        // Every signal is read before the events, so each is decided as of its own time and of 9000, when consent stands.
        List<String> expected = List.of("e-2000:PERMIT:CONSENT_GRANTED", "e-4000:DROP:CONSENT_DENIED", "e-6000:PERMIT:CONSENT_GRANTED",
                "e-8000:DROP:CONSENT_DENIED", "e-10000:PERMIT:CONSENT_GRANTED");
        Random random = new Random(24);
        for (int round = 0; round < 5; round++) {
            List<Consumer<EnforcementDriver>> order = new ArrayList<>(signals);
            Collections.shuffle(order, random);
            try (EnforcementDriver driver = new EnforcementDriver(examplePolicyWithSignals())) {
                order.forEach(signal -> signal.accept(driver));
                for (long at = 2_000; at <= 10_000; at += 2_000) {
                    driver.send(contact("e-" + at, CUSTOMER, at, ADVERTISING));
                }
                assertThat(firstDecisions(driver.audits())).as("round %d", round).isEqualTo(expected);
            }
        }
    }
}
