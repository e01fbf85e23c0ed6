package dev.consentgate.topology;

/**
 * A record bound for the dead-letter topic.
 *
 * @param detail what was wrong, without any of the record's content (it may hold PII)
 */
record Rejected(RejectReason reason, String detail, byte[] rawKey, byte[] rawValue, SourcePosition position)
        implements DeciderInput {
}
