package dev.consentgate.policy;

/** One field, by its dotted path from the record's top, that a purpose's output does not carry as it came: removed or transformed. */
public record FieldAction(String field, DataCategory category, RedactionAction action) {
}
