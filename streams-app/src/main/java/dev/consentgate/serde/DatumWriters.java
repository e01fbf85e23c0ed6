package dev.consentgate.serde;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.DatumWriter;
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
            // The generated class's own model carries its logical-type conversions (Instant, ...)
            // and knows its Java enums, which the generic model cannot write.
            return bySpecificClass.computeIfAbsent(record.getClass(),
                    type -> new SpecificDatumWriter<>(record.getSchema(), NullableUnions.specific(SpecificData.getForClass(type))));
        }
        return byGenericSchema.computeIfAbsent(record.getSchema(),
                schema -> new GenericDatumWriter<>(schema, NullableUnions.generic()));
    }
}
