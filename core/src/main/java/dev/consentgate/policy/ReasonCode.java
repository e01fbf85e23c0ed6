package dev.consentgate.policy;

/**
 * Why a decision came out the way it did. Several may apply to one decision. Each constant carries its
 * meaning in plain words: the Javadoc of the code and what {@code consentgate explain} prints.
 *
 * <p>A purpose whose basis is {@code consent} or {@code legitimate_interest} is judged at two times: the
 * event's own and the decision's (the audit record's {@code decidedAt}). The consent record in force at a
 * time is the latest statement captured by then about the purpose, an ancestor, or every purpose (an
 * erasure). The reason given is the event time's, unless only the decision's time gave a "no" or found
 * nothing said that covers the purpose.
 */
public enum ReasonCode {
    CONSENT_GRANTED("A GRANTED consent record for the purpose held at the event's time and at the decision's time."),
    CONSENT_INHERITED("The consent record used was captured for an ancestor of the declared purpose."),
    NO_CONSENT("The customer has consent records, but none for this purpose or its ancestors at the event's time"
            + " (or at the decision's time)."),
    UNKNOWN_CUSTOMER("The customer has no consent record of any kind at the event's time (or at the decision's time)."),
    CONSENT_DENIED("The record in force at the event's time or at the decision's time is DENIED: the record is dropped."),
    CONSENT_WITHDRAWN("The record in force at the event's time or at the decision's time is WITHDRAWN: the record is dropped."),
    CONSENT_EXPIRED("The GRANTED record in force had expired at the event's time or at the decision's time."),
    ERASURE_REQUESTED("The customer requested erasure at or before the event's time or the decision's time: every purpose"
            + " but a legal_obligation one is dropped."),
    ERASED_BUT_LEGAL_OBLIGATION("Basis legal_obligation: permitted although the customer requested erasure at or before the"
            + " event's time or the decision's time, because the law requires this processing."),
    CONSENT_HISTORY_EXPIRED("The event is older than the consent store's history retention: its consent cannot be known."),
    UNKNOWN_PURPOSE("The policy has no rule for the purpose or any of its ancestors."),
    NO_PURPOSE("The event declared an empty list of purposes."),
    PURPOSE_NOT_ALLOWED_FOR_INPUT("The event's input topic may not declare this purpose: its mapping's allowed_purposes do not cover it."),
    CONTRACT("Basis contract: permitted without consent, as no erasure request stands (none was made, or a grant came after it)."),
    LEGAL_OBLIGATION("Basis legal_obligation: permitted without consent."),
    LEGITIMATE_INTEREST("Basis legitimate_interest and no objection at the event's time or at the decision's time."),
    OBJECTION("Basis legitimate_interest, but the customer objected (a DENIED or WITHDRAWN record) at the event's time"
            + " or at the decision's time: the record is dropped."),
    OPT_OUT_NOT_EXERCISED("The customer's recorded jurisdiction (and the event's, if it names one) makes this purpose"
            + " opt-out and the customer had not opted out at the event's time or at the decision's time."),
    OPTED_OUT("The customer's jurisdiction makes this purpose opt-out and the customer opted out (DENIED or WITHDRAWN)"
            + " at the event's time or at the decision's time: the record is dropped."),
    REVIEW_REJECTED("The purpose requires review and a reviewer rejected the held record: it is dropped.");

    private final String meaning;

    ReasonCode(String meaning) {
        this.meaning = meaning;
    }

    /** What the code means, in a sentence an auditor or a data subject can read. */
    public String meaning() {
        return meaning;
    }
}
