package dev.consentgate.policy;

/**
 * What a purpose gets when its legal basis does not hold and the customer said nothing that covers it: an
 * unknown customer, no record for the purpose or an ancestor, a lapsed grant, or a history beyond retention.
 * It never applies to a "no" (DENIED, WITHDRAWN, an objection, an erasure): those always drop.
 */
public enum MissingConsentAction {
    /** Nothing reaches the purpose topic; the audit record says why. */
    DROP,
    /** A pseudonymized record reaches the purpose topic: personal fields removed, keyed-hashed, masked or generalized. */
    REDACT,
    /** The minimized record reaches the purpose topic unchanged, marked with the decision and reasons. */
    TAG
}
