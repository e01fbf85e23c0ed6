package dev.consentgate.tools;

import dev.consentgate.cli.ConsentGateCommand;
import dev.consentgate.cli.ExitCodes;
import dev.consentgate.cli.Setup;
import dev.consentgate.cli.StreamsService;
import dev.consentgate.testing.EndToEndScenario;
import dev.consentgate.testing.KafkaTestSupport;
import dev.consentgate.testing.EndToEndRun;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.consentgate.testing.KafkaBroker;
import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.ingest.CustomerPartitions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Consent and events produced as a Python or Go client does by default (librdkafka's CRC32 partitioner, not the
 * murmur2 of Java producers and Kafka Streams): most land on another partition than their customer's. The service
 * must still decide every event exactly as the scenario expects, copy each misplaced consent event once to the
 * rerouted-consent topic, count what it moved, and leave a run the replay matches in full.
 */
class ForeignPartitionerIT {

    private static final int PARTITIONS = 4;
    private static final Map<String, Object> CRC32_PRODUCER =
            Map.of(ProducerConfig.PARTITIONER_CLASS_CONFIG, Crc32Partitioner.class.getName());
    private static final Pattern MISPLACED_SERIES =
            Pattern.compile("consentgate_misplaced_records_total\\{([^}]*)} ([0-9.E+]+)");
    private static final Pattern TOPIC_LABEL = Pattern.compile("topic=\"([^\"]*)\"");

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    Path dir;

    @Test
    void recordsPartitionedByCrc32AreDecidedOnTheirCustomersPartitionCopiedOnceCountedAndReplayedInFull() throws Exception {
        String applicationId = "foreign-" + UUID.randomUUID().toString().substring(0, 8);
        EndToEndRun run = new EndToEndRun(KAFKA.bootstrapServers(), "mock://" + applicationId, applicationId, PARTITIONS);
        EndToEndScenario scenario = new EndToEndScenario(13, 300, 3_000);
        CustomerPartitions home = new CustomerPartitions(PARTITIONS);
        String consentTopic = run.topic("consent.events");
        String contactsTopic = run.topic("crm.contacts");
        String reroutedTopic = run.topic("consent.events.rerouted");
        assertThat(run.properties()).containsEntry(ConsentGateConfig.REROUTED_CONSENT_TOPIC, reroutedTopic);
        List<EndToEndScenario.Message> consent = scenario.messages.stream().filter(m -> m.topic().equals("consent.events")).toList();
        List<EndToEndScenario.Message> events = scenario.messages.stream().filter(m -> !m.topic().equals("consent.events")).toList();

        // Given consent put where CRC32 puts it: most of it on another partition than its customer's
        run.send(run.serialize(consent), CRC32_PRODUCER);
        List<ConsumerRecord<byte[], byte[]>> consentRead = readAll(consentTopic, consent.size());
        assertOnCrc32Partitions(consentRead);
        Set<String> misplacedConsent = consentRead.stream().filter(r -> home.isMisplaced(KafkaTestSupport.key(r), r.partition()))
                .map(r -> r.topic() + "-" + r.partition() + "@" + r.offset()).collect(Collectors.toSet());
        assertThat(misplacedConsent.size()).as("consent records off their customer's partition, of %s", consent.size())
                .isGreaterThan(consent.size() / 2);

        Map<String, Long> misplacedCounted;
        try (StreamsService service = StreamsService.start(Setup.of(run.withStateDir(Map.of()), run.policy()), "127.0.0.1", 0)) {
            // Then each misplaced consent event is copied once, to its customer's partition, naming where it came from:
            // the copies commit with the consent records' offsets, so all are there once those are committed.
            awaitConsumed(applicationId, consentRead);
            List<ConsumerRecord<byte[], byte[]>> copies = readToEnd(reroutedTopic);
            assertThat(copies.size()).as("copies of the %s misplaced consent records", misplacedConsent.size()).isEqualTo(misplacedConsent.size());
            assertThat(copies.stream().filter(copy -> copy.partition() != home.of(KafkaTestSupport.key(copy))).count())
                    .as("copies off their customer's partition").isZero();
            Set<String> origins = copies.stream().map(r -> String.valueOf(KafkaTestSupport.header(r, "consent-rerouted-from"))).collect(Collectors.toSet());
            assertThat(origins.size()).as("distinct origins of the copies").isEqualTo(copies.size());
            assertThat(origins.stream().filter(o -> !misplacedConsent.contains(o)).limit(10).toList()).as("copies of no misplaced record").isEmpty();
            // A copy is applied a commit after the consent event it copies: events produced meanwhile would race it,
            // as they race consent that arrives late. The scenario's model knows all consent of an event's time.
            awaitConsumed(applicationId, copies);

            // When the events are put where CRC32 puts them
            run.send(run.serialize(events), CRC32_PRODUCER);
            List<ConsumerRecord<byte[], byte[]>> eventsRead = readAll(events.stream().map(m -> run.topic(m.topic())).distinct().toList(), events.size());
            assertOnCrc32Partitions(eventsRead);
            Set<String> poisoned = new HashSet<>(scenario.poisonedKeys);
            List<ConsumerRecord<byte[], byte[]>> contacts = eventsRead.stream()
                    .filter(r -> r.topic().equals(contactsTopic) && !poisoned.contains(KafkaTestSupport.key(r))).toList();
            long misplacedContacts = contacts.stream().filter(r -> home.isMisplaced(KafkaTestSupport.key(r), r.partition())).count();
            assertThat(misplacedContacts).as("contacts off their customer's partition, of %s", contacts.size())
                    .isGreaterThan(contacts.size() / 2);

            // Then every purpose topic, the audit and the dead letters hold exactly what the scenario expects
            run.assertOutputsMatch(scenario);
            misplacedCounted = misplacedCounts(scrape(service.httpPort()));
            // and the counter names every moved record: misplaced consent, and misplaced contacts (a topic keyed by customer id)
            assertThat(misplacedCounted).isEqualTo(Map.of(consentTopic, (long) misplacedConsent.size(), contactsTopic, misplacedContacts));
            System.out.printf("foreign partitioner: %d of %d consent records and %d of %d contacts misplaced; counted %s%n",
                    misplacedConsent.size(), consent.size(), misplacedContacts, contacts.size(), misplacedCounted.values());
        }

        // When the run is replayed, Then every decision matches
        Path report = dir.resolve("replay.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine replay = ConsentGateCommand.commandLine();
        replay.setOut(new PrintWriter(out, true));
        replay.setErr(new PrintWriter(err, true));
        int exitCode = replay.execute("replay", "--config", run.writeConfig(dir, Map.of()).toString(),
                "--policy", run.writePolicy(dir.resolve("policy.yaml")).toString(), "--report", report.toString());
        assertThat(exitCode).as(err.toString()).isEqualTo(ExitCodes.OK);
        JsonNode counts = new ObjectMapper().readTree(report.toFile()).get("counts");
        int decided = scenario.decidedEventIds.size();
        assertThat(counts.get("events").asLong()).isEqualTo(decided);
        assertThat(counts.get("matched").asLong()).isEqualTo(decided);
        assertThat(counts.get("mismatched").asLong()).isZero();
        assertThat(counts.get("missingAudit").asLong()).isZero();
        assertThat(counts.get("auditWithoutInput").asLong()).isZero();
        assertThat(counts.get("deadLetteredInputs").asLong()).isEqualTo(scenario.poisonedKeys.size());
        System.out.printf("foreign partitioner: replay matched %d of %d%n", counts.get("matched").asLong(), decided);
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int count) {
        return readAll(List.of(topic), count);
    }

    /** The records the test produced, read back to see which partition each is on. */
    private List<ConsumerRecord<byte[], byte[]>> readAll(List<String> topics, int count) {
        List<ConsumerRecord<byte[], byte[]>> read = KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), topics,
                r -> r.size() >= count, EndToEndRun.PROCESSING_TIMEOUT, Duration.ZERO);
        assertThat(read).hasSize(count);
        return read;
    }

    /** The producer did use the CRC32 partitioner: a record on a partition by its key is one the test can count. */
    private static void assertOnCrc32Partitions(List<ConsumerRecord<byte[], byte[]>> records) {
        assertThat(records.stream().filter(r -> r.partition() != Crc32Partitioner.partition(r.key(), PARTITIONS)).count())
                .as("records off their CRC32 partition").isZero();
    }

    private static List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic) {
        return KafkaTestSupport.readToEnd(KAFKA.bootstrapServers(), topic, EndToEndRun.PROCESSING_TIMEOUT);
    }

    /** Waits until the service has committed, so applied, every one of the records. */
    private static void awaitConsumed(String applicationId, List<ConsumerRecord<byte[], byte[]>> records) {
        Map<TopicPartition, Long> next = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            next.merge(new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max);
        }
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            Awaitility.await().atMost(EndToEndRun.PROCESSING_TIMEOUT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                        .partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, Long> behind = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
                next.forEach((tp, offset) -> {
                    OffsetAndMetadata c = committed.get(tp);
                    if (c == null || c.offset() < offset) {
                        behind.put(tp, offset);
                    }
                });
                assertThat(behind).as("partitions not yet committed up to their last record").isEmpty();
            });
        }
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static Map<String, Long> misplacedCounts(String scrape) {
        Map<String, Long> counts = new TreeMap<>();
        Matcher series = MISPLACED_SERIES.matcher(scrape);
        while (series.find()) {
            Matcher topic = TOPIC_LABEL.matcher(series.group(1));
            assertThat(topic.find()).as(series.group()).isTrue();
            counts.merge(topic.group(1), (long) Double.parseDouble(series.group(2)), Long::sum);
        }
        return counts;
    }
}
