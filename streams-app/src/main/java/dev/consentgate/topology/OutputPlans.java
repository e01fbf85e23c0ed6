package dev.consentgate.topology;

import dev.consentgate.policy.DataCategory;
import dev.consentgate.policy.EnforcementMode;
import dev.consentgate.policy.FieldPlan;
import dev.consentgate.policy.InputMapping;
import dev.consentgate.policy.Outcome;
import dev.consentgate.policy.Purpose;
import dev.consentgate.policy.PurposeRule;
import dev.consentgate.schema.FieldTreatment;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Per input schema, the data categories of its fields and, per (purpose rule, outcome), the field
 * plan and output schema. Computed once per schema and reused for every record of it: the per-record
 * path only looks them up. One instance per processor, so no locking.
 */
public final class OutputPlans {

    /** The Avro field property that names a field's data category. */
    static final String CATEGORY_PROPERTY = "data_category";

    /**
     * A plan, how its output records are built ({@code minimization}, null when the record passes unchanged) and how
     * the audit record reports its fields: all three fixed per plan, so built once with it.
     */
    public record PlannedOutput(FieldPlan plan, RecordMinimizer.Minimization minimization, List<FieldTreatment> auditFields) {

        /** No output record: no field treated. */
        public static final PlannedOutput NONE = new PlannedOutput(FieldPlan.UNCHANGED, null, List.of());
    }

    private record PlanKey(Schema schema, Purpose rule, Outcome outcome) {
    }

    private final Map<String, InputMapping> mappings;
    private final EnforcementMode mode;
    private final Map<Schema, Map<String, DataCategory>> categories = new HashMap<>();
    private final Map<PlanKey, PlannedOutput> plans = new HashMap<>();

    public OutputPlans(Map<String, InputMapping> mappingsByTopic, EnforcementMode mode) {
        this.mappings = mappingsByTopic;
        this.mode = mode;
    }

    public PlannedOutput plan(String inputTopic, Schema schema, PurposeRule rule, Outcome outcome) {
        return plans.computeIfAbsent(new PlanKey(schema, rule.purpose(), outcome), key -> {
            FieldPlan plan = FieldPlan.of(rule, outcome, mode, categories(inputTopic, schema));
            return new PlannedOutput(plan, plan.isUnchanged() ? null : RecordMinimizer.minimization(schema, plan),
                    AuditRecords.fieldTreatments(plan.actions()));
        });
    }

    /** The categories of a schema's fields, computed once per schema. */
    Map<String, DataCategory> categories(String inputTopic, Schema schema) {
        return categories.computeIfAbsent(schema, s -> categoriesOf(s, mappings.get(inputTopic)));
    }

    /**
     * Top-level fields' categories: the schema's {@code data_category} properties, completed or
     * overridden by the input mapping. A schema belongs to one input topic in practice; the
     * mapping of the first topic seen with it is used.
     *
     * @throws IllegalArgumentException when a {@code data_category} property is not a valid category
     */
    static Map<String, DataCategory> categoriesOf(Schema schema, InputMapping mapping) {
        Map<String, DataCategory> byField = new LinkedHashMap<>();
        for (Schema.Field field : schema.getFields()) {
            Object declared = field.getObjectProp(CATEGORY_PROPERTY);
            if (declared != null) {
                byField.put(field.name(), DataCategory.of(declared.toString()));
            }
        }
        if (mapping != null) {
            mapping.fieldCategories().forEach((field, category) -> {
                if (schema.getField(field) != null) {
                    byField.put(field, category);
                }
            });
        }
        return Map.copyOf(byField);
    }
}
