package dev.consentgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FieldPlanTest {

    private static final Map<String, DataCategory> FIELDS = Map.of(
            "customerId", DataCategory.of("user.unique_id"),
            "email", DataCategory.of("user.contact.email"),
            "postalCode", DataCategory.of("user.contact.address.postal_code"),
            "firstName", DataCategory.of("user.name"),
            "gender", DataCategory.of("user.demographic.gender"));

    private static PurposeRule rule(Optional<Set<DataCategory>> allow, Set<DataCategory> deny, Map<DataCategory, RedactionAction> redact) {
        return new PurposeRule(Purpose.of("analytics"), LegalBasis.CONSENT, MissingConsentAction.REDACT, allow, deny, redact, "crm.purpose.analytics", 1);
    }

    @Test
    void aPermittedRecordLosesOnlyTheCategoriesThePurposeMayNotSee() {
        PurposeRule rule = rule(Optional.of(Set.of(DataCategory.of("user.contact"), DataCategory.of("user.unique_id"))),
                Set.of(DataCategory.of("user.contact.address")), Map.of());

        FieldPlan plan = FieldPlan.of(rule, Outcome.PERMIT, EnforcementMode.ENFORCE, FIELDS);

        assertThat(plan.actions()).containsExactly(
                new FieldAction("firstName", DataCategory.of("user.name"), RedactionAction.REMOVE),
                new FieldAction("gender", DataCategory.of("user.demographic.gender"), RedactionAction.REMOVE),
                new FieldAction("postalCode", DataCategory.of("user.contact.address.postal_code"), RedactionAction.REMOVE));
    }

    @Test
    void aRedactedRecordAppliesTheMostSpecificActionAndRemovesUnlistedCategories() {
        PurposeRule rule = rule(Optional.empty(), Set.of(DataCategory.of("user.demographic")), Map.of(
                DataCategory.of("user.contact"), RedactionAction.HASH,
                DataCategory.of("user.contact.address.postal_code"), RedactionAction.GENERALIZE));

        FieldPlan plan = FieldPlan.of(rule, Outcome.REDACT, EnforcementMode.ENFORCE, FIELDS);

        assertThat(plan.actions()).containsExactly(
                new FieldAction("customerId", DataCategory.of("user.unique_id"), RedactionAction.REMOVE),
                new FieldAction("email", DataCategory.of("user.contact.email"), RedactionAction.HASH),
                new FieldAction("firstName", DataCategory.of("user.name"), RedactionAction.REMOVE),
                new FieldAction("gender", DataCategory.of("user.demographic.gender"), RedactionAction.REMOVE),
                new FieldAction("postalCode", DataCategory.of("user.contact.address.postal_code"), RedactionAction.GENERALIZE));
    }

    @Test
    void shadowModeAndUnrestrictedPurposesLeaveTheRecordUnchanged() {
        PurposeRule open = rule(Optional.empty(), Set.of(), Map.of());
        PurposeRule strict = rule(Optional.of(Set.of()), Set.of(), Map.of());

        assertThat(FieldPlan.of(open, Outcome.PERMIT, EnforcementMode.ENFORCE, FIELDS).isUnchanged()).isTrue();
        assertThat(FieldPlan.of(strict, Outcome.REDACT, EnforcementMode.SHADOW, FIELDS).isUnchanged()).isTrue();
        assertThat(FieldPlan.of(strict, Outcome.PERMIT, EnforcementMode.ENFORCE, FIELDS).actions()).hasSize(5);
    }
}
