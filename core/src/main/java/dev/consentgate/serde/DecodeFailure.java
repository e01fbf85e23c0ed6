package dev.consentgate.serde;

/** Why a record's bytes cannot be decoded. Every reason is permanent: retrying will not help. */
public enum DecodeFailure {
    /** Fewer than 5 bytes: no room for the magic byte and schema id. */
    TRUNCATED,
    /** The first byte is not Confluent's magic byte 0, so the bytes are not in the wire format. */
    BAD_MAGIC_BYTE,
    /** The schema registry does not know the schema id in the header. */
    UNKNOWN_SCHEMA_ID,
    /** The Avro binary cannot be read with the writer schema, or bytes are left over after it. */
    MALFORMED_AVRO,
    /**
     * Well-framed Avro whose value is not a record: a schema of a string, number, array, map or enum,
     * or a union whose written branch is not a record. There are no fields to read.
     */
    NOT_A_RECORD
}
