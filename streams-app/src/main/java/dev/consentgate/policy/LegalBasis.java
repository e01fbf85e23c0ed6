package dev.consentgate.policy;

/** Why a purpose may process personal data (GDPR Art. 6). */
public enum LegalBasis {
    /** Needs a GRANTED consent record for the purpose (or an ancestor) at the event's time. */
    CONSENT,
    /** Necessary for a contract with the customer: always permitted, marked with its basis. */
    CONTRACT,
    /** Permitted unless the customer objected (a DENIED status for the purpose or an ancestor). */
    LEGITIMATE_INTEREST,
    /** Required by law: always permitted, marked with its basis. */
    LEGAL_OBLIGATION
}
