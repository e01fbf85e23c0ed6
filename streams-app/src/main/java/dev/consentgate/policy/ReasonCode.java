package dev.consentgate.policy;

/**
 * Why a decision came out the way it did. Several may apply to one decision. Each constant carries its
 * meaning in plain words: the Javadoc of the code and what {@code consentgate explain} prints.
 */
public enum ReasonCode {
    CONSENT_GRANTED("A GRANTED consent record for the purpose held at the event's time."),
    CONSENT_INHERITED("The consent record used was captured for an ancestor of the declared purpose."),
    NO_CONSENT("The customer has consent records, but none for this purpose or its ancestors at the event's time."),
    UNKNOWN_CUSTOMER("The customer has no consent record of any kind at the event's time."),
    CONSENT_DENIED("The record in force at the event's time is DENIED."),
    CONSENT_WITHDRAWN("The record in force at the event's time is WITHDRAWN."),
    CONSENT_EXPIRED("The GRANTED record had expired at the event's time."),
    ERASURE_REQUESTED("The customer requested erasure before the event's time."),
    CONSENT_HISTORY_EXPIRED("The event is older than the consent store's history retention: its consent cannot be known."),
    UNKNOWN_PURPOSE("The policy has no rule for the purpose or any of its ancestors."),
    NO_PURPOSE("The event declared an empty list of purposes."),
    PURPOSE_NOT_ALLOWED_FOR_INPUT("The event's input topic may not declare this purpose: its mapping's allowed_purposes do not cover it."),
    CONTRACT("Basis contract: permitted without consent."),
    LEGAL_OBLIGATION("Basis legal_obligation: permitted without consent."),
    LEGITIMATE_INTEREST("Basis legitimate_interest and no objection on record."),
    OBJECTION("Basis legitimate_interest, but the customer objected (DENIED)."),
    OPT_OUT_NOT_EXERCISED("The customer's jurisdiction makes this purpose opt-out and the customer has not opted out."),
    OPTED_OUT("The customer's jurisdiction makes this purpose opt-out and the customer opted out.");

    private final String meaning;

    ReasonCode(String meaning) {
        this.meaning = meaning;
    }

    /** What the code means, in a sentence an auditor or a data subject can read. */
    public String meaning() {
        return meaning;
    }
}
