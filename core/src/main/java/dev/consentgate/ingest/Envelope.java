package dev.consentgate.ingest;

import java.util.List;

/** What the input mapping reads from a CRM record before any decision: who, what for, when, which. */
public record Envelope(String customerId, List<String> purposes, long eventTime, String eventId, String jurisdiction) {
}
