package dev.consentgate.enforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
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
    void theEnforcerOwnsTheConsentHistoryAndGraceStoresAndRepartitionTopicsAreNamedPerInputAndConsentIsReroutedThroughItsOwnTopic() {
        String description = exampleTopology().describe().toString();

        String enforcer = description.lines().filter(l -> l.contains("Processor: enforcer")).findFirst().orElseThrow();
        assertThat(enforcer).contains("consent-histories", "consent-watermarks", "grace-buffer");
        // Contacts are keyed by customer id: only those a producer put on another partition take their repartition topic
        assertThat(description).contains(
                "input-crm.contacts-by-customer-repartition",
                "input-crm.email-engagement-by-customer-repartition",
                "input-crm.lead-scores-by-customer-repartition",
                "Processor: input-crm.contacts-placement-misplaced",
                "Processor: consent-rerouter",
                "Source: consent-rerouted-source (topics: [consent.events.rerouted])");
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
