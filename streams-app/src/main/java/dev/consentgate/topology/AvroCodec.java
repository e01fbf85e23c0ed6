package dev.consentgate.topology;

import dev.consentgate.serde.AvroDecodeException;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import dev.consentgate.serde.ConfluentAvroSerializer;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;

/** Wire-format Avro in and out of the topology, through the configured registry. */
final class AvroCodec {

    private final ConfluentAvroSerializer serializer;
    private final ConfluentAvroDeserializer deserializer;

    AvroCodec(ConfluentAvroSerializer serializer, ConfluentAvroDeserializer deserializer) {
        this.serializer = serializer;
        this.deserializer = deserializer;
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
        try {
            return RegistryRetry.call(() -> deserializer.decode(topic, value).record());
        } catch (AvroDecodeException e) {
            RejectReason reason = switch (e.reason()) {
                case TRUNCATED -> RejectReason.TRUNCATED;
                case BAD_MAGIC_BYTE -> RejectReason.BAD_MAGIC_BYTE;
                case UNKNOWN_SCHEMA_ID -> RejectReason.UNKNOWN_SCHEMA_ID;
                case MALFORMED_AVRO -> RejectReason.MALFORMED_AVRO;
            };
            throw new RejectException(reason, e.getMessage());
        }
    }

    /** Decodes bytes that were already read once, on the way in. */
    GenericRecord decode(String topic, byte[] value) {
        return RegistryRetry.call(() -> deserializer.decode(topic, value).record());
    }

    /** Encodes under the subject {@code <topic>-value}. */
    byte[] encode(String topic, IndexedRecord record) {
        return RegistryRetry.call(() -> serializer.serialize(topic, record));
    }
}
