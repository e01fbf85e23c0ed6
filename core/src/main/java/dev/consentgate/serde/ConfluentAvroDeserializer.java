package dev.consentgate.serde;

import java.io.IOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format Avro into GenericRecords, or into generated classes when
 * {@code specific.avro.reader} is true; a well-framed value of any other schema (a string, an
 * array...) fails as {@link DecodeFailure#NOT_A_RECORD}. Bytes that can never be read fail with an
 * {@link AvroDecodeException} giving the {@link DecodeFailure}; an unreachable registry fails with
 * the retriable {@link SchemaRegistryUnavailableException}.
 */
public final class ConfluentAvroDeserializer implements Deserializer<Object> {

    private final DatumReaders readers = new DatumReaders();
    private SchemaRegistryClient registry;
    private boolean specificReader;

    /** For Kafka, which calls {@link #configure(Map, boolean)} before use. */
    public ConfluentAvroDeserializer() {
    }

    /**
     * @param isKey        ignored: the schema id in the bytes says everything needed to read them
     * @param autoRegister ignored: reading never registers; accepted so the serializer,
     *                     deserializer and serde are all built from the same settings
     */
    public ConfluentAvroDeserializer(SchemaRegistryClient registry, boolean isKey,
            boolean autoRegister, boolean specificReader) {
        this.registry = registry;
        this.specificReader = specificReader;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.registry = SchemaRegistryClients.fromConfig(configs);
        this.specificReader = new AvroSerdeConfig(configs).specificAvroReader();
    }

    /** A GenericRecord or, with a specific reader, an instance of the generated class; null for null. */
    @Override
    public Object deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (!specificReader) {
            return decode(topic, data).record();
        }
        int schemaId = WireFormat.schemaId(topic, data);
        Schema writer = writerSchema(topic, schemaId);
        if (writer.getType() != Schema.Type.RECORD) {
            // Generated classes are records: Avro would look up a class for a string or a union and fail in its own way.
            throw notARecord(topic, schemaId, writer.getType().getName());
        }
        return read(topic, schemaId, readers.specific(writer), data);
    }

    /** The record as a GenericRecord whatever {@code specific.avro.reader} says; null for null. */
    public DecodedRecord decode(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int schemaId = WireFormat.schemaId(topic, data);
        // Avro's generic reader returns whatever the writer schema holds (a Utf8 for a string schema): checked
        // here, since a ClassCastException in a Kafka Streams processor bypasses its processing exception handler.
        Schema writer = writerSchema(topic, schemaId);
        Object value = read(topic, schemaId, readers.generic(writer), data);
        if (!(value instanceof GenericRecord record)) {
            Schema written = writer.getType() == Schema.Type.UNION
                    ? writer.getTypes().get(GenericData.get().resolveUnion(writer, value)) : writer;
            throw notARecord(topic, schemaId, written.getType().getName());
        }
        return new DecodedRecord(schemaId, record);
    }

    private static AvroDecodeException notARecord(String topic, int schemaId, String type) {
        return new AvroDecodeException(DecodeFailure.NOT_A_RECORD, "value on topic '" + topic + "' (schema id " + schemaId
                + ") is an Avro " + type + ", not a record");
    }

    private Schema writerSchema(String topic, int schemaId) {
        if (registry == null) {
            throw new IllegalStateException("ConfluentAvroDeserializer used before configure()");
        }
        try {
            return registry.schemaById(schemaId);
        } catch (SchemaNotFoundException e) {
            throw new AvroDecodeException(DecodeFailure.UNKNOWN_SCHEMA_ID, "record on topic '" + topic
                    + "' names schema id " + schemaId + ", which the schema registry does not know");
        } catch (SchemaRegistryUnavailableException e) {
            // Same type, so the caller still retries; the topic is added for the operator.
            throw new SchemaRegistryUnavailableException("record on topic '" + topic + "': "
                    + e.getMessage(), e);
        }
    }

    private static <T> T read(String topic, int schemaId, DatumReader<T> reader, byte[] data) {
        // A fresh decoder per call: decoders are not thread-safe and one over a byte array is cheap.
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_LENGTH,
                data.length - WireFormat.HEADER_LENGTH, null);
        T value;
        boolean leftOver;
        try {
            value = reader.read(null, decoder);
            leftOver = !decoder.isEnd();
        } catch (IOException | RuntimeException e) {
            throw new AvroDecodeException(DecodeFailure.MALFORMED_AVRO, "record on topic '" + topic
                    + "' cannot be read with schema id " + schemaId + ": "
                    + PayloadSafeMessages.describe(e));
        }
        if (leftOver) {
            throw new AvroDecodeException(DecodeFailure.MALFORMED_AVRO, "record on topic '" + topic
                    + "' has bytes left over after reading it with schema id " + schemaId);
        }
        return value;
    }
}
