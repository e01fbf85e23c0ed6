package dev.consentgate.policy;

import java.util.List;
import java.util.Optional;

/**
 * The decision for one declared purpose of one event.
 *
 * @param rule        the policy rule that applied; empty when no rule covers the purpose
 * @param basis       the legal basis judged; null when no rule applied
 * @param consentUsed the consent record the decision rests on; null when none was in force
 */
public record PurposeVerdict(
        Purpose purpose,
        Optional<PurposeRule> rule,
        Verdict outcome,
        List<ReasonCode> reasons,
        LegalBasis basis,
        ConsentState consentUsed) {

    public PurposeVerdict {
        reasons = List.copyOf(reasons);
    }

    /** True when something is forwarded to the purpose topic under enforcement. */
    public boolean forwards() {
        return outcome != Verdict.DROP;
    }
}
