package dev.consentgate.ingest;

/** Why a record went to the dead-letter topic instead of being decided. */
public enum RejectReason {
    /** Fewer bytes than the wire format's header. */
    TRUNCATED,
    /** The first byte is not the Confluent wire format's magic byte 0. */
    BAD_MAGIC_BYTE,
    /** The registry does not know the record's schema id. */
    UNKNOWN_SCHEMA_ID,
    /** The bytes are not Avro of the schema they name. */
    MALFORMED_AVRO,
    /** Well-framed Avro whose value is not a record (a string, number, array, map, enum or non-record union branch): it has no envelope. */
    NOT_A_RECORD,
    /** A null value (tombstone) where an event was expected. */
    NULL_VALUE,
    /** The input mapping's customer id is absent or empty. */
    MISSING_CUSTOMER_ID,
    /** The input mapping's purposes are absent (an empty list is decided, with NO_PURPOSE). */
    MISSING_PURPOSES,
    /** A declared purpose is not a dotted key of lowercase words. */
    INVALID_PURPOSE,
    /** The input mapping's event time is absent. */
    MISSING_EVENT_TIME,
    /** The event time is negative or not a timestamp. */
    INVALID_EVENT_TIME,
    /**
     * The input mapping's customer id, event id or jurisdiction holds something other than a string, int or long (a record,
     * map, array, bytes): it would be written out as text, and the event id passes to every purpose whatever its category.
     * Also an event id field that the schema or the mapping categorizes as personal data (its own category or its parent's).
     */
    INVALID_ENVELOPE_FIELD,
    /**
     * The event's time, or the capture time of a grant (a consent event's, or a signal's that grants), lies further after
     * the record's Kafka timestamp than {@code consentgate.time.max.ahead.ms} allows: taken, it would move its partition's
     * decisions into the future. A refusal dated that far ahead counts from the bound instead; a signal's refusals do even
     * when its grants make the record a dead letter.
     */
    TIME_AHEAD_OF_RECORD,
    /** The record's schema has a {@code data_category} property that is not a valid category: its fields cannot be minimized safely. */
    INVALID_DATA_CATEGORY,
    /** A consent event that lacks a purpose, or whose key is not its customer id (it would sit on the wrong partition). */
    INVALID_CONSENT_EVENT,
    /**
     * A privacy signal that cannot be decoded (a TC or GPP string the IAB's decoder refuses, a GPC value other than 1 or 0),
     * or a signal record without a customer id, kind, value or capture time. It states nothing.
     */
    MALFORMED_SIGNAL,
    /** A record of the review-decision topic that is not a readable {@code ReviewDecision} keyed by its review id. */
    MALFORMED_REVIEW_DECISION,
    /**
     * A reviewer's decision on a review id under which nothing is held: never held, decided already (a duplicate), or
     * written to another partition than the one the id names. Nothing is forwarded.
     */
    REVIEW_NOT_HELD,
    /** An unexpected error while deciding the record (a defect, or a record shape ConsentGate does not handle); the detail names the exception type. */
    PROCESSING_ERROR
}
