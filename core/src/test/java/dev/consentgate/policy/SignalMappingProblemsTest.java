package dev.consentgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The signals section: what it maps, and every bad mapping refused with a message that names it. */
class SignalMappingProblemsTest {

    private static final String POLICY = """
            version: "1"
            purposes:
              marketing:
                basis: consent
                allow_categories: [user.contact]
              analytics:
                basis: legitimate_interest
                allow_categories: [user, system]
            jurisdictions:
              US-CA: { opt_out_purposes: [marketing.advertising] }
            inputs:
              - topic: crm.contacts
                customer_id: { field: customerId }
                purposes: { field: purposes }
            signals:
            """;
    // Lines of the signals section are numbered from 16.

    @Test
    void aValidSectionMapsEachSignal() {
        Policy policy = parse(POLICY + """
                  tcf:
                    vendor_id: 755
                    purposes: { 1: [marketing], 8: [analytics, marketing.advertising] }
                    special_features: { 2: [analytics] }
                  gpp:
                    usca: { sale: [marketing], sensitive_data: [analytics] }
                  gpc:
                    honoured_in: [US-CA]
                    elsewhere: { EU: [marketing.advertising] }
                """);

        SignalMapping signals = policy.signals().orElseThrow();
        assertThat(signals.tcf()).contains(new TcfMapping(755,
                Map.of(1, Set.of(Purpose.of("marketing")), 8, Set.of(Purpose.of("analytics"), Purpose.of("marketing.advertising"))),
                Map.of(2, Set.of(Purpose.of("analytics")))));
        assertThat(signals.gpp()).isEqualTo(Map.of("usca",
                Map.of(UsOptOut.SALE, Set.of(Purpose.of("marketing")), UsOptOut.SENSITIVE_DATA, Set.of(Purpose.of("analytics")))));
        assertThat(signals.gpc()).isEqualTo(new GpcMapping(Set.of("US-CA"), Map.of("EU", Set.of(Purpose.of("marketing.advertising")))));
    }

    @Test
    void withoutASectionNoSignalsAreReadAndAnEmptyOneHonoursGpcWhereTheLawDoes() {
        assertThat(parse(POLICY.replace("signals:\n", "")).signals()).isEmpty();
        assertThat(parse(POLICY).signals()).contains(new SignalMapping(Optional.empty(), Map.of(), GpcMapping.BY_LAW));
    }

    @Test
    void anUnknownTcfPurposeOrSpecialFeatureNumberIsRefused() {
        assertThat(problems("""
                  tcf:
                    vendor_id: 755
                    purposes: { 12: [marketing], 0: [marketing], two: [marketing] }
                    special_features: { 3: [analytics] }
                """)).containsExactly(
                "policy.yaml:18: unknown TCF purpose '12' in signals.tcf.purposes: TCF 2.2 has purposes 1 to 11",
                "policy.yaml:18: unknown TCF purpose '0' in signals.tcf.purposes: TCF 2.2 has purposes 1 to 11",
                "policy.yaml:18: unknown TCF purpose 'two' in signals.tcf.purposes: TCF 2.2 has purposes 1 to 11",
                "policy.yaml:19: unknown TCF special feature '3' in signals.tcf.special_features: TCF 2.2 has special features 1 to 2");
    }

    @Test
    void aSignalMappedToAPurposeThePolicyLacksIsRefused() {
        assertThat(problems("""
                  tcf:
                    vendor_id: 755
                    purposes:
                      3: [sales.prospecting]
                  gpp:
                    usnat: { sale: [sales] }
                  gpc:
                    elsewhere: { EU: [training] }
                """)).containsExactly(
                "policy.yaml:19: purpose sales.prospecting mapped from TCF purpose 3 is not covered by any purpose rule",
                "policy.yaml:21: purpose sales mapped from GPP section usnat sale is not covered by any purpose rule",
                "policy.yaml:23: purpose training mapped from GPC in EU is not covered by any purpose rule");
    }

    @Test
    void anUnknownGppSectionOrAnOptOutItsSectionLacksIsRefused() {
        assertThat(problems("""
                  gpp:
                    usxx: { sale: [marketing] }
                    usca: { targeted_advertising: [marketing] }
                    tcfeuv2: { sale: [marketing] }
                """)).containsExactly(
                "policy.yaml:17: unknown GPP section 'usxx' in signals.gpp: expected one of usca, usco, usct, usde, usfl, usia, usmt, "
                        + "usnat, usne, usnh, usnj, usor, uspv1, ustn, ustx, usut, usva",
                "policy.yaml:18: unknown key 'targeted_advertising' in GPP section usca: expected one of sale, sharing, sensitive_data",
                "policy.yaml:19: unknown GPP section 'tcfeuv2' in signals.gpp: expected one of usca, usco, usct, usde, usfl, usia, usmt, "
                        + "usnat, usne, usnh, usnj, usor, uspv1, ustn, ustx, usut, usva");
    }

    @Test
    void tcfWithoutAVendorOrWithABadOneIsRefused() {
        assertThat(problems("""
                  tcf:
                    purposes: { 1: [marketing] }
                """)).containsExactly("policy.yaml:16: missing required key 'vendor_id' in signals.tcf");
        assertThat(problems("""
                  tcf:
                    vendor_id: -3
                """)).containsExactly("policy.yaml:17: vendor_id in signals.tcf must be a vendor id of the Global Vendor List, a positive number");
    }

    @Test
    void unknownKeysAndBadJurisdictionCodesAreRefused() {
        assertThat(problems("""
                  usp: {}
                  gpc:
                    honoured_in: [california]
                """)).containsExactly(
                "policy.yaml:16: unknown key 'usp' in signals: expected one of tcf, gpp, gpc",
                "policy.yaml:18: jurisdiction code 'california' must be two capital letters, optionally followed by '-' and 1 to 3 "
                        + "capitals or digits (EU, BR, US-CA)");
    }

    private static Policy parse(String yaml) {
        return PolicyParser.parse("policy.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> problems(String signals) {
        PolicyException e = catchThrowableOfType(PolicyException.class, () -> parse(POLICY + signals));
        assertThat(e).as("parsing should fail").isNotNull();
        return e.problems().stream().map(p -> p.format("policy.yaml")).toList();
    }
}
