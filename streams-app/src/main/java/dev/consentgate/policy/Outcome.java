package dev.consentgate.policy;

/** The outcome of a decision for one (event, purpose). */
public enum Outcome {
    /** The legal basis holds: the record, minimized to the purpose's categories, is forwarded. */
    PERMIT,
    /** The basis does not hold and the purpose redacts: an anonymized record is forwarded. */
    REDACT,
    /** The basis does not hold and the purpose tags: the minimized record is forwarded, marked. */
    TAG,
    /** Nothing is forwarded to the purpose. */
    DROP
}
