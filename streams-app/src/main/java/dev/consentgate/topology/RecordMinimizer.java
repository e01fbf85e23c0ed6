package dev.consentgate.topology;

import dev.consentgate.policy.FieldAction;
import dev.consentgate.policy.FieldPlan;
import dev.consentgate.policy.RedactionAction;
import dev.consentgate.policy.ValueRedactor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Builds a purpose's output record from an input record and a {@link FieldPlan}: removed fields are
 * absent from the output schema, transformed fields become (optional) strings. The output keeps the
 * input record's name, so consumers see the same type with fewer or coarser fields.
 */
public final class RecordMinimizer {

    /** Field property naming what ConsentGate did to a field, for consumers reading the output schema. */
    static final String ACTION_PROPERTY = "consentgate_action";

    /**
     * One instance per output schema text in the JVM. Each task's processor plans its own outputs, and the serializer
     * finds a record's writer and schema id by schema: for the same instance that is a reference check, for an equal
     * copy planned by another task a walk of the whole schema per record (1.1 µs for 11 fields, 5 µs for 50). Keyed by
     * the full text, docs included, which Avro's equality ignores; bounded by the distinct output schemas, like the
     * serializer's own caches.
     */
    private static final ConcurrentMap<String, Schema> OUTPUT_SCHEMAS = new ConcurrentHashMap<>();

    private final ValueRedactor redactor;

    public RecordMinimizer(ValueRedactor redactor) {
        this.redactor = redactor;
    }

    /**
     * What building a plan's output records takes, resolved once per (input schema, plan) so that no record looks a
     * field up by name: the output schema and, per output field, the input field it comes from and the action on it.
     */
    public static final class Minimization {

        private final Schema outputSchema;
        private final int[] inputPositions;
        /** Per output field, its action, or null when the value is copied as it is. */
        private final FieldAction[] actions;
        private final Schema[] inputFieldSchemas;

        private Minimization(Schema input, FieldPlan plan) {
            Schema built = minimizedSchema(input, plan);
            this.outputSchema = OUTPUT_SCHEMAS.computeIfAbsent(built.toString(), text -> built);
            List<Schema.Field> outputFields = outputSchema.getFields();
            this.inputPositions = new int[outputFields.size()];
            this.actions = new FieldAction[outputFields.size()];
            this.inputFieldSchemas = new Schema[outputFields.size()];
            for (Schema.Field field : outputFields) {
                Schema.Field inputField = input.getField(field.name());
                inputPositions[field.pos()] = inputField.pos();
                actions[field.pos()] = plan.byField().get(field.name());
                inputFieldSchemas[field.pos()] = inputField.schema();
            }
        }

        Schema outputSchema() {
            return outputSchema;
        }
    }

    /** The minimization of records of {@code input} by {@code plan}; compute it once per schema and plan, not per record. */
    public static Minimization minimization(Schema input, FieldPlan plan) {
        return new Minimization(input, plan);
    }

    private static Schema minimizedSchema(Schema input, FieldPlan plan) {
        Map<String, FieldAction> actions = plan.byField();
        List<Schema.Field> fields = new ArrayList<>(input.getFields().size());
        for (Schema.Field field : input.getFields()) {
            FieldAction action = actions.get(field.name());
            if (action == null) {
                fields.add(new Schema.Field(field, field.schema()));
            } else if (action.action() != RedactionAction.REMOVE) {
                fields.add(transformedField(field, action.action()));
            }
        }
        Schema output = Schema.createRecord(input.getName(), input.getDoc(), input.getNamespace(), input.isError(), fields);
        input.getObjectProps().forEach(output::addProp);
        return output;
    }

    private static Schema.Field transformedField(Schema.Field field, RedactionAction action) {
        boolean nullable = AvroValues.isNullable(field.schema());
        Schema string = Schema.create(Schema.Type.STRING);
        Schema type = nullable ? Schema.createUnion(Schema.create(Schema.Type.NULL), string) : string;
        Schema.Field transformed = new Schema.Field(field.name(), type, field.doc(), nullable ? JsonProperties.NULL_VALUE : null);
        field.getObjectProps().forEach(transformed::addProp);
        transformed.addProp(ACTION_PROPERTY, action.name().toLowerCase(java.util.Locale.ROOT));
        return transformed;
    }

    /** The output record of {@code input}, whose schema must be the one {@code minimization} was made for. */
    public GenericRecord apply(GenericRecord input, Minimization minimization) {
        GenericData.Record output = new GenericData.Record(minimization.outputSchema());
        for (int pos = 0; pos < minimization.actions.length; pos++) {
            Object value = input.get(minimization.inputPositions[pos]);
            FieldAction action = minimization.actions[pos];
            if (action != null) {
                value = redactor.apply(action.action(), action.category(), AvroValues.toJava(value, minimization.inputFieldSchemas[pos]));
            }
            output.put(pos, value);
        }
        return output;
    }
}
