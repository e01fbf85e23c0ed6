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
public final class FieldPlan {

    public static final FieldPlan UNCHANGED = new FieldPlan(List.of());

    private final List<FieldAction> actions;
    /** The actions by field name, for building the output schema and the minimization once per plan. */
    private final Map<String, FieldAction> byField;

    private FieldPlan(List<FieldAction> actions) {
        this.actions = List.copyOf(actions);
        this.byField = actions.stream().collect(Collectors.toUnmodifiableMap(FieldAction::field, a -> a));
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

    /** The removed or transformed fields, sorted by field name. */
    public List<FieldAction> actions() {
        return actions;
    }

    public Map<String, FieldAction> byField() {
        return byField;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FieldPlan plan && plan.actions.equals(actions);
    }

    @Override
    public int hashCode() {
        return actions.hashCode();
    }

    @Override
    public String toString() {
        return "FieldPlan" + actions;
    }
}
