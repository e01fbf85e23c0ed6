package dev.consentgate.policy;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed, validated policy. Immutable; its {@code version} and {@code contentHash} go into every
 * decision so a replay can tell which policy made it.
 *
 * @param contentHash   SHA-256 of the policy file's bytes, lowercase hex
 * @param purposes      the purpose rules by purpose key
 * @param jurisdictions jurisdiction rules by code ({@code EU}, {@code US-CA})
 * @param signals       how privacy signals become consent statements; empty when the policy reads no signals
 * @param text          the policy file's bytes, as written to the policy topic so that a replay needs no file
 */
public record Policy(
        String version,
        String contentHash,
        EnforcementMode enforcementMode,
        Map<Purpose, PurposeRule> purposes,
        Map<String, JurisdictionRule> jurisdictions,
        List<InputMapping> inputs,
        Optional<SignalMapping> signals,
        byte[] text) {

    public Policy {
        purposes = Map.copyOf(purposes);
        jurisdictions = Map.copyOf(jurisdictions);
        inputs = List.copyOf(inputs);
        text = text.clone();
    }

    @Override
    public byte[] text() {
        return text.clone();
    }

    /** Equal when every component is, the text compared by content. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Policy that && version.equals(that.version) && contentHash.equals(that.contentHash)
                && enforcementMode == that.enforcementMode && purposes.equals(that.purposes) && jurisdictions.equals(that.jurisdictions)
                && inputs.equals(that.inputs) && signals.equals(that.signals) && Arrays.equals(text, that.text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, contentHash, enforcementMode, purposes, jurisdictions, inputs, signals, Arrays.hashCode(text));
    }

    /** The most specific rule that covers {@code purpose}. */
    public Optional<PurposeRule> ruleFor(Purpose purpose) {
        for (Purpose candidate : purpose.selfAndAncestors()) {
            PurposeRule rule = purposes.get(candidate);
            if (rule != null) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    /**
     * The rule for a customer's jurisdiction code: an exact match, else the region before the first
     * dash ({@code US-CA} falls back to {@code US}); an unknown or missing code is opt-in (fail closed). Of a
     * {@link JurisdictionTie}, what every one of its jurisdictions makes opt-out.
     */
    public JurisdictionRule jurisdiction(String code) {
        if (code == null) {
            return JurisdictionRule.OPT_IN;
        }
        if (JurisdictionTie.isTie(code)) {
            return JurisdictionTie.ruleOf(code, JurisdictionTie.codes(code).stream().map(this::jurisdiction).toList());
        }
        JurisdictionRule exact = jurisdictions.get(code);
        if (exact != null) {
            return exact;
        }
        int dash = code.indexOf('-');
        return dash > 0 ? jurisdictions.getOrDefault(code.substring(0, dash), JurisdictionRule.OPT_IN)
                : JurisdictionRule.OPT_IN;
    }

    public Optional<InputMapping> input(String topic) {
        return inputs.stream().filter(i -> i.topic().equals(topic)).findFirst();
    }

    /** True when a purpose encrypts fields under customers' data keys: the service then needs a key-encryption key. */
    public boolean usesDataKeys() {
        return purposes.values().stream().anyMatch(PurposeRule::usesDataKeys);
    }

    /** True when some purpose's records wait for a reviewer: the review topics are then read and written. */
    public boolean usesReview() {
        return purposes.values().stream().anyMatch(PurposeRule::requiresReview);
    }

    /** The distinct purpose topics, sorted. */
    public List<String> outputTopics() {
        return purposes.values().stream().map(PurposeRule::outputTopic).distinct().sorted(Comparator.naturalOrder()).toList();
    }
}
