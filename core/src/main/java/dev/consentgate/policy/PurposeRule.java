package dev.consentgate.policy;

import java.util.Map;
import java.util.Set;

/**
 * The policy's statement about one purpose; it covers the purpose's descendants unless a more
 * specific rule exists.
 *
 * @param allowCategories the only categories the purpose may see (required: what nothing allows is removed)
 * @param denyCategories  categories the purpose never sees, whatever the consent; a field of a broader
 *                        category than a denied one is removed too, since it may hold the denied data
 * @param redact          per category, what a redacted record does with it; personal categories not
 *                        listed are removed
 * @param encryptCategories categories whose fields a permitted or tagged record carries encrypted under the customer's
 *                        data key ({@link RedactionAction#ENCRYPT}); a redacted record follows {@code redact}
 * @param outputTopic     the purpose topic
 * @param review          whether a reviewer must approve each record before it reaches the purpose topic
 * @param line            line of the rule in the policy file, for explanations
 */
public record PurposeRule(
        Purpose purpose,
        LegalBasis basis,
        MissingConsentAction onMissingConsent,
        Set<DataCategory> allowCategories,
        Set<DataCategory> denyCategories,
        Map<DataCategory, RedactionAction> redact,
        Set<DataCategory> encryptCategories,
        String outputTopic,
        ReviewRequirement review,
        int line) {

    public PurposeRule {
        allowCategories = Set.copyOf(allowCategories);
        denyCategories = Set.copyOf(denyCategories);
        redact = Map.copyOf(redact);
        encryptCategories = Set.copyOf(encryptCategories);
    }

    /** A rule whose records need no review. */
    public PurposeRule(Purpose purpose, LegalBasis basis, MissingConsentAction onMissingConsent, Set<DataCategory> allowCategories,
                       Set<DataCategory> denyCategories, Map<DataCategory, RedactionAction> redact, Set<DataCategory> encryptCategories,
                       String outputTopic, int line) {
        this(purpose, basis, onMissingConsent, allowCategories, denyCategories, redact, encryptCategories, outputTopic,
                ReviewRequirement.NONE, line);
    }

    /** A rule that encrypts nothing in permitted and tagged records and needs no review. */
    public PurposeRule(Purpose purpose, LegalBasis basis, MissingConsentAction onMissingConsent, Set<DataCategory> allowCategories,
                       Set<DataCategory> denyCategories, Map<DataCategory, RedactionAction> redact, String outputTopic, int line) {
        this(purpose, basis, onMissingConsent, allowCategories, denyCategories, redact, Set.of(), outputTopic, line);
    }

    /** True when a reviewer must approve each record before it reaches the purpose topic. */
    public boolean requiresReview() {
        return review == ReviewRequirement.REQUIRED;
    }

    /**
     * True when a permitted or tagged record carries fields of {@code category} encrypted: an encrypted category covers it,
     * or it covers an encrypted one (a field marked {@code user.contact}, or one nobody categorized, may hold the email
     * that {@code user.contact.email} encrypts), as {@link #mayDisclose} treats denied categories.
     */
    public boolean encrypts(DataCategory category) {
        return category.isCoveredByAny(encryptCategories) || encryptCategories.stream().anyMatch(category::covers);
    }

    /** True when any field of this purpose's records may be encrypted under a customer's data key. */
    public boolean usesDataKeys() {
        return !encryptCategories.isEmpty() || redact.containsValue(RedactionAction.ENCRYPT);
    }

    /**
     * True when a record of this purpose may carry data of {@code category}: an allowed category covers it, and no
     * denied category covers it or is covered by it (a field marked {@code user.contact} may hold an email, so
     * denying {@code user.contact.email} removes it).
     */
    public boolean mayDisclose(DataCategory category) {
        if (!category.isCoveredByAny(allowCategories)) {
            return false;
        }
        for (DataCategory denied : denyCategories) {
            if (denied.covers(category) || category.covers(denied)) {
                return false;
            }
        }
        return true;
    }

    /** The redaction action for {@code category}: the most specific one configured, else remove. */
    public RedactionAction redactionFor(DataCategory category) {
        return category.mostSpecificCoveringIn(redact.keySet()).map(redact::get).orElse(RedactionAction.REMOVE);
    }
}
