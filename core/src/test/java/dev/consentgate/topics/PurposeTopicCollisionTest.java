package dev.consentgate.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.config.TopologySettings;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** A purpose topic is the purpose's access boundary: one of ConsentGate's own topics cannot be it. */
class PurposeTopicCollisionTest {

    private static final Map<String, Object> CONFIGS = Map.of(ConsentGateConfig.HMAC_KEY, "test-hmac-key-0123456789-abcdefghijklmnopqrstuv",
            ConsentGateConfig.REVIEW_TOPIC, "ops.review");

    private static Policy policy(String trainTopic, String reportTopic) {
        return PolicyParser.parse("policy.yaml", ("""
                version: "1"
                purposes:
                  train:
                    basis: consent
                    allow_categories: [user.behavior, system.operations]
                    topic: %s
                  report:
                    basis: contract
                    allow_categories: [system.operations]
                    topic: %s
                inputs:
                  - topic: crm.visits
                    customer_id: { field: customerId }
                    purposes: { field: purposes }
                """).formatted(trainTopic, reportTopic).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aPurposeTopicThatIsOneOfConsentGatesOwnTopicsStopsTheStartNamingThePurposeTheTopicAndItsUse() {
        ConsentGateConfig config = new ConsentGateConfig(CONFIGS);
        Policy policy = policy("consent.dlq", "ops.review");
        String expected = "purpose train writes to consent.dlq, which is the dead-letter topic (consentgate.dlq.topic); "
                + "purpose report writes to ops.review, which is the review topic (consentgate.review.topic): each purpose "
                + "needs a topic of its own, apart from ConsentGate's: set another topic for the purpose in the policy, or "
                + "another topic in the setting";

        assertThatThrownBy(() -> TopicLayout.of(config, policy)).isInstanceOf(ConfigException.class).hasMessage(expected);
        assertThatThrownBy(() -> TopologySettings.of(config, policy)).isInstanceOf(ConfigException.class).hasMessage(expected);
    }

    @Test
    void anInputTopicThatIsOneOfConsentGatesOwnTopicsStopsTheStart() {
        ConsentGateConfig config = new ConsentGateConfig(Map.of(ConsentGateConfig.HMAC_KEY, "test-hmac-key-0123456789-abcdefghijklmnopqrstuv",
                ConsentGateConfig.DLQ_TOPIC, "crm.visits"));
        Policy policy = policy("ml.train", "ops.report");
        String expected = "input crm.visits is the dead-letter topic (consentgate.dlq.topic): ConsentGate would decide what it writes "
                + "there as events: set another topic in the setting, or read another input";

        assertThatThrownBy(() -> TopicLayout.of(config, policy)).isInstanceOf(ConfigException.class).hasMessage(expected);
        assertThatThrownBy(() -> TopologySettings.of(config, policy)).isInstanceOf(ConfigException.class).hasMessage(expected);
    }

    @Test
    void purposeTopicsApartFromConsentGatesOwnAreLaidOut() {
        TopicLayout layout = TopicLayout.of(new ConsentGateConfig(CONFIGS), policy("ml.train", "ops.report"));

        assertThat(layout.writtenTopics()).containsKeys("ml.train", "ops.report", "consent.dlq");
    }
}
