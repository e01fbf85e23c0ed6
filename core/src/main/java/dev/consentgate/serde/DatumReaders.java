package dev.consentgate.serde;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Datum readers, built once per writer schema. Avro's readers keep their resolving decoders per
 * thread, so one instance serves every thread.
 */
final class DatumReaders {

    private final ConcurrentMap<Schema, DatumReader<Object>> generic = new ConcurrentHashMap<>();
    // Keyed by writer schema alone: the reader schema is the class named by the writer schema, so
    // the writer determines the (writer, reader) pair.
    private final ConcurrentMap<Schema, DatumReader<Object>> specific = new ConcurrentHashMap<>();

    /**
     * Reads values shaped like the writer schema, timestamps as plain longs: a GenericRecord for a record schema, and
     * whatever Avro makes of any other schema (a Utf8 for a string), which the caller must check.
     */
    DatumReader<Object> generic(Schema writer) {
        return generic.computeIfAbsent(writer, w -> new GenericDatumReader<>(w, w, GenericData.get()));
    }

    /** Reads into the generated class named by the writer schema, resolving writer to class schema. */
    DatumReader<Object> specific(Schema writer) {
        return specific.computeIfAbsent(writer, DatumReaders::newSpecificReader);
    }

    private static DatumReader<Object> newSpecificReader(Schema writer) {
        Class<?> type = SpecificData.get().getClass(writer);
        if (type == null) {
            throw new SerializationException("specific.avro.reader is true but no generated class "
                    + writer.getFullName() + " is on the classpath");
        }
        SpecificData model = SpecificData.getForClass(type);
        Schema reader = model.getSchema(type);
        // Checked up front so an incompatible class fails as a deployment error, not as a bad record.
        var compatibility = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new SerializationException("class " + type.getName()
                    + " cannot read records written with its registered writer schema: "
                    + compatibility.getResult().getIncompatibilities());
        }
        return new SpecificDatumReader<>(writer, reader, model);
    }
}
