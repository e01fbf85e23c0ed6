package dev.consentgate.policy;

/** What happens to a field of a given data category in a redacted record. */
public enum RedactionAction {
    /** The field is absent from the output record. */
    REMOVE,
    /** Replaced by the hex HMAC-SHA256 of its value under the configured key: joinable, not reversible. */
    HASH,
    /** Replaced by a masked string that keeps only a hint of the value ({@code j***@example.com}). */
    MASK,
    /** Replaced by a coarser value: postal code prefix, date or timestamp to its year, number to its decade. */
    GENERALIZE,
    /**
     * Replaced by its text encrypted under the customer's own data key (base64): readable by purpose consumers given
     * the key-encryption key, and by nobody once the customer is erased and the data key destroyed.
     */
    ENCRYPT
}
