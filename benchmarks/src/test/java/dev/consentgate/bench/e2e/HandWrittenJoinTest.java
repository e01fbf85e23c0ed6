package dev.consentgate.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.enforce.EnforcementDriver;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import dev.consentgate.serde.ConfluentAvroSerializer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * The hand-written join is a fair comparison only if it does the same work: on the benchmark's workload it must write
 * the same events to each purpose topic as enforcement, with the same fields. (Enforcement also pseudonymizes
 * analytics records of customers who said nothing, which the join does not; their fields differ, their events do not.)
 */
class HandWrittenJoinTest {

    private static final String ANALYTICS = "crm.purpose.analytics.reporting";
    private static final List<String> PURPOSE_TOPICS = List.of("crm.purpose.marketing.communications.email", ANALYTICS,
            "crm.purpose.personalize.profiling", "crm.purpose.train_ai_system", "crm.purpose.marketing.advertising",
            "crm.purpose.sales.prospecting", "crm.purpose.essential.service");

    private record Sent(String topic, String key, long timestamp, SpecificRecord value) {
    }

    @Test
    void theJoinWritesTheEventsAndFieldsEnforcementWritesToEachPurposeTopic() throws Exception {
        List<Sent> workload = new ArrayList<>();
        new Workload(4_000, 400).generate((topic, key, timestamp, value) -> workload.add(new Sent(topic, key, timestamp, value)));
        // As Kafka Streams merges the preloaded topics: by timestamp, consent first at a tie.
        workload.sort(Comparator.comparingLong(Sent::timestamp).thenComparing(sent -> !sent.topic().equals(Topics.CONSENT)));

        Map<String, List<String>> byEnforcement = enforcement(workload);
        Map<String, List<String>> byJoin = handWrittenJoin(workload);

        assertThat(byJoin.keySet()).isEqualTo(byEnforcement.keySet());
        for (String topic : PURPOSE_TOPICS) {
            List<String> expected = byEnforcement.get(topic);
            List<String> actual = byJoin.get(topic);
            if (topic.equals(ANALYTICS)) {
                expected = expected.stream().map(HandWrittenJoinTest::eventId).toList();
                actual = actual.stream().map(HandWrittenJoinTest::eventId).toList();
            }
            assertThat(actual).as(topic).isEqualTo(expected);
        }
        Map<String, Integer> counts = new TreeMap<>();
        byEnforcement.forEach((topic, records) -> counts.put(topic, records.size()));
        // Every decision path of the workload is taken: 1.65 purpose records per event, as in the benchmark.
        assertThat(counts).isEqualTo(Map.of("crm.purpose.analytics.reporting", 2000, "crm.purpose.essential.service", 1000,
                "crm.purpose.marketing.advertising", 866, "crm.purpose.marketing.communications.email", 1750,
                "crm.purpose.personalize.profiling", 1000, "crm.purpose.sales.prospecting", 0, "crm.purpose.train_ai_system", 0));
    }

    /** Each purpose topic's records as "eventId:field,field,...", its non-null fields in schema order. */
    private static Map<String, List<String>> enforcement(List<Sent> workload) {
        Map<String, List<String>> written = new TreeMap<>();
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy())) {
            for (Sent sent : workload) {
                driver.sendRawWithHeaders(sent.topic(), sent.key(), driver.encode(sent.topic(), sent.value()), sent.timestamp());
            }
            for (String topic : PURPOSE_TOPICS) {
                written.put(topic, driver.records(topic).stream().map(record -> describe(driver.decode(topic, record.value()))).toList());
            }
        }
        return written;
    }

    private static Map<String, List<String>> handWrittenJoin(List<Sent> workload) throws Exception {
        Map<String, Object> registry = Map.of("schema.registry.url", "mock://hand-written-" + UUID.randomUUID());
        ConfluentAvroSerializer serializer = new ConfluentAvroSerializer();
        serializer.configure(registry, false);
        ConfluentAvroDeserializer deserializer = new ConfluentAvroDeserializer();
        deserializer.configure(registry, false);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "hand-written-join");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("hand-written-join").toString());
        Map<String, List<String>> written = new TreeMap<>();
        try (TopologyTestDriver driver = new TopologyTestDriver(HandWrittenJoinTopology.build(registry), props)) {
            var consent = driver.createInputTopic(Topics.CONSENT, new StringSerializer(), new ByteArraySerializer());
            var contacts = driver.createInputTopic(Topics.CONTACTS, new StringSerializer(), new ByteArraySerializer());
            for (Sent sent : workload) {
                (sent.topic().equals(Topics.CONSENT) ? consent : contacts)
                        .pipeInput(sent.key(), serializer.serialize(sent.topic(), sent.value()), sent.timestamp());
            }
            for (String topic : PURPOSE_TOPICS) {
                written.put(topic, driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                        .readValuesToList().stream().map(value -> describe((GenericRecord) deserializer.deserialize(topic, value))).toList());
            }
        }
        return written;
    }

    private static String describe(GenericRecord record) {
        List<String> fields = record.getSchema().getFields().stream()
                .filter(field -> record.get(field.pos()) != null).map(field -> field.name()).toList();
        return record.get("eventId") + ":" + String.join(",", fields);
    }

    private static String eventId(String described) {
        return described.substring(0, described.indexOf(':'));
    }
}
