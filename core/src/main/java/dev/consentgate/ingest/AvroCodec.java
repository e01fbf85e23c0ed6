package dev.consentgate.ingest;

import dev.consentgate.serde.RegistryRetry;
import dev.consentgate.serde.TransientErrors;
import dev.consentgate.serde.AvroDecodeException;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;

/**
 * Wire-format Avro in and out of the topology, through the configured value serde: ConsentGate's
 * own by default, or another Serde of Avro records such as Confluent's {@code GenericAvroSerde}.
 */
public final class AvroCodec {

    private final Serde<Object> serde;

    public AvroCodec(Serde<Object> serde) {
        this.serde = serde;
    }

    /**
     * Decodes a record from an input topic.
     *
     * @throws RejectException for bytes that will never be readable; a registry that cannot be reached
     *                         is not the record's fault, so that exception propagates and is retried
     */
    GenericRecord decodeOrReject(String topic, byte[] value) throws RejectException {
        if (value == null) {
            throw new RejectException(RejectReason.NULL_VALUE, "null value");
        }
        Object decoded;
        try {
            decoded = RegistryRetry.call(() -> serde.deserializer().deserialize(topic, value));
        } catch (AvroDecodeException e) {
            RejectReason reason = switch (e.reason()) {
                case TRUNCATED -> RejectReason.TRUNCATED;
                case BAD_MAGIC_BYTE -> RejectReason.BAD_MAGIC_BYTE;
                case UNKNOWN_SCHEMA_ID -> RejectReason.UNKNOWN_SCHEMA_ID;
                case MALFORMED_AVRO -> RejectReason.MALFORMED_AVRO;
                case NOT_A_RECORD -> RejectReason.NOT_A_RECORD;
            };
            throw new RejectException(reason, e.getMessage());
        } catch (SerializationException e) {
            if (TransientErrors.isTransient(e)) {
                throw e;
            }
            // Another serde does not say why; its message may quote the payload, so only its type is kept.
            throw new RejectException(RejectReason.MALFORMED_AVRO, "the value serde could not read the record (" + e.getClass().getSimpleName() + ")");
        }
        if (!(decoded instanceof GenericRecord record)) {
            // Another serde (Confluent's) returns a Utf8, an Integer, a List... for a value of a non-record schema.
            throw new RejectException(RejectReason.NOT_A_RECORD, "the value serde read a "
                    + (decoded == null ? "null" : decoded.getClass().getSimpleName()) + ", not an Avro record");
        }
        return record;
    }

    /**
     * Decodes bytes that {@link #decodeOrReject} already read once as a record, on the way in: a failure here is a
     * defect or a misconfigured serde, and goes to the processing exception handler.
     */
    public GenericRecord decode(String topic, byte[] value) {
        Object decoded = RegistryRetry.call(() -> serde.deserializer().deserialize(topic, value));
        if (!(decoded instanceof GenericRecord record)) {
            throw new SerializationException("the value serde returned " + (decoded == null ? "null" : decoded.getClass().getName())
                    + ", not an Avro GenericRecord: configure it for generic records");
        }
        return record;
    }

    /** Encodes under the subject {@code <topic>-value}. */
    public byte[] encode(String topic, IndexedRecord record) {
        return RegistryRetry.call(() -> serde.serializer().serialize(topic, record));
    }
}
