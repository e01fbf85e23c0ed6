package dev.consentgate.topology;

/** What reaches the enforcement processor, keyed by customer id: a consent change or a CRM event. */
sealed interface DeciderInput permits ConsentUpdate, PendingEvent, Rejected {
}
