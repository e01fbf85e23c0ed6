package dev.consentgate.policy;

import java.util.Set;

/**
 * How a jurisdiction treats consent. Purposes are opt-in (GDPR-like: no consent, no processing)
 * unless listed in {@code optOutPurposes} (CCPA-like: permitted until the customer opts out).
 */
public record JurisdictionRule(String code, Set<Purpose> optOutPurposes) {

    public static final JurisdictionRule OPT_IN = new JurisdictionRule("(opt-in)", Set.of());

    public JurisdictionRule {
        optOutPurposes = Set.copyOf(optOutPurposes);
    }

    public boolean isOptOut(Purpose purpose) {
        // A loop, not a stream: it runs for every consent-based decision, mostly over an empty set.
        for (Purpose optOut : optOutPurposes) {
            if (optOut.covers(purpose)) {
                return true;
            }
        }
        return false;
    }
}
