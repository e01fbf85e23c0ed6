package dev.consentgate.config;

import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PurposeRule;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/** ConsentGate's own topics, which no purpose may write to and no input may be. */
public final class OwnTopics {

    private OwnTopics() {
    }

    /**
     * Refuses a policy whose purposes or inputs use one of ConsentGate's own topics.
     *
     * @throws ConfigException naming each such purpose or input, its topic and the setting that names the topic too
     */
    public static void refuseTaken(ConsentGateConfig config, Policy policy) {
        refusePurposeTopicsTaken(config, policy);
        refuseInputTopicsTaken(config, policy);
    }

    /**
     * Refuses a purpose topic that is one of ConsentGate's own topics, whatever the policy uses: the purpose would read
     * what is written there (raw dead-lettered events, held records, keys), and its records would be taken for that
     * topic's. The policy parser keeps purpose topics apart from each other and from the inputs.
     *
     * @throws ConfigException naming each purpose, its topic and the setting that names the topic too
     */
    static void refusePurposeTopicsTaken(ConsentGateConfig config, Policy policy) {
        Map<String, String> ownTopics = ownTopics(config);
        List<String> collisions = policy.purposes().values().stream()
                .sorted(Comparator.comparingInt(PurposeRule::line))
                .filter(rule -> ownTopics.containsKey(rule.outputTopic()))
                .map(rule -> "purpose " + rule.purpose() + " writes to " + rule.outputTopic() + ", which is "
                        + ownTopics.get(rule.outputTopic()))
                .toList();
        if (!collisions.isEmpty()) {
            throw new ConfigException(String.join("; ", collisions) + ": each purpose needs a topic of its own, apart from "
                    + "ConsentGate's: set another topic for the purpose in the policy, or another topic in the setting");
        }
    }

    /**
     * Refuses an input topic that is one of ConsentGate's own: what ConsentGate writes there (dead letters, held records,
     * audit records) would be read back and decided as CRM events, and reach the purposes.
     */
    static void refuseInputTopicsTaken(ConsentGateConfig config, Policy policy) {
        Map<String, String> ownTopics = ownTopics(config);
        List<String> collisions = policy.inputs().stream()
                .filter(input -> ownTopics.containsKey(input.topic()))
                .map(input -> "input " + input.topic() + " is " + ownTopics.get(input.topic()))
                .toList();
        if (!collisions.isEmpty()) {
            throw new ConfigException(String.join("; ", collisions) + ": ConsentGate would decide what it writes there as events: "
                    + "set another topic in the setting, or read another input");
        }
    }

    /** ConsentGate's own topics, each with what it is and its setting; the first setting wins where two name one topic. */
    private static Map<String, String> ownTopics(ConsentGateConfig config) {
        Map<String, String> topics = new LinkedHashMap<>();
        topics.putIfAbsent(config.consentTopic(), "the consent topic (" + ConsentGateConfig.CONSENT_TOPIC + ")");
        topics.putIfAbsent(config.reroutedConsentTopic(), "the rerouted-consent topic (" + ConsentGateConfig.REROUTED_CONSENT_TOPIC + ")");
        topics.putIfAbsent(config.signalsTopic(), "the signals topic (" + ConsentGateConfig.SIGNALS_TOPIC + ")");
        topics.putIfAbsent(config.auditTopic(), "the audit topic (" + ConsentGateConfig.AUDIT_TOPIC + ")");
        topics.putIfAbsent(config.dlqTopic(), "the dead-letter topic (" + ConsentGateConfig.DLQ_TOPIC + ")");
        topics.putIfAbsent(config.checkpointTopic(), "the audit checkpoint topic (" + ConsentGateConfig.CHECKPOINT_TOPIC + ")");
        topics.putIfAbsent(config.policiesTopic(), "the policy topic (" + ConsentGateConfig.POLICIES_TOPIC + ")");
        topics.putIfAbsent(config.keysTopic(), "the keys topic (" + ConsentGateConfig.KEYS_TOPIC + ")");
        topics.putIfAbsent(config.erasureTopic(), "the erasure topic (" + ConsentGateConfig.ERASURE_TOPIC + ")");
        topics.putIfAbsent(config.reviewTopic(), "the review topic (" + ConsentGateConfig.REVIEW_TOPIC + ")");
        topics.putIfAbsent(config.reviewDecisionsTopic(), "the review-decision topic (" + ConsentGateConfig.REVIEW_DECISIONS_TOPIC + ")");
        return topics;
    }

}
