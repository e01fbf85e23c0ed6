package dev.consentgate.policy;

import static dev.consentgate.policy.PolicyFixtures.optOut;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JurisdictionTieTest {

    private static final Policy POLICY = PolicyFixtures.policy(List.of(), Map.of(
            "US-CA", optOut("US-CA", "marketing"),
            "US-VA", optOut("US-VA", "marketing.advertising", "analytics.reporting"),
            "US", optOut("US", "marketing.advertising.display")));

    @Test
    void aTieIsTheSameWhicheverCodeCameFirstAndANullOrRepeatedCodeAddsNothing() {
        assertThat(JurisdictionTie.of("US-VA", "US-CA")).isEqualTo("US-CA,US-VA");
        assertThat(JurisdictionTie.of("US-CA", "US-VA")).isEqualTo("US-CA,US-VA");
        assertThat(JurisdictionTie.of("US-CA,US-VA", "EU")).isEqualTo("EU,US-CA,US-VA");
        assertThat(JurisdictionTie.of("US-CA,US-VA", "US-VA")).isEqualTo("US-CA,US-VA");
        assertThat(JurisdictionTie.of(null, "EU")).isEqualTo("EU");
        assertThat(JurisdictionTie.of("EU", null)).isEqualTo("EU");
        assertThat(JurisdictionTie.of("EU", "EU")).isEqualTo("EU");
        assertThat(JurisdictionTie.codes("US-CA,US-VA")).containsExactly("US-CA", "US-VA");
        assertThat(JurisdictionTie.codes("EU")).containsExactly("EU");
    }

    @Test
    void underATieAPurposeIsOptOutOnlyWhereEveryJurisdictionMakesItSo() {
        JurisdictionRule caVa = POLICY.jurisdiction("US-CA,US-VA");

        // US-CA's "marketing" covers US-VA's advertising, not the other way round; reporting is US-VA's alone
        assertThat(caVa.code()).isEqualTo("US-CA,US-VA");
        assertThat(caVa.optOutPurposes()).containsExactly(Purpose.of("marketing.advertising"));
        assertThat(caVa.isOptOut(Purpose.of("marketing.advertising.display"))).isTrue();
        assertThat(caVa.isOptOut(Purpose.of("marketing.communications"))).isFalse();
        assertThat(caVa.isOptOut(Purpose.of("analytics.reporting"))).isFalse();
        // US-TX falls back to the region's rule, the most specific of the three
        assertThat(POLICY.jurisdiction("US-CA,US-TX,US-VA").optOutPurposes()).containsExactly(Purpose.of("marketing.advertising.display"));
        // A code the policy does not know is opt-in, so a tie with it is opt-in everywhere
        assertThat(POLICY.jurisdiction("EU,US-CA").optOutPurposes()).isEmpty();
        // So is a tie with a recorded code that is empty, or only commas: no piece of it disappears (found by review)
        assertThat(JurisdictionTie.of(",", "US-CA")).isEqualTo(",US-CA");
        assertThat(POLICY.jurisdiction(JurisdictionTie.of(",", "US-CA")).optOutPurposes()).isEmpty();
        assertThat(POLICY.jurisdiction("US-CA,").optOutPurposes()).isEmpty();
    }
}
