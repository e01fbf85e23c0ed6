package dev.consentgate.policy;

/** A consent record's status as the decision function sees it. */
public enum ConsentChoice {
    /** The customer agreed to the purpose. */
    GRANTED,
    /** The customer refused the purpose, or objected to it (legitimate interest). */
    DENIED,
    /** The customer took back an earlier grant. */
    WITHDRAWN,
    /** The customer asked for erasure: every purpose but a legal obligation stops, until a later statement about it. */
    ERASED
}
