package dev.consentgate.policy;

/**
 * Why a purpose may process personal data (GDPR Art. 6). A basis that needs the customer's consent or
 * their silence must hold at the event's time and at the decision's time.
 */
public enum LegalBasis {
    /** Needs a GRANTED, unexpired consent record for the purpose (or an ancestor) at the event's time and at the decision's time. */
    CONSENT,
    /** Necessary for a contract with the customer: permitted without consent, until the customer requests erasure. */
    CONTRACT,
    /** Permitted unless the customer objected (a DENIED or WITHDRAWN status for the purpose or an ancestor) or requested erasure. */
    LEGITIMATE_INTEREST,
    /** Required by law: always permitted, after an erasure request too, marked with its basis. */
    LEGAL_OBLIGATION
}
