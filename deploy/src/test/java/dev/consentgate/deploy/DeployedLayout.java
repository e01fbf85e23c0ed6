package dev.consentgate.deploy;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.topics.TopicLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

    /** The topics the deployment lets the service read: those of the layout, the signals topic among them (the example policy reads it). */
    List<String> provisionedReadTopics() {
        return List.copyOf(topics.readTopics());
    }

    /** The topics the deployment lets the service write, with their settings: those of the layout. */
    Map<String, Map<String, String>> provisionedWrittenTopics() {
        return new TreeMap<>(topics.writtenTopics());
    }
}
