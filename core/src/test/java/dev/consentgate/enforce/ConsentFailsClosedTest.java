package dev.consentgate.enforce;

import static dev.consentgate.enforce.EnforcementDriver.contact;
import static dev.consentgate.enforce.EnforcementDriver.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.output.OutputHeaders;
import dev.consentgate.sample.ContactUpdated;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.DecisionRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 19, the consent side: a "no" always drops, consent must hold at the event's time and at the
 * decision's time, the latest statement wins across a purpose and its ancestors, an erasure stops
 * everything but legal obligations, and a jurisdiction sent with an event can only tighten.
 */
class ConsentFailsClosedTest {

    private static final String EMAIL = "marketing.communications.email";
    private static final String ADVERTISING = "marketing.advertising";
    private static final String REPORTING = "analytics.reporting";
    private static final String PROFILING = "personalize.profiling";
    private static final String ESSENTIAL = "essential.service";
    private static final String TAX_RECORDS = "compliance.tax_records";

    /**
     * The example policy with a legal-obligation purpose, contacts that carry a jurisdiction in their country field, and
     * US-VA making advertising opt-out like US-CA.
     */
    private static final String POLICY = EnforcementDriver.examplePolicy()
            .replace("  essential.service:\n", """
                      compliance.tax_records:
                        basis: legal_obligation
                        allow_categories: [user.unique_id, user.name]

                      essential.service:
                    """)
            .replace("    event_id: { field: eventId }\n    keyed_by_customer_id: true\n",
                    "    event_id: { field: eventId }\n    keyed_by_customer_id: true\n    jurisdiction: { field: country }\n")
            .replace("sales.prospecting, essential.service]", "sales.prospecting, essential.service, compliance]")
            .replace("    opt_out_purposes: [marketing.advertising]\n",
                    "    opt_out_purposes: [marketing.advertising]\n  US-VA:\n    opt_out_purposes: [marketing.advertising]\n");

    private final EnforcementDriver driver = new EnforcementDriver(POLICY);

    @AfterEach
    void close() {
        driver.close();
    }

    // ---- a "no" always drops

    @Test
    void afterAnErasureEveryPurposeButALegalObligationIsDropped() {
        // Given
        driver.erasure("cust-erased", 1_000);

        // When
        driver.send(contact("e-1", "cust-erased", 2_000, PROFILING, REPORTING, ESSENTIAL, TAX_RECORDS));

        // Then: the legitimate interest's tag, the consent's redaction and the contract all stop; the legal obligation goes on
        assertThat(decisions(driver.audits())).containsExactly(List.of(
                PROFILING + ":DROP:[ERASURE_REQUESTED]",
                REPORTING + ":DROP:[ERASURE_REQUESTED]",
                ESSENTIAL + ":DROP:[ERASURE_REQUESTED]",
                TAX_RECORDS + ":PERMIT:[ERASED_BUT_LEGAL_OBLIGATION]"));
        assertThat(driver.purpose(PROFILING)).isEmpty();
        assertThat(driver.purpose(REPORTING)).isEmpty();
        assertThat(driver.purpose(ESSENTIAL)).isEmpty();
        TestRecord<byte[], byte[]> kept = driver.purpose(TAX_RECORDS).get(0);
        assertThat(new String(kept.key(), StandardCharsets.UTF_8)).isEqualTo("cust-erased");
        assertThat(header(kept, "consent-decision")).isEqualTo("permit");
        assertThat(header(kept, "consent-reasons")).isEqualTo("ERASED_BUT_LEGAL_OBLIGATION");
    }

    @Test
    void theAuditRecordOfALegalObligationAfterAnErasureNamesTheErasure() {
        driver.erasure("cust-erased", 1_000);

        driver.send(contact("e-1", "cust-erased", 2_000, TAX_RECORDS));

        var decision = driver.audits().get(0).getDecisions().get(0);
        assertThat(decision.getLegalBasis()).isEqualTo("legal_obligation");
        assertThat(decision.getConsentUsed().getStatus()).isEqualTo("ERASED");
        assertThat(decision.getConsentUsed().getCapturedAt().toEpochMilli()).isEqualTo(1_000);
    }

    @Test
    void anErasureReadBeforeAnOlderEventIsDecidedStopsTheContract() {
        // Given: an erasure captured after the event's time, read before the event
        driver.erasure("cust-late", 2_000);

        // When
        driver.send(contact("e-1", "cust-late", 1_500, ESSENTIAL));

        // Then
        DecisionRecord audit = driver.audits().get(0);
        assertThat(decisions(List.of(audit))).containsExactly(List.of(ESSENTIAL + ":DROP:[ERASURE_REQUESTED]"));
        assertThat(audit.getDecidedAt().toEpochMilli()).isEqualTo(2_000);
        assertThat(driver.purpose(ESSENTIAL)).isEmpty();
    }

    /** Only a grant given after an erasure (the customer came back) restarts a contract; a "no" given after it does not. */
    @Test
    void aDenialOrAnAncestorsWithdrawalAfterAnErasureDoesNotRestartTheContract() {
        // Given
        driver.erasure("cust-denied", 1_000);
        driver.consent("cust-denied", ESSENTIAL, ConsentStatus.DENIED, 1_500);
        driver.erasure("cust-withdrawn", 1_000);
        driver.consent("cust-withdrawn", "essential", ConsentStatus.WITHDRAWN, 1_500);
        driver.erasure("cust-back", 1_000);
        driver.consent("cust-back", ESSENTIAL, ConsentStatus.GRANTED, 1_500);

        // When
        driver.send(contact("e-denied", "cust-denied", 2_000, ESSENTIAL, TAX_RECORDS));
        driver.send(contact("e-withdrawn", "cust-withdrawn", 2_000, ESSENTIAL));
        driver.send(contact("e-back", "cust-back", 2_000, ESSENTIAL));

        // Then
        assertThat(decisions(driver.audits())).containsExactly(
                List.of(ESSENTIAL + ":DROP:[ERASURE_REQUESTED]", TAX_RECORDS + ":PERMIT:[ERASED_BUT_LEGAL_OBLIGATION]"),
                List.of(ESSENTIAL + ":DROP:[ERASURE_REQUESTED]"),
                List.of(ESSENTIAL + ":PERMIT:[CONTRACT]"));
        assertThat(driver.purpose(ESSENTIAL)).extracting(r -> header(r, OutputHeaders.EVENT_ID)).containsExactly("e-back");
    }

    @Test
    void aDenialOfALegitimateInterestIsAnObjectionAndDrops() {
        driver.consent("cust-objects", PROFILING, ConsentStatus.DENIED, 1_000);

        driver.send(contact("e-1", "cust-objects", 2_000, PROFILING));

        assertThat(decisions(driver.audits())).containsExactly(List.of(PROFILING + ":DROP:[OBJECTION]"));
        assertThat(driver.purpose(PROFILING)).isEmpty();
    }

    @Test
    void aWithdrawalOfALegitimateInterestIsAnObjectionAndDrops() {
        driver.consent("cust-objects", "personalize", ConsentStatus.WITHDRAWN, 1_000);

        driver.send(contact("e-1", "cust-objects", 2_000, PROFILING));

        assertThat(decisions(driver.audits())).containsExactly(List.of(PROFILING + ":DROP:[OBJECTION, CONSENT_INHERITED]"));
        assertThat(driver.purpose(PROFILING)).isEmpty();
    }

    @Test
    void aWithdrawalOfAPurposeThatRedactsDropsInstead() {
        driver.consent("cust-w", REPORTING, ConsentStatus.WITHDRAWN, 1_000);

        driver.send(contact("e-1", "cust-w", 2_000, REPORTING));

        assertThat(decisions(driver.audits())).containsExactly(List.of(REPORTING + ":DROP:[CONSENT_WITHDRAWN]"));
        assertThat(driver.purpose(REPORTING)).isEmpty();
    }

    // ---- the event's time and the decision's time

    @Test
    void aLateEventFromBeforeAWithdrawalAlreadyReadIsDroppedAndItsAuditRecordHoldsTheDecisionsTime() {
        // Given: a grant, then a withdrawal that has been read
        driver.consent("cust-late", EMAIL, ConsentStatus.GRANTED, 1_000);
        driver.consent("cust-late", EMAIL, ConsentStatus.WITHDRAWN, 5_000);

        // When: an event stamped between them arrives
        driver.send(contact("e-late", "cust-late", 3_000, EMAIL));

        // Then
        DecisionRecord audit = driver.audits().get(0);
        assertThat(decisions(List.of(audit))).containsExactly(List.of(EMAIL + ":DROP:[CONSENT_WITHDRAWN]"));
        assertThat(audit.getEventTime().toEpochMilli()).isEqualTo(3_000);
        assertThat(audit.getDecidedAt().toEpochMilli()).isEqualTo(5_000);
        assertThat(audit.getDecisions().get(0).getConsentUsed().getCapturedAt().toEpochMilli()).isEqualTo(5_000);
        assertThat(driver.purpose(EMAIL)).isEmpty();
    }

    @Test
    void aGrantCapturedAfterTheEventsTimeDoesNotCoverItThoughReadBeforeItIsDecided() {
        // Given: a known customer whose email grant is captured after the event
        driver.consent("cust-g", REPORTING, ConsentStatus.GRANTED, 1_000);
        driver.consent("cust-g", EMAIL, ConsentStatus.GRANTED, 3_000);

        // When
        driver.send(contact("e-before-grant", "cust-g", 2_000, EMAIL));

        // Then: no retroactive consent
        DecisionRecord audit = driver.audits().get(0);
        assertThat(decisions(List.of(audit))).containsExactly(List.of(EMAIL + ":DROP:[NO_CONSENT]"));
        assertThat(audit.getDecidedAt().toEpochMilli()).isEqualTo(3_000);
        assertThat(driver.purpose(EMAIL)).isEmpty();
    }

    @Test
    void aGrantThatExpiresBetweenTheEventsTimeAndTheDecisionsTimeDoesNotPermit() {
        // Given: a grant valid at the event's time that expired by the time the task decides
        driver.consent("cust-x", REPORTING, ConsentStatus.GRANTED, 1_000, 2_500L, "EU");
        driver.consent("cust-other", EMAIL, ConsentStatus.GRANTED, 3_000);

        // When
        driver.send(contact("e-1", "cust-x", 2_000, REPORTING));

        // Then: the customer said nothing since, so the purpose's missing-consent action applies
        assertThat(decisions(driver.audits())).containsExactly(List.of(REPORTING + ":REDACT:[CONSENT_EXPIRED]"));
        assertThat(driver.purpose(REPORTING)).extracting(r -> header(r, "consent-decision")).containsExactly("redact");
    }

    // ---- the latest statement wins

    @Test
    void aLaterBroadWithdrawalOverridesAnOlderSpecificGrant() {
        driver.consent("cust-b", EMAIL, ConsentStatus.GRANTED, 1_000);
        driver.consent("cust-b", "marketing", ConsentStatus.WITHDRAWN, 2_000);

        driver.send(contact("e-1", "cust-b", 3_000, EMAIL));

        assertThat(decisions(driver.audits())).containsExactly(List.of(EMAIL + ":DROP:[CONSENT_WITHDRAWN, CONSENT_INHERITED]"));
        assertThat(driver.purpose(EMAIL)).isEmpty();
    }

    @Test
    void aLaterBroadGrantOverridesAnOlderSpecificDenial() {
        driver.consent("cust-b", EMAIL, ConsentStatus.DENIED, 1_000);
        driver.consent("cust-b", "marketing", ConsentStatus.GRANTED, 2_000);

        driver.send(contact("e-1", "cust-b", 3_000, EMAIL));

        assertThat(decisions(driver.audits())).containsExactly(List.of(EMAIL + ":PERMIT:[CONSENT_GRANTED, CONSENT_INHERITED]"));
        TestRecord<byte[], byte[]> permitted = driver.purpose(EMAIL).get(0);
        assertThat(new String(permitted.key(), StandardCharsets.UTF_8)).isEqualTo("cust-b");
        assertThat(header(permitted, "consent-event-id")).isEqualTo("e-1");
    }

    @Test
    void aSpecificGrantAndABroadWithdrawalCapturedAtTheSameInstantDrop() {
        driver.consent("cust-tie", EMAIL, ConsentStatus.GRANTED, 2_000);
        driver.consent("cust-tie", "marketing", ConsentStatus.WITHDRAWN, 2_000);
        driver.consent("cust-tie-reversed", "marketing", ConsentStatus.WITHDRAWN, 2_000);
        driver.consent("cust-tie-reversed", EMAIL, ConsentStatus.GRANTED, 2_000);

        driver.send(contact("e-1", "cust-tie", 3_000, EMAIL));
        driver.send(contact("e-2", "cust-tie-reversed", 3_000, EMAIL));

        assertThat(decisions(driver.audits())).containsExactly(
                List.of(EMAIL + ":DROP:[CONSENT_WITHDRAWN, CONSENT_INHERITED]"),
                List.of(EMAIL + ":DROP:[CONSENT_WITHDRAWN, CONSENT_INHERITED]"));
        assertThat(driver.purpose(EMAIL)).isEmpty();
    }

    /**
     * Opt-out holds at both times like any basis: a Californian who has moved to the EU by the time their late advertising
     * event is decided is judged opt-in, and never consented; one still in California is not.
     */
    @Test
    void aPurposeIsOptOutOnlyUnderTheCustomersJurisdictionAtTheEventsTimeAndAtTheDecisionsTime() {
        // Given
        driver.consent("cust-moved", REPORTING, ConsentStatus.GRANTED, 1_000, null, "US-CA");
        driver.consent("cust-moved", REPORTING, ConsentStatus.GRANTED, 3_000, null, "EU");
        driver.consent("cust-stayed", REPORTING, ConsentStatus.GRANTED, 1_000, null, "US-CA");
        driver.consent("cust-stayed", REPORTING, ConsentStatus.GRANTED, 3_000, null, "US-CA");

        // When: advertising events from 2000 that say US-CA themselves, decided at 3000
        driver.send(fromCountry("US-CA", contact("e-moved", "cust-moved", 2_000, ADVERTISING)));
        driver.send(fromCountry("US-CA", contact("e-stayed", "cust-stayed", 2_000, ADVERTISING)));

        // Then: both are judged under California, their jurisdiction at the event's time
        List<DecisionRecord> audits = driver.audits();
        assertThat(audits).extracting(DecisionRecord::getJurisdiction).containsExactly("US-CA", "US-CA");
        assertThat(decisions(audits)).containsExactly(
                List.of(ADVERTISING + ":DROP:[NO_CONSENT]"),
                List.of(ADVERTISING + ":PERMIT:[OPT_OUT_NOT_EXERCISED]"));
        assertThat(driver.purpose(ADVERTISING)).extracting(r -> header(r, OutputHeaders.EVENT_ID)).containsExactly("e-stayed");
    }

    /**
     * Two jurisdictions recorded at one instant: the customer stands under both, whichever arrived first, so a purpose is
     * opt-out only where both make it so. Taking one of them by its spelling let US-CA's opt-out win over US-TX's opt-in.
     */
    @Test
    void aPurposeIsOptOutUnderJurisdictionsRecordedAtOneInstantOnlyWhereEachOfThemMakesItSo() {
        // Given: statements about two purposes at one instant, each carrying another jurisdiction, in either order
        driver.consent("cust-ca-tx", REPORTING, ConsentStatus.GRANTED, 1_000, null, "US-CA");
        driver.consent("cust-ca-tx", EMAIL, ConsentStatus.GRANTED, 1_000, null, "US-TX");
        driver.consent("cust-tx-ca", EMAIL, ConsentStatus.GRANTED, 1_000, null, "US-TX");
        driver.consent("cust-tx-ca", REPORTING, ConsentStatus.GRANTED, 1_000, null, "US-CA");
        driver.consent("cust-ca-va", REPORTING, ConsentStatus.GRANTED, 1_000, null, "US-VA");
        driver.consent("cust-ca-va", EMAIL, ConsentStatus.GRANTED, 1_000, null, "US-CA");

        // When
        driver.send(fromCountry("US-CA", contact("e-ca-tx", "cust-ca-tx", 2_000, ADVERTISING)));
        driver.send(fromCountry("US-CA", contact("e-tx-ca", "cust-tx-ca", 2_000, ADVERTISING)));
        driver.send(fromCountry("US-CA", contact("e-ca-va", "cust-ca-va", 2_000, ADVERTISING)));

        // Then: Texas knows no opt-out, Virginia the same as California
        List<DecisionRecord> audits = driver.audits();
        assertThat(audits).extracting(DecisionRecord::getJurisdiction).containsExactly("US-CA,US-TX", "US-CA,US-TX", "US-CA,US-VA");
        assertThat(decisions(audits)).containsExactly(
                List.of(ADVERTISING + ":DROP:[NO_CONSENT]"),
                List.of(ADVERTISING + ":DROP:[NO_CONSENT]"),
                List.of(ADVERTISING + ":PERMIT:[OPT_OUT_NOT_EXERCISED]"));
        assertThat(driver.purpose(ADVERTISING)).extracting(r -> header(r, OutputHeaders.EVENT_ID)).containsExactly("e-ca-va");
    }

    // ---- a jurisdiction sent with an event only tightens

    @Test
    void anEventSayingUsCaDoesNotMakeAdvertisingOptOutForAnEuCustomer() {
        driver.consent("cust-eu", REPORTING, ConsentStatus.GRANTED, 1_000, null, "EU");

        driver.send(fromCountry("US-CA", contact("e-1", "cust-eu", 2_000, ADVERTISING)));

        DecisionRecord audit = driver.audits().get(0);
        assertThat(decisions(List.of(audit))).containsExactly(List.of(ADVERTISING + ":DROP:[NO_CONSENT]"));
        assertThat(audit.getJurisdiction()).isEqualTo("EU");
        assertThat(driver.purpose(ADVERTISING)).isEmpty();
    }

    @Test
    void anEventSayingUsCaDoesNotMakeAdvertisingOptOutForAnUnknownCustomer() {
        driver.send(fromCountry("US-CA", contact("e-1", "nobody", 2_000, ADVERTISING)));

        DecisionRecord audit = driver.audits().get(0);
        assertThat(decisions(List.of(audit))).containsExactly(List.of(ADVERTISING + ":DROP:[UNKNOWN_CUSTOMER]"));
        assertThat(audit.getJurisdiction()).isNull();
        assertThat(driver.purpose(ADVERTISING)).isEmpty();
    }

    @Test
    void anEventSayingEuMakesAdvertisingOptInForAUsCaCustomer() {
        driver.consent("cust-ca", REPORTING, ConsentStatus.GRANTED, 1_000, null, "US-CA");

        driver.send(fromCountry("EU", contact("e-tightened", "cust-ca", 2_000, ADVERTISING)));
        driver.send(fromCountry("US-CA", contact("e-agreeing", "cust-ca", 2_500, ADVERTISING)));

        assertThat(decisions(driver.audits())).containsExactly(
                List.of(ADVERTISING + ":DROP:[NO_CONSENT]"),
                List.of(ADVERTISING + ":PERMIT:[OPT_OUT_NOT_EXERCISED]"));
        assertThat(driver.purpose(ADVERTISING)).extracting(r -> header(r, "consent-event-id")).containsExactly("e-agreeing");
    }

    private static ContactUpdated fromCountry(String jurisdiction, ContactUpdated contact) {
        return ContactUpdated.newBuilder(contact).setCountry(jurisdiction).build();
    }

    /** Per audit record, each decision as {@code purpose:DECISION:[REASONS]}. */
    private static List<List<String>> decisions(List<DecisionRecord> audits) {
        return audits.stream()
                .map(a -> a.getDecisions().stream().map(d -> d.getPurpose() + ":" + d.getDecision() + ":" + d.getReasons()).toList())
                .toList();
    }
}
