package dev.consentgate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.reliability.RestartRun.Audited;
import dev.consentgate.testing.ChaosRun;
import dev.consentgate.testing.ChaosSettings;
import dev.consentgate.testing.EndToEndScenario.Message;
import dev.consentgate.testing.KafkaBroker;
import dev.consentgate.testing.RunnableJar;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The application's internal topics name no customer, and its state restores from them. A service reads a consent
 * history, is stopped, and a new instance with an empty state directory restores its stores from the changelogs and
 * decides the scenario's events as computed by hand. Then every internal topic of the application (names starting with
 * its application id: changelogs and repartition topics) is read from the broker's log as a broker administrator would,
 * aborted transactions included, and searched for each raw customer id of the scenario: in the keys of every internal
 * topic, and in the keys and values of the consent-history changelog. The same search finds the ids in the input
 * topics, so it is able to fail.
 */
class PseudonymousStateIT {

    private static final long SEED = 20_261_206L;
    /** Kafka Streams deletes repartition records once committed, every 30 s by default: keep them for the scan. */
    private static final Map<String, String> KEEP_REPARTITION_RECORDS = Map.of("repartition.purge.interval.ms", "3600000");

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @Test
    void aRestoreFromTheChangelogsDecidesAsBeforeAndNoInternalTopicHoldsARawCustomerId() throws Exception {
        ChaosSettings settings = ChaosSettings.fromSystemProperties();
        RestartScenario scenario = new RestartScenario(SEED, settings.customers(), settings.events() / 10);
        Set<String> customerIds = scenario.consents.stream().map(Message::key).collect(Collectors.toCollection(TreeSet::new));
        try (RestartRun run = new RestartRun(KAFKA.bootstrapServers(), "pseudonymous")) {
            // Given a service that has read the whole consent history, stopped
            RunnableJar first = run.start("a", KEEP_REPARTITION_RECORDS);
            run.sendConsentsAndAwaitRead(scenario);
            assertThat(first.stop(Duration.ofSeconds(60))).as("exit code on SIGTERM").isZero();

            // When a new instance starts on an empty state directory, restoring its stores from the changelogs
            ChaosRun.deleteTree(run.stateDir("a"));
            run.start("a", KEEP_REPARTITION_RECORDS);
            run.sendEvents(scenario);

            // Then it decides every event once, the hand-computed ones as computed
            Map<String, Audited> audited = run.awaitAudited(scenario);
            for (RestartScenario.Expected expected : scenario.handComputed) {
                assertThat(audited.get(expected.eventId())).as(expected.eventId()).isNotNull()
                        .satisfies(a -> assertThat(a.decisions()).as("decisions of %s", expected.eventId()).isEqualTo(expected.decisions()))
                        .satisfies(a -> assertThat(a.jurisdiction()).as("jurisdiction of %s", expected.eventId())
                                .isEqualTo(expected.jurisdiction()));
            }

            // And the internal topics hold no raw customer id, where the inputs hold every one
            Map<String, List<ConsumerRecord<byte[], byte[]>>> internal = readWholeLog(run, internalTopics(run));
            String histories = run.applicationId + "-consent-histories-changelog";
            // The grace buffer (no grace here), the data keys (nothing encrypted) and the misplaced events' repartition topic
            // (every contact produced on its customer's partition) stay empty; the others must hold records for the scan to mean
            // anything. The engagement and lead-score events cross the events-by-customer topic.
            for (String topic : List.of(histories, run.applicationId + "-consent-watermarks-changelog",
                    run.applicationId + "-events-by-customer-repartition")) {
                assertThat(internal.get(topic)).as("records of %s", topic).isNotEmpty();
            }

            Map<String, Set<String>> hits = new TreeMap<>();
            internal.forEach((topic, records) -> hits.put(topic + " keys", idsIn(records, customerIds, false)));
            hits.put(histories + " values", idsIn(internal.get(histories), customerIds, true));
            run.report("scanned %,d records of %d internal topics for %,d customer ids", internal.values().stream().mapToInt(List::size).sum(),
                    internal.size(), customerIds.size());
            assertThat(hits).as("raw customer ids found in internal topics").allSatisfy((where, found) ->
                    assertThat(found).as(where).isEmpty());

            Map<String, List<ConsumerRecord<byte[], byte[]>>> inputs = readWholeLog(run, List.of(run.run.topic("consent.events"),
                    run.run.topic("crm.email-engagement")));
            assertThat(idsIn(inputs.get(run.run.topic("consent.events")), customerIds, false))
                    .as("the scan finds every customer id in the consent topic's keys").isEqualTo(customerIds);
            assertThat(idsIn(inputs.get(run.run.topic("crm.email-engagement")), customerIds, true))
                    .as("the scan finds customer ids in the values of an input that is not keyed by them").isNotEmpty();
        }
    }

    /** The application's internal topics: changelogs and repartition topics, all named after its application id. */
    private static List<String> internalTopics(RestartRun run) throws Exception {
        try (Admin admin = Admin.create(clientProperties())) {
            return admin.listTopics().names().get().stream().filter(name -> name.startsWith(run.applicationId + "-")).sorted().toList();
        }
    }

    /** Every record of {@code topics}, as the broker's log holds them: read_uncommitted, so aborted writes count too. */
    private static Map<String, List<ConsumerRecord<byte[], byte[]>>> readWholeLog(RestartRun run, List<String> topics) {
        Properties props = clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "scan-" + UUID.randomUUID());
        Map<String, List<ConsumerRecord<byte[], byte[]>>> byTopic = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                byTopic.put(topic, new ArrayList<>());
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + RestartRun.TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(run.applicationId + ": the internal topics could not be read to their end offsets " + ends);
                }
                consumer.poll(Duration.ofMillis(250)).forEach(record -> byTopic.get(record.topic()).add(record));
            }
        }
        return byTopic;
    }

    /** The customer ids whose UTF-8 bytes occur in the keys (and, with {@code values}, the values) of {@code records}. */
    private static Set<String> idsIn(List<ConsumerRecord<byte[], byte[]>> records, Set<String> customerIds, boolean values) {
        Set<String> found = new TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String key = latin1(record.key());
            String value = values ? latin1(record.value()) : "";
            for (String id : customerIds) {
                if (key.contains(id) || value.contains(id)) {
                    found.add(id);
                }
            }
        }
        return found;
    }

    /** One character per byte, so that a UTF-8 id is found wherever its bytes are, inside any binary encoding. */
    private static String latin1(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static Properties clientProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        return props;
    }
}
