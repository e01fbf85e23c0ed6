package dev.consentgate.serde;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;

/**
 * Avro data models that resolve an optional field's union, {@code ["null", T]}, by a null check.
 * Avro's own resolution names the datum's schema for every union it writes (a chain of type tests and
 * a map lookup per union): profiling put it at a quarter of the time spent encoding an audit record,
 * which has a dozen optional fields. The answer is the same for the data that can be written: null is
 * the null branch; a string (or stringable value) is a string branch; a record is a record branch of
 * the same name. Anything else, and every other union, goes through Avro's resolution, so a value of
 * the wrong type still fails as Avro makes it fail.
 */
final class NullableUnions {

    private NullableUnions() {
    }

    /** The model for generic records. */
    static GenericData generic() {
        return GenericModel.INSTANCE;
    }

    /** A model for a generated class: {@code model}'s class loader and logical-type conversions, with the fast union resolution. */
    static SpecificData specific(SpecificData model) {
        SpecificModel fast = new SpecificModel(model.getClassLoader());
        model.getConversions().forEach(fast::addLogicalTypeConversion);
        return fast;
    }

    /** The branch of {@code union} for {@code datum}, or -1 where Avro's own resolution must answer. */
    private static int branch(Schema union, Object datum) {
        List<Schema> types = union.getTypes();
        if (types.size() != 2 || types.get(0).getType() != Schema.Type.NULL) {
            return -1;
        }
        if (datum == null) {
            return 0;
        }
        Schema value = types.get(1);
        boolean matches = switch (value.getType()) {
            case STRING -> datum instanceof CharSequence;
            case RECORD -> datum instanceof IndexedRecord record && record.getSchema().getFullName().equals(value.getFullName());
            default -> false;
        };
        return matches && value.getLogicalType() == null ? 1 : -1;
    }

    private static final class GenericModel extends GenericData {
        private static final GenericModel INSTANCE = new GenericModel();

        @Override
        public int resolveUnion(Schema union, Object datum) {
            int branch = branch(union, datum);
            return branch >= 0 ? branch : super.resolveUnion(union, datum);
        }
    }

    private static final class SpecificModel extends SpecificData {
        SpecificModel(ClassLoader classLoader) {
            super(classLoader);
        }

        @Override
        public int resolveUnion(Schema union, Object datum) {
            int branch = branch(union, datum);
            return branch >= 0 ? branch : super.resolveUnion(union, datum);
        }
    }
}
