package dev.consentgate.topology;

import dev.consentgate.policy.FieldAction;
import dev.consentgate.policy.FieldPlan;
import dev.consentgate.policy.RedactionAction;
import dev.consentgate.policy.ValueRedactor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    private final ValueRedactor redactor;

    public RecordMinimizer(ValueRedactor redactor) {
        this.redactor = redactor;
    }

    public static Schema outputSchema(Schema input, FieldPlan plan) {
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

    public GenericRecord apply(GenericRecord input, FieldPlan plan, Schema outputSchema) {
        Map<String, FieldAction> actions = plan.byField();
        GenericData.Record output = new GenericData.Record(outputSchema);
        for (Schema.Field field : outputSchema.getFields()) {
            Object value = input.get(field.name());
            FieldAction action = actions.get(field.name());
            if (action != null) {
                Schema inputFieldSchema = input.getSchema().getField(field.name()).schema();
                value = redactor.apply(action.action(), action.category(), AvroValues.toJava(value, inputFieldSchema));
            }
            output.put(field.pos(), value);
        }
        return output;
    }
}
