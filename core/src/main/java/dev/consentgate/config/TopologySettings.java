package dev.consentgate.config;

import dev.consentgate.policy.InputMapping;
import dev.consentgate.policy.HmacKey;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.ValueRedactor;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What the processors need from the configuration and the policy, resolved once at build time. */
public record TopologySettings(
        String consentTopic,
        String reroutedConsentTopic,
        String signalsTopic,
        String auditTopic,
        String dlqTopic,
        Duration historyRetention,
        Duration grace,
        int cachedCustomers,
        HmacKey pseudonymKey,
        HmacKey fieldHashKey,
        Map<String, InputMapping> mappingsByTopic,
        String checkpointTopic,
        int checkpointInterval) {

    public static TopologySettings of(ConsentGateConfig config, Policy policy) {
        return new TopologySettings(
                config.consentTopic(),
                config.reroutedConsentTopic(),
                config.signalsTopic(),
                config.auditTopic(),
                config.dlqTopic(),
                config.historyRetention(),
                config.grace(),
                config.cachedCustomers(),
                config.currentKey(KeyUse.PSEUDONYM),
                config.currentKey(KeyUse.FIELD_HASH),
                policy.inputs().stream().collect(Collectors.toUnmodifiableMap(InputMapping::topic, Function.identity())),
                config.checkpointTopic(),
                config.checkpointInterval());
    }

    public ValueRedactor redactor() {
        return new ValueRedactor(fieldHashKey.hash());
    }
}
