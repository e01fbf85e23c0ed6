package dev.consentgate.deploy;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.topics.TopicLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The topics ConsentGate reads and writes as deployed: the real TopicLayout of the ConfigMaps' properties file and policy,
 * so the Strimzi manifests and ACLs cannot drift from the code or the deployed configuration.
 */
record DeployedLayout(String applicationId, ConsentGateConfig config, TopicLayout topics) {

    static DeployedLayout of(RenderedManifests manifests, Path secretsDirectory) {
        ConsentGateConfig config = new ConsentGateConfig(DeployedConfiguration.SERVICE.mountedAt(manifests, secretsDirectory));
        String policy = manifests.configMap("consentgate-policy").getData().get("policy.yaml");
        return new DeployedLayout(DeployedConfiguration.SERVICE.properties(manifests).get("application.id"), config,
                TopicLayout.of(config, PolicyParser.parse("policy.yaml", policy.getBytes(StandardCharsets.UTF_8))));
    }

    /**
     * The topics the deployment lets the service read: those of the layout, the signals topic and the review-decision
     * topic, which the example policy does not read, so that adding a signals section or review needs no new topic or ACL.
     */
    List<String> provisionedReadTopics() {
        List<String> read = new ArrayList<>(topics.readTopics());
        for (String topic : List.of(config.signalsTopic(), config.reviewDecisionsTopic())) {
            if (!read.contains(topic)) {
                read.add(topic);
            }
        }
        return List.copyOf(read);
    }

    /**
     * The topics the deployment lets the service write, with their settings: those of the layout and the review topic (made
     * for review as the review-decision topic is), less the review-decision topic, which only reviewers write.
     */
    Map<String, Map<String, String>> provisionedWrittenTopics() {
        Map<String, Map<String, String>> written = new TreeMap<>(topics.writtenTopics());
        written.putIfAbsent(config.reviewTopic(), Map.of());
        written.remove(config.reviewDecisionsTopic());
        return written;
    }
}
