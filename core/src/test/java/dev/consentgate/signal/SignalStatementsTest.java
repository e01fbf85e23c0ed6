package dev.consentgate.signal;

import static dev.consentgate.signal.SignalFixtures.VENDOR;
import static dev.consentgate.signal.SignalFixtures.examplePolicyWithSignals;
import static dev.consentgate.signal.SignalFixtures.gpp;
import static dev.consentgate.signal.SignalFixtures.policy;
import static dev.consentgate.signal.SignalFixtures.tcString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.policy.ConsentState;
import dev.consentgate.policy.SignalOrigin;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Signals decoded into statements as the example policy maps them: TCF purposes 3 and 10 to
 * personalize.profiling (legitimate interest), 4 to marketing.advertising, 7 to analytics.reporting, special feature 1
 * to train_ai_system; usnat, usca and uspv1 opt-outs; GPC by law (US-CA treats marketing.advertising as opt-out).
 */
class SignalStatementsTest {

    private static final SignalStatements STATEMENTS = new SignalStatements(policy(examplePolicyWithSignals()));

    @Test
    void theIabExampleTcStringThatConsentsToNothingRefusesEveryMappedPurpose() throws Exception {
        assertThat(describe(tcf(SignalFixtures.TCF_NOTHING))).containsExactly(
                "personalize.profiling:DENIED:TCF purpose 3 for vendor 755: no consent (purpose consent no, vendor consent no)",
                "marketing.advertising:DENIED:TCF purpose 4 for vendor 755: no consent (purpose consent no, vendor consent no)",
                "analytics.reporting:DENIED:TCF purpose 7 for vendor 755: no consent (purpose consent no, vendor consent no)",
                "personalize.profiling:DENIED:TCF purpose 10 for vendor 755: no consent (purpose consent no, vendor consent no)",
                "train_ai_system:DENIED:TCF special feature 1: not opted in");
    }

    @Test
    void theIabExampleTcStringGrantsPurpose3ToTheVendorItNamesAndNothingElse() throws Exception {
        SignalStatements vendor8 = new SignalStatements(policy(examplePolicyWithSignals(8)));

        assertThat(describe(vendor8.of(signal(Signal.Kind.TCF, SignalFixtures.TCF_PURPOSES_1_TO_3_VENDORS_2_6_8, "EU")))).containsExactly(
                "personalize.profiling:GRANTED:TCF purpose 3 for vendor 8: consent given",
                "marketing.advertising:DENIED:TCF purpose 4 for vendor 8: no consent (purpose consent no, vendor consent yes)",
                "analytics.reporting:DENIED:TCF purpose 7 for vendor 8: no consent (purpose consent no, vendor consent yes)",
                // Purpose 10 may rest on legitimate interest, but the string establishes none for it.
                "personalize.profiling:DENIED:TCF purpose 10 for vendor 8: no consent (purpose consent no, vendor consent yes)",
                "train_ai_system:DENIED:TCF special feature 1: not opted in");
    }

    @Test
    void consentOfAVendorOtherThanTheConfiguredOneDoesNotCount() throws Exception {
        // The same IAB example, for the configured vendor 755: purpose 3 is consented, but not to 755.
        assertThat(describe(tcf(SignalFixtures.TCF_PURPOSES_1_TO_3_VENDORS_2_6_8)).get(0))
                .isEqualTo("personalize.profiling:DENIED:TCF purpose 3 for vendor 755: no consent (purpose consent yes, vendor consent no)");
    }

    @Test
    void purposesThreeToSixNeverRestOnLegitimateInterestEvenForALegitimateInterestRule() throws Exception {
        String legitimateInterestOnly = tcString().legitimateInterest(3, 4, 7, 10).vendorLegitimateInterest(VENDOR).encode();

        assertThat(describe(tcf(legitimateInterestOnly))).containsExactly(
                "personalize.profiling:DENIED:TCF purpose 3 for vendor 755: no consent (purpose consent no, vendor consent no)",
                "marketing.advertising:DENIED:TCF purpose 4 for vendor 755: no consent (purpose consent no, vendor consent no)",
                // analytics.reporting rests on consent: legitimate interest never grants it.
                "analytics.reporting:DENIED:TCF purpose 7 for vendor 755: no consent (purpose consent no, vendor consent no)",
                "personalize.profiling:GRANTED:TCF purpose 10 for vendor 755: legitimate interest established, no objection",
                "train_ai_system:DENIED:TCF special feature 1: not opted in");
    }

    @Test
    void consentToThePurposeAndTheConfiguredVendorGrantsAndSpecialFeaturesAreOptIn() throws Exception {
        String consented = tcString().consent(3, 4, 7, 10).vendorConsent(VENDOR).specialFeature(1).encode();

        assertThat(describe(tcf(consented))).containsExactly(
                "personalize.profiling:GRANTED:TCF purpose 3 for vendor 755: consent given",
                "marketing.advertising:GRANTED:TCF purpose 4 for vendor 755: consent given",
                "analytics.reporting:GRANTED:TCF purpose 7 for vendor 755: consent given",
                "personalize.profiling:GRANTED:TCF purpose 10 for vendor 755: consent given",
                "train_ai_system:GRANTED:TCF special feature 1: opted in");
    }

    @Test
    void publisherRestrictionsOverrideConsentAndLegitimateInterest() throws Exception {
        String restricted = tcString().consent(4).vendorConsent(VENDOR).legitimateInterest(10).vendorLegitimateInterest(VENDOR)
                .restriction(4, 0, VENDOR).restriction(10, 1, VENDOR).encode();

        assertThat(describe(tcf(restricted))).contains(
                "marketing.advertising:DENIED:TCF purpose 4 for vendor 755: not allowed by the publisher's restrictions",
                "personalize.profiling:DENIED:TCF purpose 10 for vendor 755: no consent (purpose consent no, vendor consent yes)");
    }

    @Test
    void aPublisherRequiringLegitimateInterestMakesConsentCountForNothing() throws Exception {
        // Consent to everything, but the publisher requires vendor 755 to rely on legitimate interest for 4, 7 and 10.
        String consentExcluded = tcString().consent(3, 4, 7, 10).vendorConsent(VENDOR)
                .restriction(4, 2, VENDOR).restriction(7, 2, VENDOR).restriction(10, 2, VENDOR).encode();
        String withLegitimateInterestFor10 = tcString().consent(3, 4, 7, 10).vendorConsent(VENDOR)
                .legitimateInterest(10).vendorLegitimateInterest(VENDOR).restriction(10, 2, VENDOR).encode();

        assertThat(describe(tcf(consentExcluded))).containsExactly(
                "personalize.profiling:GRANTED:TCF purpose 3 for vendor 755: consent given",
                "marketing.advertising:DENIED:TCF purpose 4 for vendor 755: "
                        + "the publisher's restrictions require legitimate interest, and none counts here",
                "analytics.reporting:DENIED:TCF purpose 7 for vendor 755: "
                        + "the publisher's restrictions require legitimate interest, and none counts here",
                "personalize.profiling:DENIED:TCF purpose 10 for vendor 755: "
                        + "the publisher's restrictions require legitimate interest, and none counts here",
                "train_ai_system:DENIED:TCF special feature 1: not opted in");
        assertThat(describe(tcf(withLegitimateInterestFor10))).contains(
                "personalize.profiling:GRANTED:TCF purpose 10 for vendor 755: legitimate interest established, no objection");
    }

    @Test
    void eachStatementCarriesTheSignalItsTimeSourceAndIdButNoJurisdiction() throws Exception {
        ConsentState first = tcf(SignalFixtures.TCF_NOTHING).get(0);

        assertThat(first.capturedAt()).isEqualTo(5_000L);
        // the signal's jurisdiction would become the customer's recorded one, and change the rules of every purpose
        assertThat(first.jurisdiction()).isNull();
        assertThat(first.source()).isEqualTo("web-cmp");
        assertThat(first.consentId()).isEqualTo("signal-1");
        assertThat(first.expiresAt()).isNull();
        assertThat(first.signal()).isEqualTo(new SignalOrigin("tcf", SignalFixtures.TCF_NOTHING,
                "TCF purpose 3 for vendor 755: no consent (purpose consent no, vendor consent no)"));
    }

    @Test
    void theTcfSectionOfTheIabExampleGppStringsIsReadAsATcString() throws Exception {
        List<String> fromTcString = describe(tcf(SignalFixtures.TCF_NOTHING));

        assertThat(describe(STATEMENTS.of(signal(Signal.Kind.GPP, SignalFixtures.GPP_TCF_NOTHING, "EU")))).isEqualTo(fromTcString);
        assertThat(describe(STATEMENTS.of(signal(Signal.Kind.GPP, SignalFixtures.GPP_TCF_AND_USP, "EU")))).isEqualTo(fromTcString);
    }

    @Test
    void aGppUsSectionStatesOnlyItsOptOuts() throws Exception {
        assertThat(STATEMENTS.of(signal(Signal.Kind.GPP, SignalFixtures.GPP_USNAT_NOT_OPTED_OUT, "US-CA"))).isEmpty();
        String usnat = gpp("usnat", "SaleOptOut", 1, "SaleOptOutNotice", 1, "SharingOptOut", 2, "TargetedAdvertisingOptOut", 1);
        assertThat(describe(STATEMENTS.of(signal(Signal.Kind.GPP, usnat, "US-TX")))).containsExactly(
                "sales.prospecting:DENIED:GPP usnat sale: opted out",
                "marketing.advertising:DENIED:GPP usnat targeted_advertising: opted out");
        String usca = gpp("usca", "SharingOptOut", 1, "SharingOptOutNotice", 1);
        assertThat(describe(STATEMENTS.of(signal(Signal.Kind.GPP, usca, "US-CA"))))
                .containsExactly("marketing.advertising:DENIED:GPP usca sharing: opted out");
    }

    @Test
    void theUsPrivacySectionOfAGppStringStatesItsSaleOptOut() throws Exception {
        assertThat(describe(STATEMENTS.of(signal(Signal.Kind.GPP, SignalFixtures.GPP_USP_OPTED_OUT_OF_SALE, "US-CA"))))
                .containsExactly("sales.prospecting:DENIED:GPP uspv1 sale: opted out");
        assertThat(STATEMENTS.of(signal(Signal.Kind.GPP, "DBABTA~1YNN", "US-CA"))).isEmpty();
        assertThat(STATEMENTS.of(signal(Signal.Kind.GPP, "DBABTA~1---", "US-CA"))).isEmpty();
    }

    @Test
    void aGppSectionThePolicyDoesNotMapStatesNothing() throws Exception {
        String usva = gpp("usva", "SaleOptOut", 1, "TargetedAdvertisingOptOut", 1);

        assertThat(STATEMENTS.of(signal(Signal.Kind.GPP, usva, "US-VA"))).isEmpty();
    }

    @Test
    void gpcOptsOutOfTheOptOutPurposesOfAJurisdictionWhoseLawHonoursIt() throws Exception {
        assertThat(describe(STATEMENTS.of(signal(Signal.Kind.GPC, "1", "US-CA"))))
                .containsExactly("marketing.advertising:DENIED:GPC: opted out (in US-CA)");
    }

    @Test
    void gpcHasNoEffectWhereTheLawDoesNotGiveItOneUnlessThePolicySaysSo() throws Exception {
        assertThat(STATEMENTS.of(signal(Signal.Kind.GPC, "1", "EU"))).isEmpty();
        assertThat(STATEMENTS.of(signal(Signal.Kind.GPC, "1", "BR"))).isEmpty();
        assertThat(STATEMENTS.of(signal(Signal.Kind.GPC, "0", "US-CA"))).isEmpty();

        SignalStatements euChoice = new SignalStatements(policy(examplePolicyWithSignals() + """
                  gpc:
                    elsewhere: { EU: [marketing.advertising, sales.prospecting] }
                """));
        assertThat(describe(euChoice.of(signal(Signal.Kind.GPC, "1", "EU")))).containsExactly(
                "marketing.advertising:DENIED:GPC: opted out (in EU)",
                "sales.prospecting:DENIED:GPC: opted out (in EU)");
    }

    @Test
    void gpcWithoutAJurisdictionOptsOutWhereverItCouldHaveEffect() throws Exception {
        SignalStatements euChoice = new SignalStatements(policy(examplePolicyWithSignals() + """
                  gpc:
                    elsewhere: { EU: [sales.prospecting] }
                """));

        assertThat(describe(euChoice.of(signal(Signal.Kind.GPC, "1", null)))).containsExactly(
                "marketing.advertising:DENIED:GPC: opted out (no jurisdiction given, so everywhere it has effect)",
                "sales.prospecting:DENIED:GPC: opted out (no jurisdiction given, so everywhere it has effect)");
    }

    @Test
    void gpcCarriedInAGppUsSectionCountsAsGpcWhereTheLawGivesItEffect() throws Exception {
        String usca = gpp("usca", "SaleOptOut", 2, "Gpc", true);

        assertThat(describe(STATEMENTS.of(signal(Signal.Kind.GPP, usca, "US-CA"))))
                .containsExactly("marketing.advertising:DENIED:GPC in GPP usca: opted out (in US-CA)");
        assertThat(STATEMENTS.of(signal(Signal.Kind.GPP, usca, "EU"))).isEmpty();
        assertThat(STATEMENTS.of(signal(Signal.Kind.GPP, gpp("usca", "SaleOptOut", 2, "Gpc", false), "US-CA"))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-ca", "XX", "CALIFORNIA"})
    void gpcWithAJurisdictionThePolicyCannotPlaceOptsOutWhereverItCouldHaveEffect(String code) throws Exception {
        assertThat(describe(STATEMENTS.of(signal(Signal.Kind.GPC, "1", code)))).containsExactly(
                "marketing.advertising:DENIED:GPC: opted out (no jurisdiction given, so everywhere it has effect)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-a-tc-string", "CPc", "XYZ", "", "DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA"})
    void aTcStringTheDecoderRefusesIsMalformed(String value) {
        assertThatThrownBy(() -> STATEMENTS.of(signal(Signal.Kind.TCF, value, "EU")))
                .isInstanceOf(MalformedSignalException.class)
                .message().doesNotContain(value.isEmpty() ? "\u0000" : value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "DBABMA~XYZ", "DBABLA~!!", "DBABMA", "DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA~1YNN",
            SignalFixtures.TCF_NOTHING})
    void aGppStringTheDecoderRefusesIsMalformed(String value) {
        assertThatThrownBy(() -> STATEMENTS.of(signal(Signal.Kind.GPP, value, "US-CA")))
                .isInstanceOf(MalformedSignalException.class)
                .message().doesNotContain(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "yes", "", "2"})
    void aGpcValueOtherThanOneOrZeroIsMalformed(String value) {
        assertThatThrownBy(() -> STATEMENTS.of(signal(Signal.Kind.GPC, value, "US-CA")))
                .isInstanceOf(MalformedSignalException.class)
                .hasMessage("GPC value is neither 1 nor 0");
    }

    private static List<ConsentState> tcf(String tcString) throws MalformedSignalException {
        return STATEMENTS.of(signal(Signal.Kind.TCF, tcString, "EU"));
    }

    private static Signal signal(Signal.Kind kind, String value, String jurisdiction) {
        return new Signal(kind, value, 5_000, jurisdiction, "web-cmp", "signal-1");
    }

    private static List<String> describe(List<ConsentState> statements) {
        return statements.stream().map(s -> s.purpose().key() + ":" + s.status() + ":" + s.signal().meaning()).toList();
    }
}
