package dev.consentgate.topics;

import dev.consentgate.policy.InputMapping;
import dev.consentgate.policy.Policy;
import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.config.OwnTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.TopicConfig;

/** The topics a configuration and policy read and write, with the settings ConsentGate creates them with. */
public record TopicLayout(List<String> readTopics, Map<String, Map<String, String>> writtenTopics) {

    /** Consent events and decisions are the legal record: kept until an operator decides otherwise. */
    public static final Map<String, String> KEEP_FOREVER = Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1");

    /** The policy topic: the last record of each key (policy text) is kept for ever, however old. */
    public static final Map<String, String> COMPACTED = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);

    /**
     * Topics and changelogs holding what an erasure must remove for good (data keys, delivery summaries): compacted, and
     * compacted within a day whatever the traffic. Without these bounds a destroyed key could outlive its tombstone in an
     * uncleaned segment for weeks (a segment rolls after 7 days, and a quiet topic is never cleaned): with them, a key is
     * gone within about two days of its erasure (a day to be compacted, a day for the tombstone to be kept).
     */
    public static final Map<String, String> ERASABLE = Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()),
            TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, Long.toString(Duration.ofDays(1).toMillis()),
            TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(1).toMillis()));

    public static TopicLayout of(ConsentGateConfig config, Policy policy) {
        OwnTopics.refuseTaken(config, policy);
        List<String> read = new ArrayList<>();
        read.add(config.consentTopic());
        policy.signals().ifPresent(signals -> read.add(config.signalsTopic()));
        policy.inputs().stream().map(InputMapping::topic).forEach(read::add);
        Map<String, Map<String, String>> written = new TreeMap<>();
        policy.outputTopics().forEach(topic -> written.put(topic, Map.of()));
        written.put(config.auditTopic(), KEEP_FOREVER);
        // Consent events, copied to their customer's partition: as much the legal record as the consent topic.
        written.put(config.reroutedConsentTopic(), KEEP_FOREVER);
        written.put(config.dlqTopic(), Map.of());
        // Created whether or not a signing key is set yet: adding the key later needs no new topic.
        written.put(config.checkpointTopic(), KEEP_FOREVER);
        written.put(config.policiesTopic(), COMPACTED);
        // Created whether or not the policy encrypts yet; compacted, so an erased customer's data key is gone for good.
        written.put(config.keysTopic(), ERASABLE);
        // What was erased, and where it had gone: kept as long as the audit trail that shows the erasure was honoured.
        written.put(config.erasureTopic(), KEEP_FOREVER);
        if (policy.usesReview()) {
            // Held records, like a purpose topic's; and reviewers' decisions, the record of what each reviewer did.
            written.put(config.reviewTopic(), Map.of());
            written.put(config.reviewDecisionsTopic(), KEEP_FOREVER);
        }
        return new TopicLayout(List.copyOf(read), written);
    }

    /**
     * The topics read beside the consent topic whose partition i must answer for the same customers: the rerouted-consent
     * topic, the review-decision topic (a decision goes to its held record's partition) and the inputs keyed by customer id.
     */
    List<String> coPartitioned(Policy policy, ConsentGateConfig config) {
        List<String> topics = new ArrayList<>();
        topics.add(config.consentTopic());
        topics.add(config.reroutedConsentTopic());
        if (policy.usesReview()) {
            topics.add(config.reviewDecisionsTopic());
        }
        policy.inputs().stream().filter(InputMapping::keyedByCustomerId).map(InputMapping::topic).forEach(topics::add);
        return topics;
    }
}
