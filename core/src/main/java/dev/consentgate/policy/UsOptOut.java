package dev.consentgate.policy;

/** An opt-out a GPP US section carries, as the policy's {@code signals.gpp} names it. */
public enum UsOptOut {
    /** {@code SaleOptOut}: the customer opted out of the sale of their personal data. */
    SALE,
    /** {@code SharingOptOut}: the customer opted out of sharing for cross-context behavioural advertising (CPRA). */
    SHARING,
    /** {@code TargetedAdvertisingOptOut}: the customer opted out of processing for targeted advertising. */
    TARGETED_ADVERTISING,
    /** {@code SensitiveDataProcessing}: the customer opted out of (or did not consent to) processing of some sensitive data. */
    SENSITIVE_DATA
}
