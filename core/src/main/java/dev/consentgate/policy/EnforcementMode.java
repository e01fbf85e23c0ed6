package dev.consentgate.policy;

/** Whether decisions are enforced or only recorded. */
public enum EnforcementMode {
    /** Decisions are applied: dropped records are not forwarded, redacted records are pseudonymized. */
    ENFORCE,
    /** Every record is forwarded unchanged, tagged with the decision enforcement would have made. */
    SHADOW
}
