package dev.consentgate.policy;

/** What a purpose gets when its legal basis does not hold for an event. */
public enum MissingConsentAction {
    /** Nothing reaches the purpose topic; the audit record says why. */
    DROP,
    /** An anonymized record reaches the purpose topic: personal fields removed, hashed, masked or generalized. */
    REDACT,
    /** The minimized record reaches the purpose topic unchanged, marked with the decision and reasons. */
    TAG
}
