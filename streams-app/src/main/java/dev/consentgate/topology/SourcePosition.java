package dev.consentgate.topology;

/** Where a record was read: the coordinates an auditor or an operator uses to find it again. */
public record SourcePosition(String topic, int partition, long offset) {
}
