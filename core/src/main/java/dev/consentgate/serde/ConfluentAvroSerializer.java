package dev.consentgate.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (GenericRecord or generated SpecificRecord classes) in Confluent's wire
 * format, registering or looking up the schema under the topic's subject.
 */
public final class ConfluentAvroSerializer implements Serializer<Object> {

    private final DatumWriters writers = new DatumWriters();
    /**
     * The subject per topic, built once, and the schema last written to it with its id. The registry clients cache
     * ids by (subject, schema), but that lookup hashes the subject and compares the schema field by field; a topic
     * is written with the same schema instance record after record, so the same instance skips it.
     */
    private final ConcurrentMap<String, TopicSubject> subjects = new ConcurrentHashMap<>();
    private SchemaRegistryClient registry;
    private boolean isKey;
    private boolean autoRegister;

    /** For Kafka, which calls {@link #configure(Map, boolean)} before use. */
    public ConfluentAvroSerializer() {
    }

    /**
     * @param specificReader ignored: it only affects reading, and is accepted so the serializer,
     *                       deserializer and serde are all built from the same settings
     */
    public ConfluentAvroSerializer(SchemaRegistryClient registry, boolean isKey, boolean autoRegister,
            boolean specificReader) {
        this.registry = registry;
        this.isKey = isKey;
        this.autoRegister = autoRegister;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.registry = SchemaRegistryClients.fromConfig(configs);
        this.isKey = isKey;
        this.subjects.clear();
        this.autoRegister = new AvroSerdeConfig(configs).autoRegisterSchemas();
    }

    @Override
    public byte[] serialize(String topic, Object data) {
        if (data == null) {
            return null;
        }
        if (!(data instanceof IndexedRecord record)) {
            throw new SerializationException("Cannot serialize a " + data.getClass().getName()
                    + " for topic '" + topic + "': an Avro GenericRecord or SpecificRecord is expected");
        }
        return serialize(topic, record);
    }

    /** The record in wire format, or null for a null record (a tombstone). */
    public byte[] serialize(String topic, IndexedRecord record) {
        if (record == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("ConfluentAvroSerializer used before configure()");
        }
        Schema schema = record.getSchema();
        int schemaId = subject(topic).schemaId(schema);
        try {
            return WireFormat.frame(schemaId, writers.forRecord(record), record);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot serialize " + schema.getFullName()
                    + " for topic '" + topic + "' with schema id " + schemaId + ": "
                    + PayloadSafeMessages.describe(e));
        }
    }

    private TopicSubject subject(String topic) {
        TopicSubject subject = subjects.get(topic);
        return subject != null ? subject : subjects.computeIfAbsent(topic, t -> new TopicSubject(TopicNameStrategy.subject(t, isKey)));
    }

    private int schemaId(String subject, Schema schema) {
        if (autoRegister) {
            return registry.register(subject, schema);
        }
        try {
            return registry.lookup(subject, schema);
        } catch (SchemaNotFoundException e) {
            throw new SerializationException("Schema " + schema.getFullName()
                    + " is not registered under subject '" + subject + "' and "
                    + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS + " is false; register it first", e);
        }
    }

    /** A topic's subject and the id of the schema instance last written to it. */
    private final class TopicSubject {

        private final String name;
        /** Replaced whole, so a thread sees a schema with its own id; stream threads share a serializer. */
        private volatile SchemaId last;

        private TopicSubject(String name) {
            this.name = name;
        }

        int schemaId(Schema schema) {
            SchemaId known = last;
            if (known != null && known.schema() == schema) {
                return known.id();
            }
            int id = ConfluentAvroSerializer.this.schemaId(name, schema);
            last = new SchemaId(schema, id);
            return id;
        }
    }

    private record SchemaId(Schema schema, int id) {
    }
}
