package dev.consentgate.enforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.errors.TopologyException;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/** Internal topic and store names are part of the deployment: a refactoring must not change them. */
class TopologyNamesTest {

    private static Topology exampleTopology() {
        return EnforcementTopology.build(
                PolicyParser.parse("example-policy.yaml", EnforcementDriver.examplePolicy().getBytes(StandardCharsets.UTF_8)),
                Map.of("schema.registry.url", "mock://names", ConsentGateConfig.HMAC_KEY, EnforcementDriver.HMAC_KEY));
    }

    @Test
    void everyProcessorStoreAndInternalTopicHasAChosenName() {
        TopologyDescription description = exampleTopology().describe();

        assertThat(description.toString()).doesNotContain("KSTREAM-", "KTABLE-", "KSTORE-");
    }

    @Test
    void theEnforcerOwnsTheConsentHistoryAndGraceStoresAndEventsToMoveShareOneRepartitionTopicAndConsentIsReroutedThroughItsOwnTopic() {
        String description = exampleTopology().describe().toString();

        String enforcer = description.lines().filter(l -> l.contains("Processor: enforcer")).findFirst().orElseThrow();
        assertThat(enforcer).contains("consent-histories", "consent-watermarks", "grace-buffer");
        // Contacts are keyed by customer id: only those a producer put on another partition leave the task, and come back
        // with the events of the inputs not keyed by customer id, through one repartition topic
        assertThat(description).contains(
                "Sink: events-misplaced-repartition-sink (topic: events-misplaced-repartition)",
                "Source: events-misplaced-repartition-source (topics: [events-misplaced-repartition])",
                "Source: events-by-customer-repartition-source (topics: [events-by-customer-repartition])",
                "Processor: input-crm.contacts-placement-misplaced",
                "Processor: consent-rerouter",
                "Source: consent-rerouted-source (topics: [consent.events.rerouted])");
        assertThat(description).doesNotContain("input-crm.email-engagement-by-customer", "input-crm.lead-scores-by-customer");
    }

    @Test
    void theEnforcersTaskReadsOnePartitionOfEventsToMoveWhateverTheNumberOfInputs() {
        TopologyDescription.Subtopology enforcing = exampleTopology().describe().subtopologies().stream()
                .filter(subtopology -> subtopology.nodes().stream().anyMatch(node -> node.name().equals(EnforcementTopology.ENFORCER)))
                .findFirst().orElseThrow();

        Set<String> read = enforcing.nodes().stream().filter(TopologyDescription.Source.class::isInstance)
                .flatMap(node -> ((TopologyDescription.Source) node).topicSet().stream()).collect(Collectors.toCollection(TreeSet::new));

        // Every input partition the task reads costs it work before each record, even when empty
        assertThat(read).containsExactly("consent.events", "consent.events.rerouted", "crm.contacts", "events-by-customer-repartition");
    }

    @Test
    void kafkaStreamsFindsEveryInternalResourceNamedUnderTheServicesDefaults() {
        Map<String, Object> settings = new HashMap<>(StreamsDefaults.defaults());
        settings.putAll(Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "names", StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092",
                "schema.registry.url", "mock://names", ConsentGateConfig.HMAC_KEY, EnforcementDriver.HMAC_KEY));

        assertThatCode(() -> EnforcementTopology.build(PolicyParser.parse("example-policy.yaml",
                EnforcementDriver.examplePolicy().getBytes(StandardCharsets.UTF_8)), settings)).doesNotThrowAnyException();

        // The check is live under those settings: a store named by its position is refused.
        StreamsBuilder unnamed = new StreamsBuilder(new TopologyConfig(new StreamsConfig(settings)));
        unnamed.<String, String>stream("in").groupByKey().count();
        assertThatThrownBy(unnamed::build).isInstanceOf(TopologyException.class).hasMessageContaining("has not been named");
    }
}
