package dev.consentgate.policy;

import java.util.List;

/**
 * Where an input mapping reads one envelope value from a CRM record.
 *
 * @param name   field path (dotted, for nested records) or header name; unused for the other kinds
 * @param values the values of a {@link Kind#FIXED} source
 */
public record ValueSource(Kind kind, String name, List<String> values) {

    /** The places a value can come from. */
    public enum Kind {
        /** A field of the record value, by dotted path. */
        FIELD,
        /** A record header, UTF-8; for purposes a comma-separated list. */
        HEADER,
        /** The record key, UTF-8. */
        KEY,
        /** Fixed values from the policy (purposes only). */
        FIXED,
        /** The Kafka record timestamp (event time only). */
        TIMESTAMP
    }

    public ValueSource {
        values = List.copyOf(values);
    }

    public static ValueSource field(String path) {
        return new ValueSource(Kind.FIELD, path, List.of());
    }

    public static ValueSource header(String name) {
        return new ValueSource(Kind.HEADER, name, List.of());
    }

    public static ValueSource key() {
        return new ValueSource(Kind.KEY, null, List.of());
    }

    public static ValueSource fixed(List<String> values) {
        return new ValueSource(Kind.FIXED, null, values);
    }

    public static ValueSource timestamp() {
        return new ValueSource(Kind.TIMESTAMP, null, List.of());
    }
}
