package dev.consentgate.config;

import dev.consentgate.client.DataKeys;
import dev.consentgate.client.KeyEncryptionKey;
import dev.consentgate.policy.InputMapping;
import dev.consentgate.policy.HmacKey;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.ValueRedactor;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;

/** What the processors need from the configuration and the policy, resolved once at build time. */
public record TopologySettings(
        String consentTopic,
        String reroutedConsentTopic,
        String signalsTopic,
        String auditTopic,
        String dlqTopic,
        Duration historyRetention,
        Duration grace,
        Duration timeMaxAhead,
        int cachedCustomers,
        HmacKey pseudonymKey,
        HmacKey fieldHashKey,
        HmacKey stateKey,
        Map<String, InputMapping> mappingsByTopic,
        String checkpointTopic,
        int checkpointInterval,
        String keysTopic,
        Optional<DataKeys> dataKeys,
        String erasureTopic,
        String reviewTopic,
        String reviewDecisionsTopic) {

    public static TopologySettings of(ConsentGateConfig config, Policy policy) {
        OwnTopics.refuseTaken(config, policy);
        return new TopologySettings(
                config.consentTopic(),
                config.reroutedConsentTopic(),
                config.signalsTopic(),
                config.auditTopic(),
                config.dlqTopic(),
                config.historyRetention(),
                grace(config, policy),
                config.timeMaxAhead(),
                config.cachedCustomers(),
                config.currentKey(KeyUse.PSEUDONYM),
                config.currentKey(KeyUse.FIELD_HASH),
                config.currentKey(KeyUse.STATE),
                policy.inputs().stream().collect(Collectors.toUnmodifiableMap(InputMapping::topic, Function.identity())),
                config.checkpointTopic(),
                config.checkpointInterval(),
                config.keysTopic(),
                dataKeys(config, policy),
                config.erasureTopic(),
                config.reviewTopic(),
                config.reviewDecisionsTopic());
    }

    /**
     * The grace period, which review cannot have yet: a reviewer's approval is decided when it is read, so a withdrawal
     * captured before it but still within the grace period would not count for it, and the record would be let through.
     */
    private static Duration grace(ConsentGateConfig config, Policy policy) {
        if (policy.usesReview() && !config.grace().isZero()) {
            throw new ConfigException(ConsentGateConfig.GRACE_MS + " is " + config.grace().toMillis() + " but the policy has a purpose "
                    + "with review: required, whose approvals are decided when they are read, without waiting for consent changes "
                    + "still within the grace period: set " + ConsentGateConfig.GRACE_MS + "=0, or remove review: required");
        }
        return config.grace();
    }

    /** The data keys, when the policy encrypts: then a key-encryption key is required, and its absence stops the start. */
    private static Optional<DataKeys> dataKeys(ConsentGateConfig config, Policy policy) {
        if (!policy.usesDataKeys()) {
            return Optional.empty();
        }
        KeyEncryptionKey kek = config.keyEncryptionKey().orElseThrow(() -> new ConfigException("the policy encrypts fields (encrypt in "
                + "redact, or encrypt_categories) but no key-encryption key is configured: set " + ConsentGateConfig.KEK));
        return Optional.of(new DataKeys(kek));
    }

    public ValueRedactor redactor() {
        return new ValueRedactor(fieldHashKey.hash());
    }
}
