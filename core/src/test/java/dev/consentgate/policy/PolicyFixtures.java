package dev.consentgate.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Policies built in code, for tests of the decision function that should not depend on the parser. */
public final class PolicyFixtures {

    private PolicyFixtures() {
    }

    public static PurposeRule rule(String purpose, LegalBasis basis, MissingConsentAction action) {
        return new PurposeRule(Purpose.of(purpose), basis, action, Set.of(DataCategory.of("user"), DataCategory.of("system")), Set.of(), Map.of(),
                "crm.purpose." + purpose, 1);
    }

    public static Policy policy(List<PurposeRule> rules, Map<String, JurisdictionRule> jurisdictions) {
        return new Policy("test-1", "0".repeat(64), EnforcementMode.ENFORCE,
                rules.stream().collect(Collectors.toMap(PurposeRule::purpose, Function.identity())),
                jurisdictions, List.of(), Optional.empty(), new byte[0]);
    }

    public static JurisdictionRule optOut(String code, String... purposes) {
        return new JurisdictionRule(code, java.util.Arrays.stream(purposes).map(Purpose::of).collect(Collectors.toSet()));
    }
}
