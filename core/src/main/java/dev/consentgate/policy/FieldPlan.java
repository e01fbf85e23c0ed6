package dev.consentgate.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a purpose's output record does with each data field of an input record, at any depth: fields
 * are named by their dotted path ({@code address.zip}). A field the plan does not list passes
 * unchanged. A plan depends only on (rule, delivered outcome, field categories), so the topology
 * computes it once per input topic and schema and reuses it.
 */
public final class FieldPlan {

    public static final FieldPlan UNCHANGED = new FieldPlan(List.of());

    private final List<FieldAction> actions;
    /** The actions by field path, for building the output schema and the minimization once per plan. */
    private final Map<String, FieldAction> byField;
    private final boolean encrypts;
    private final boolean hashes;

    private FieldPlan(List<FieldAction> actions) {
        this.actions = List.copyOf(actions);
        this.byField = actions.stream().collect(Collectors.toUnmodifiableMap(FieldAction::field, a -> a));
        this.encrypts = actions.stream().anyMatch(a -> a.action() == RedactionAction.ENCRYPT);
        this.hashes = actions.stream().anyMatch(action -> action.action() == RedactionAction.HASH);
    }

    /**
     * The plan for a record delivered to a purpose.
     *
     * @param delivered       what the purpose receives: {@link Verdict#PERMIT} and {@link Verdict#TAG} a record minimized
     *                        to the categories the purpose may see, {@link Verdict#REDACT} a pseudonymized one;
     *                        {@link Verdict#DROP} delivers nothing
     * @param fieldCategories field path → category, for every data field of the input record (uncategorized ones as
     *                        {@link DataCategory#PERSONAL}); the envelope's fields are not data and are left out
     */
    public static FieldPlan of(PurposeRule rule, Verdict delivered, Map<String, DataCategory> fieldCategories) {
        return of(rule, delivered, fieldCategories, Map.of());
    }

    /**
     * As {@link #of(PurposeRule, Verdict, Map)}, for fields of which some are kept or removed whole.
     *
     * @param whole field path → every category the field's value holds, at any depth, for the fields of
     *              {@code fieldCategories} that are not one scalar value (arrays, maps, unions of several types,
     *              recursive records): such a field passes unchanged only if each of its categories would; otherwise it
     *              is removed, never transformed, with the first category that stops it
     */
    public static FieldPlan of(PurposeRule rule, Verdict delivered, Map<String, DataCategory> fieldCategories,
            Map<String, Set<DataCategory>> whole) {
        if (delivered == Verdict.DROP) {
            return UNCHANGED;
        }
        List<FieldAction> actions = fieldCategories.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> whole.containsKey(e.getKey())
                        ? wholeActionFor(rule, delivered, e.getKey(), whole.get(e.getKey()))
                        : actionFor(rule, delivered, e.getKey(), e.getValue()))
                .flatMap(Optional::stream)
                .toList();
        return actions.isEmpty() ? UNCHANGED : new FieldPlan(actions);
    }

    /** A value the redaction methods cannot transform as one scalar: it passes as it is, or not at all. */
    private static Optional<FieldAction> wholeActionFor(PurposeRule rule, Verdict delivered, String field, Set<DataCategory> categories) {
        for (DataCategory category : categories) {
            if (actionFor(rule, delivered, field, category).isPresent()) {
                return Optional.of(new FieldAction(field, category, RedactionAction.REMOVE));
            }
        }
        return Optional.empty();
    }

    private static Optional<FieldAction> actionFor(PurposeRule rule, Verdict delivered, String field, DataCategory category) {
        if (!rule.mayDisclose(category)) {
            return Optional.of(new FieldAction(field, category, RedactionAction.REMOVE));
        }
        // A pseudonymized record keeps operational data, and personal data only as the redact map transforms it.
        if (delivered == Verdict.REDACT && category.isPersonal()) {
            return Optional.of(new FieldAction(field, category, rule.redactionFor(category)));
        }
        if (delivered != Verdict.REDACT && rule.encrypts(category)) {
            return Optional.of(new FieldAction(field, category, RedactionAction.ENCRYPT));
        }
        return Optional.empty();
    }

    /** True when a field is encrypted under the customer's data key. */
    public boolean encrypts() {
        return encrypts;
    }

    /** True when some field is replaced by its keyed hash: the record then names the field-hashing key. */
    public boolean hashes() {
        return hashes;
    }

    /** True when the output record equals the input: its bytes can be forwarded without re-encoding. */
    public boolean isUnchanged() {
        return actions.isEmpty();
    }

    /** The removed or transformed fields, sorted by field path. */
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
