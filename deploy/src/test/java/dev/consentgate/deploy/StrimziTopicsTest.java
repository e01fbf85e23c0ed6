package dev.consentgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrimziTopicsTest {

    private static StrimziManifests strimzi;
    private static DeployedLayout deployed;

    @BeforeAll
    static void load(@TempDir Path secrets) {
        strimzi = StrimziManifests.load(DeployFiles.STRIMZI);
        deployed = DeployedLayout.of(RenderedManifests.of(DeployFiles.KUBERNETES), secrets);
    }

    @Test
    void theTopicsAreExactlyThoseTheDeployedConfigurationAndPolicyReadAndWrite() {
        TreeSet<String> expected = new TreeSet<>(deployed.provisionedReadTopics());
        expected.addAll(deployed.provisionedWrittenTopics().keySet());

        assertThat(new TreeSet<>(strimzi.topics().stream().map(topic -> topic.getSpec().getTopicName()).toList()))
                .containsExactlyElementsOf(expected)
                // The example policy's seven purposes, the three inputs and the eleven topics of ConsentGate's own.
                .hasSize(21)
                .contains("consent.keys", "consent.signals", "privacy.erasure", "consent.review", "consent.review.decisions");
    }

    @Test
    void everyWrittenTopicHasTheSettingsConsentGateCreatesItWith() {
        deployed.provisionedWrittenTopics().forEach((name, settings) ->
                assertThat(config(topic(name))).as(name).containsAllEntriesOf(settings));
        assertThat(config(topic("consent.audit"))).containsEntry("retention.ms", "-1");
        assertThat(config(topic("consent.events.rerouted"))).containsEntry("retention.ms", "-1");
    }

    @Test
    void theConsentAndSignalsTopicsAreKeptForeverAndNeverCompacted() {
        for (String name : List.of(deployed.config().consentTopic(), deployed.config().signalsTopic())) {
            assertThat(config(topic(name))).as(name)
                    .containsOnly(entry("min.insync.replicas", "2"), entry("retention.ms", "-1"));
        }
    }

    @Test
    void theKeysTopicIsCompactedWithinADaySoThatAnErasedCustomersDataKeyIsGoneForGood() {
        assertThat(config(topic(deployed.config().keysTopic())))
                .containsOnly(entry("min.insync.replicas", "2"), entry("cleanup.policy", "compact"), entry("segment.ms", "3600000"),
                        entry("max.compaction.lag.ms", "86400000"), entry("delete.retention.ms", "86400000"));
    }

    @Test
    void theErasureNoticesAreKeptForeverLikeTheAuditTrail() {
        assertThat(config(topic("privacy.erasure")))
                .containsOnly(entry("min.insync.replicas", "2"), entry("retention.ms", "-1"))
                .isEqualTo(config(topic(deployed.config().auditTopic())));
    }

    @Test
    void theReviewDecisionsAreKeptForeverLikeTheAuditTrailAndTheHeldRecordsLikeAPurposeTopic() {
        assertThat(config(topic(deployed.config().reviewDecisionsTopic())))
                .containsOnly(entry("min.insync.replicas", "2"), entry("retention.ms", "-1"));
        assertThat(config(topic(deployed.config().reviewTopic()))).containsOnly(entry("min.insync.replicas", "2"));
    }

    @Test
    void everyTopicHasTheSamePartitionsAndReplicas() {
        assertThat(strimzi.topics()).allSatisfy(topic -> {
            assertThat(topic.getSpec().getPartitions()).as(topic.getSpec().getTopicName()).isEqualTo(6);
            assertThat(topic.getSpec().getReplicas()).as(topic.getSpec().getTopicName()).isEqualTo(3);
            assertThat(topic.getMetadata().getLabels()).containsExactly(entry("strimzi.io/cluster", "my-cluster"));
        });
    }

    @Test
    void aMisspeltFieldIsRefusedByTheStrictModel() {
        assertThatThrownBy(() -> StrimziManifests.parse("""
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata: { name: t }
                spec: { topicName: t, partition: 6 }
                """, KafkaTopic.class)).hasMessageContaining("partition");
    }

    private static KafkaTopic topic(String name) {
        List<KafkaTopic> named = strimzi.topics().stream().filter(topic -> topic.getSpec().getTopicName().equals(name)).toList();
        assertThat(named).as("KafkaTopics of " + name).hasSize(1);
        return named.get(0);
    }

    /** The topic's settings as Kafka takes them: strings (YAML reads -1 as a number, Strimzi passes either). */
    private static Map<String, String> config(KafkaTopic topic) {
        Map<String, String> settings = new HashMap<>();
        topic.getSpec().getConfig().forEach((key, value) -> settings.put(key, String.valueOf(value)));
        return settings;
    }
}
