package dev.consentgate.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a purpose's output record does with each categorized field of an input record. Fields not
 * listed pass unchanged. A plan depends only on (rule, outcome, mode, field categories), so the
 * topology computes it once per input schema and reuses it.
 */
public record FieldPlan(List<FieldAction> actions) {

    public static final FieldPlan UNCHANGED = new FieldPlan(List.of());

    public FieldPlan {
        actions = List.copyOf(actions);
    }

    /**
     * The plan for one decision.
     *
     * @param fieldCategories field name → category, for the fields of the input record that have one
     */
    public static FieldPlan of(PurposeRule rule, Outcome outcome, EnforcementMode mode, Map<String, DataCategory> fieldCategories) {
        if (mode == EnforcementMode.SHADOW || outcome == Outcome.DROP) {
            return UNCHANGED;
        }
        List<FieldAction> actions = fieldCategories.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> actionFor(rule, outcome, e.getKey(), e.getValue()))
                .flatMap(Optional::stream)
                .toList();
        return actions.isEmpty() ? UNCHANGED : new FieldPlan(actions);
    }

    private static Optional<FieldAction> actionFor(PurposeRule rule, Outcome outcome, String field, DataCategory category) {
        if (!rule.mayDisclose(category)) {
            return Optional.of(new FieldAction(field, category, RedactionAction.REMOVE));
        }
        if (outcome == Outcome.REDACT) {
            return Optional.of(new FieldAction(field, category, rule.redactionFor(category)));
        }
        return Optional.empty();
    }

    /** True when the output record equals the input: its bytes can be forwarded without re-encoding. */
    public boolean isUnchanged() {
        return actions.isEmpty();
    }

    public Map<String, FieldAction> byField() {
        return actions.stream().collect(Collectors.toUnmodifiableMap(FieldAction::field, a -> a));
    }
}
