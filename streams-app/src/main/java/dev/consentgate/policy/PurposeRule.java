package dev.consentgate.policy;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The policy's statement about one purpose; it covers the purpose's descendants unless a more
 * specific rule exists.
 *
 * @param allowCategories the only categories the purpose may see; empty when the rule sets none
 *                        (then every category not denied is allowed)
 * @param denyCategories  categories the purpose never sees, whatever the consent
 * @param redact          per category, what a redacted record does with it; categories not listed
 *                        are removed
 * @param outputTopic     the purpose topic
 * @param line            line of the rule in the policy file, for explanations
 */
public record PurposeRule(
        Purpose purpose,
        LegalBasis basis,
        MissingConsentAction onMissingConsent,
        Optional<Set<DataCategory>> allowCategories,
        Set<DataCategory> denyCategories,
        Map<DataCategory, RedactionAction> redact,
        String outputTopic,
        int line) {

    public PurposeRule {
        allowCategories = allowCategories.map(Set::copyOf);
        denyCategories = Set.copyOf(denyCategories);
        redact = Map.copyOf(redact);
    }

    /** True when a permitted (or tagged) record of this purpose may carry a field of {@code category}. */
    public boolean mayDisclose(DataCategory category) {
        if (category.isCoveredByAny(denyCategories)) {
            return false;
        }
        return allowCategories.map(category::isCoveredByAny).orElse(true);
    }

    /** The redaction action for {@code category}: the most specific one configured, else remove. */
    public RedactionAction redactionFor(DataCategory category) {
        return category.mostSpecificCoveringIn(redact.keySet()).map(redact::get).orElse(RedactionAction.REMOVE);
    }
}
