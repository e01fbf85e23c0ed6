package dev.consentgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Default deny for data: what each purpose's record keeps of each field, by its category. */
class FieldPlanTest {

    private static final Map<String, DataCategory> FIELDS = fields(
            "customerId", "user.unique_id",
            "email", "user.contact.email",
            "postalCode", "user.contact.address.postal_code",
            "firstName", "user.name",
            "gender", "user.demographic.gender",
            "campaign", "system.operations");

    private static Map<String, DataCategory> fields(String... pathsAndCategories) {
        Map<String, DataCategory> fields = new LinkedHashMap<>();
        for (int i = 0; i < pathsAndCategories.length; i += 2) {
            fields.put(pathsAndCategories[i], DataCategory.of(pathsAndCategories[i + 1]));
        }
        return fields;
    }

    private static Set<DataCategory> categories(String... keys) {
        return java.util.Arrays.stream(keys).map(DataCategory::of).collect(java.util.stream.Collectors.toSet());
    }

    private static PurposeRule rule(Set<DataCategory> allow, Set<DataCategory> deny, Map<DataCategory, RedactionAction> redact) {
        return new PurposeRule(Purpose.of("analytics"), LegalBasis.CONSENT, MissingConsentAction.REDACT, allow, deny, redact, "crm.purpose.analytics", 1);
    }

    private static FieldAction removed(String field, String category) {
        return new FieldAction(field, DataCategory.of(category), RedactionAction.REMOVE);
    }

    @Test
    void aPermittedRecordLosesEveryCategoryThePurposeDoesNotAllowOrDenies() {
        PurposeRule rule = rule(categories("user.contact", "user.unique_id"), categories("user.contact.address"), Map.of());

        FieldPlan plan = FieldPlan.of(rule, Verdict.PERMIT, FIELDS);

        assertThat(plan.actions()).containsExactly(
                removed("campaign", "system.operations"),
                removed("firstName", "user.name"),
                removed("gender", "user.demographic.gender"),
                removed("postalCode", "user.contact.address.postal_code"));
    }

    @Test
    void anUncategorizedFieldCountsAsUserAndPassesOnlyWhereUserItselfIsAllowed() {
        Map<String, DataCategory> fields = fields("nationalId", "user", "campaign", "system.operations");

        assertThat(FieldPlan.of(rule(categories("user.contact", "system"), Set.of(), Map.of()), Verdict.PERMIT, fields).actions())
                .containsExactly(removed("nationalId", "user"));
        assertThat(FieldPlan.of(rule(categories("user", "system"), Set.of(), Map.of()), Verdict.PERMIT, fields).isUnchanged())
                .isTrue();
    }

    @Test
    void denyingANarrowCategoryRemovesFieldsOfABroaderOneThatMayHoldIt() {
        PurposeRule rule = rule(categories("user", "system"), categories("user.contact.email"), Map.of());
        Map<String, DataCategory> fields = fields("contact", "user.contact", "uncategorized", "user", "phone", "user.contact.phone_number");

        assertThat(FieldPlan.of(rule, Verdict.PERMIT, fields).actions())
                .containsExactly(removed("contact", "user.contact"), removed("uncategorized", "user"));
    }

    @Test
    void anAllowedNarrowCategoryDoesNotLetABroaderFieldThrough() {
        PurposeRule rule = rule(categories("user.contact.email"), Set.of(), Map.of());

        assertThat(FieldPlan.of(rule, Verdict.TAG, fields("contact", "user.contact", "email", "user.contact.email")).actions())
                .containsExactly(removed("contact", "user.contact"));
    }

    @Test
    void aPseudonymizedRecordTransformsOrRemovesEveryPersonalFieldAndKeepsOperationalOnes() {
        PurposeRule rule = rule(categories("user", "system"), categories("user.demographic"), Map.of(
                DataCategory.of("user.contact"), RedactionAction.HASH,
                DataCategory.of("user.contact.address.postal_code"), RedactionAction.GENERALIZE));

        FieldPlan plan = FieldPlan.of(rule, Verdict.REDACT, FIELDS);

        assertThat(plan.actions()).containsExactly(
                removed("customerId", "user.unique_id"),
                new FieldAction("email", DataCategory.of("user.contact.email"), RedactionAction.HASH),
                removed("firstName", "user.name"),
                removed("gender", "user.demographic.gender"),
                new FieldAction("postalCode", DataCategory.of("user.contact.address.postal_code"), RedactionAction.GENERALIZE));
    }

    @Test
    void nestedFieldsAreNamedByTheirPath() {
        PurposeRule rule = rule(categories("user.contact.email"), Set.of(), Map.of());

        FieldPlan plan = FieldPlan.of(rule, Verdict.PERMIT, fields("address.zip", "user.contact.address.postal_code",
                "address.email", "user.contact.email"));

        assertThat(plan.actions()).containsExactly(removed("address.zip", "user.contact.address.postal_code"));
        assertThat(plan.byField()).containsOnlyKeys("address.zip");
    }

    @Test
    void aDroppedRecordNeedsNoPlanAndAFullyAllowedOneIsUnchanged() {
        PurposeRule open = rule(categories("user", "system"), Set.of(), Map.of());
        PurposeRule strict = rule(Set.of(), Set.of(), Map.of());

        assertThat(FieldPlan.of(open, Verdict.PERMIT, FIELDS).isUnchanged()).isTrue();
        assertThat(FieldPlan.of(strict, Verdict.DROP, FIELDS).isUnchanged()).isTrue();
        assertThat(FieldPlan.of(strict, Verdict.PERMIT, FIELDS).actions()).hasSize(6);
    }
}
