package dev.consentgate.policy;

/** Whether a person must look at a purpose's permitted records before they reach the purpose topic. */
public enum ReviewRequirement {
    /** A permitted, redacted or tagged record goes straight to the purpose topic. */
    NONE,
    /**
     * A record the purpose would get is held on the review topic instead; it reaches the purpose topic only once a
     * reviewer approves it and a fresh decision at the approval still lets it through (GDPR Art. 22).
     */
    REQUIRED
}
