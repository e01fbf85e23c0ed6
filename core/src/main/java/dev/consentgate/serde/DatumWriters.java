package dev.consentgate.serde;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Datum writers, built once per record class or schema. Writers are stateless once built, so one
 * instance serves every thread.
 */
final class DatumWriters {

    private final ConcurrentMap<Class<?>, DatumWriter<Object>> bySpecificClass =
            new ConcurrentHashMap<>();
    private final ConcurrentMap<Schema, DatumWriter<Object>> byGenericSchema =
            new ConcurrentHashMap<>();

    DatumWriter<Object> forRecord(IndexedRecord record) {
        if (record instanceof SpecificRecord) {
            return bySpecificClass.computeIfAbsent(record.getClass(),
                    type -> new SpecificDatumWriter<>(record.getSchema(), specificModel(type)));
        }
        return byGenericSchema.computeIfAbsent(record.getSchema(),
                schema -> new FastStringWriter(schema, NullableUnions.generic()));
    }

    /** Avro's generic writer, writing {@code String} values through {@link AvroStrings}: same bytes, faster. */
    private static final class FastStringWriter extends GenericDatumWriter<Object> {
        FastStringWriter(Schema schema, GenericData model) {
            super(schema, model);
        }

        @Override
        protected void writeString(Object datum, Encoder out) throws IOException {
            if (datum instanceof String value) {
                AvroStrings.write(out, value);
            } else {
                super.writeString(datum, out);
            }
        }
    }

    /**
     * The generated class's own model, which carries its logical-type conversions (Instant, ...) and knows
     * its Java enums, which the generic model cannot write; with the fast union resolution; and with custom
     * coders on. A record whose class has an encoder of its own ({@code SpecificRecordBase.hasCustomCoders()}
     * and {@code customEncode}) then writes itself instead of being walked field by field: Avro generates
     * one for every schema without logical types, and a class may be given one by hand. Avro leaves them
     * off unless the system property {@code org.apache.avro.specific.use_custom_coders} is true.
     */
    private static SpecificData specificModel(Class<?> type) {
        SpecificData model = NullableUnions.specific(SpecificData.getForClass(type));
        model.setCustomCoders(true);
        return model;
    }
}
