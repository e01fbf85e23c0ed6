package dev.consentgate.output;

import dev.consentgate.policy.FieldAction;
import dev.consentgate.policy.FieldPlan;
import dev.consentgate.policy.InputMapping;
import dev.consentgate.policy.Verdict;
import dev.consentgate.policy.Purpose;
import dev.consentgate.policy.PurposeRule;
import dev.consentgate.schema.FieldTreatment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.Schema;

/**
 * Per (input topic, schema), the data categories of its fields and, per (purpose rule, delivered
 * outcome), the field plan and output schema. Computed once and reused for every record: the
 * per-record path only looks them up. Keyed by topic as well as schema, since two topics may carry
 * one schema under different mappings. One instance per processor, so no locking.
 */
public final class OutputPlans {

    /**
     * A plan, how its output records are built ({@code minimization}, null when the record passes unchanged), how the
     * audit record reports its fields, and whether the record key (the customer id) may pass in the clear: all fixed
     * per plan, so built once with it.
     */
    public record PlannedOutput(FieldPlan plan, RecordMinimizer.Minimization minimization, List<FieldTreatment> auditFields,
                                boolean keyInClear) {

        /** No output record: no field treated. */
        public static final PlannedOutput NONE = new PlannedOutput(FieldPlan.UNCHANGED, null, List.of(), false);
    }

    private record SchemaKey(String inputTopic, Schema schema) {
    }

    private record PlanKey(String inputTopic, Schema schema, Purpose rule, Verdict delivered) {
    }

    private final Map<String, InputMapping> mappings;
    private final Function<List<FieldAction>, List<FieldTreatment>> auditFields;
    private final Map<SchemaKey, FieldCategories> categories = new HashMap<>();
    private final Map<PlanKey, PlannedOutput> plans = new HashMap<>();

    /** @param auditFields how the audit record reports a plan's field actions, computed once per plan */
    public OutputPlans(Map<String, InputMapping> mappingsByTopic, Function<List<FieldAction>, List<FieldTreatment>> auditFields) {
        this.mappings = mappingsByTopic;
        this.auditFields = auditFields;
    }

    /**
     * @param delivered what the purpose receives: PERMIT or TAG a record minimized to its categories, REDACT a
     *                  pseudonymized one
     */
    public PlannedOutput plan(String inputTopic, Schema schema, PurposeRule rule, Verdict delivered) {
        return plans.computeIfAbsent(new PlanKey(inputTopic, schema, rule.purpose(), delivered), key -> {
            FieldCategories fields = categories(inputTopic, schema);
            FieldPlan plan = FieldPlan.of(rule, delivered, fields.byPath(), fields.whole());
            // An encrypted customer id must not come back in the clear as the key: it would outlive the erasure.
            boolean keyInClear = delivered != Verdict.REDACT && rule.mayDisclose(fields.customerId()) && !rule.encrypts(fields.customerId());
            return new PlannedOutput(plan, plan.isUnchanged() ? null : RecordMinimizer.minimization(schema, plan),
                    auditFields.apply(plan.actions()), keyInClear);
        });
    }

    /** The categories of a schema's fields as the topic's mapping sees them, computed once per (topic, schema). */
    FieldCategories categories(String inputTopic, Schema schema) {
        return categories.computeIfAbsent(new SchemaKey(inputTopic, schema), key -> FieldCategories.of(schema, mappings.get(inputTopic)));
    }
}
