package dev.consentgate.policy;

/** The outcome of a decision for one (event, purpose). */
public enum Verdict {
    /** The legal basis holds at the event's time and at the decision's time: the record, minimized to the purpose's categories, is forwarded. */
    PERMIT,
    /** The customer said nothing that covers the purpose and the purpose redacts: a pseudonymized record is forwarded. */
    REDACT,
    /** The customer said nothing that covers the purpose and the purpose tags: the minimized record is forwarded, marked. */
    TAG,
    /** Nothing is forwarded to the purpose: a "no" from the customer, or nothing said and the purpose drops. */
    DROP
}
