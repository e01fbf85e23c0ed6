package dev.consentgate.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.consentgate.cli.ConsentGateCommand;
import dev.consentgate.cli.Setup;
import dev.consentgate.cli.StreamsService;
import dev.consentgate.ingest.CustomerPartitions;
import dev.consentgate.policy.KeyedHash;
import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.testing.ApicurioRegistry;
import dev.consentgate.testing.EndToEndRun;
import dev.consentgate.testing.EndToEndScenario;
import dev.consentgate.testing.KafkaBroker;
import dev.consentgate.testing.KafkaTestSupport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.consentgate.cli.ExitCodes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * {@code subject export} against the topics of a real run on three partitions: it reads only the customer's partition
 * of each topic, finds exactly the decisions the scenario expects for the customer and their consent history (a
 * statement produced on the wrong partition included, through the rerouted-consent topic), and nothing of anyone else,
 * also when an attacker keys a record about someone else with the customer's id.
 */
class SubjectExportIT {

    private static final int PARTITIONS = 3;
    private static final String MALLORY = "mallory";

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    private static EndToEndRun run;
    private static EndToEndScenario scenario;
    private static String customer;
    private static int partition;
    private static Path dir;
    /** When the customer's statement produced on another partition was captured. */
    private static Instant misplacedCapturedAt;

    @BeforeAll
    static void recordARunWithAMisplacedStatementAndAForgedOne() throws Exception {
        run = new EndToEndRun(KAFKA.bootstrapServers(), ApicurioRegistry.shared(), "subject-" + UUID.randomUUID().toString().substring(0, 8));
        scenario = new EndToEndScenario(23, 40, 600);
        run.produce(scenario);
        customer = eventsPerCustomer().entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        partition = new CustomerPartitions(PARTITIONS).of(customer);
        try (StreamsService service = StreamsService.start(Setup.of(run.withStateDir(Map.of()), run.policy()), "127.0.0.1", 0)) {
            run.assertOutputsMatch(scenario);
            // After the scenario is decided, so its expectations hold: a purpose no event declares, on another partition.
            misplacedCapturedAt = Instant.ofEpochMilli(Instant.now().minusSeconds(3_600).toEpochMilli());
            long capturedAt = misplacedCapturedAt.toEpochMilli();
            send(statement(customer, customer, "personalize.profiling", capturedAt, "web-banner"), (partition + 1) % PARTITIONS);
            send(statement(customer, MALLORY, "analytics", capturedAt, "attacker"), partition);
            send(statement(MALLORY, MALLORY, "analytics", capturedAt, "attacker"), partition);
            KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), List.of(run.topic("consent.events.rerouted")),
                    records -> records.stream().anyMatch(r -> KafkaTestSupport.key(r).equals(customer)), EndToEndRun.PROCESSING_TIMEOUT);
        }
        dir = Files.createTempDirectory("subject-export-it");
    }

    @Test
    void readsOnlyTheCustomersPartitionOfEachTopic() throws Exception {
        StringWriter err = new StringWriter();
        JsonNode export = export(err);

        long auditRecordsOnThePartition = KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), List.of(run.auditTopic()),
                        records -> records.size() >= scenario.decidedEventIds.size(), EndToEndRun.PROCESSING_TIMEOUT).stream()
                .filter(r -> r.partition() == partition).count();
        List<String> read = new ArrayList<>();
        export.get("read").forEach(source -> read.add(source.get("topic").asText() + "-" + source.get("partition").asInt()));
        assertThat(read).containsExactly(run.topic("consent.events") + "-" + partition,
                run.topic("consent.events.rerouted") + "-" + partition, run.topic("privacy.erasure") + "-" + partition,
                run.auditTopic() + "-" + partition);
        assertThat(export.get("read").get(3).get("recordsRead").asLong()).isEqualTo(auditRecordsOnThePartition)
                .isLessThan(scenario.decidedEventIds.size());
        assertThat(err.toString()).contains(String.format("subject export: %s partition %d: %,d records read, offsets 0 to ",
                run.auditTopic(), partition, auditRecordsOnThePartition));
        assertThat(err.toString().lines()).allMatch(line -> line.contains(" partition " + partition + ": "));
    }

    @Test
    void findsExactlyTheCustomersDecisionsAndConsentHistory() throws Exception {
        JsonNode export = export(new StringWriter());

        Set<String> decisions = new TreeSet<>();
        export.get("decisions").forEach(event -> event.get("purposes").forEach(purpose -> decisions.add(
                event.get("eventId").asText() + " " + purpose.get("purpose").asText() + " " + purpose.get("decision").asText())));
        assertThat(decisions).hasSizeGreaterThan(10).isEqualTo(expectedDecisions());
        List<String> statements = new ArrayList<>();
        export.get("consentHistory").forEach(s -> statements.add(s.get("capturedAt").asText() + " " + s.get("purpose").asText() + " "
                + s.get("status").asText() + (s.get("reroutedFrom").isNull() ? "" : " rerouted")));
        assertThat(statements).containsExactlyInAnyOrderElementsOf(expectedStatements());
    }

    @Test
    void nothingOfAnyoneElseAppearsEvenKeyedByTheCustomersId() throws Exception {
        String json = exportText("json");
        String text = exportText("text");

        KeyedHash keyedHash = new KeyedHash(run.properties().get("consentgate.hmac.key").toString().getBytes(StandardCharsets.UTF_8));
        Set<String> others = new TreeSet<>(eventsPerCustomer().keySet());
        others.add(MALLORY);
        others.remove(customer);
        for (String other : others) {
            assertThat(json).doesNotContain("\"" + other + "\"", keyedHash.hex(other));
            assertThat(text).doesNotContain(other + " ", keyedHash.hex(other));
        }
        assertThat(json).doesNotContain("attacker");
        assertThat(text).doesNotContain("attacker");
        Set<String> customersEvents = expectedDecisions().stream().map(d -> d.split(" ")[0]).collect(Collectors.toSet());
        List<String> exported = new ArrayList<>();
        new ObjectMapper().readTree(json).get("decisions").forEach(event -> exported.add(event.get("eventId").asText()));
        assertThat(customersEvents).containsAll(exported);
    }

    private static JsonNode export(StringWriter err) throws Exception {
        Path out = dir.resolve("export-" + UUID.randomUUID() + ".json");
        assertThat(command(new StringWriter(), err, "--out", out.toString())).as(err.toString()).isZero();
        // Personal data: readable by its owner only, and never written over another file.
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
        assertThat(command(new StringWriter(), new StringWriter(), "--out", out.toString())).isEqualTo(ExitCodes.INVALID_INPUT);
        return new ObjectMapper().readTree(Files.readString(out));
    }

    private static String exportText(String format) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(command(out, err, "--format", format)).as(err.toString()).isZero();
        return out.toString();
    }

    private static int command(StringWriter out, StringWriter err, String... options) throws Exception {
        CommandLine commandLine = ConsentGateCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(List.of("subject", "export", "--config", run.writeConfig(dir, Map.of()).toString(),
                "--customer-id", customer));
        args.addAll(List.of(options));
        return commandLine.execute(args.toArray(String[]::new));
    }

    /** "eventId purpose DECISION" of every purpose of every event of the customer, as the scenario expects it. */
    private static Set<String> expectedDecisions() {
        Set<String> expected = new TreeSet<>();
        for (EndToEndScenario.Message message : scenario.messages) {
            if (message.value() instanceof GenericRecord event && !message.topic().equals("consent.events")
                    && customer.equals(String.valueOf(event.get("customerId")))) {
                String eventId = String.valueOf(event.get("eventId"));
                for (Object purpose : (List<?>) event.get("purposes")) {
                    String decision = scenario.expectedByPurpose.get("crm.purpose." + purpose).getOrDefault(eventId, "drop");
                    expected.add(eventId + " " + purpose + " " + decision.toUpperCase());
                }
            }
        }
        return expected;
    }

    /** "capturedAt purpose STATUS" of the customer's statements: the scenario's and the one produced on another partition. */
    private static List<String> expectedStatements() {
        List<String> expected = new ArrayList<>();
        for (EndToEndScenario.Message message : scenario.messages) {
            if (message.topic().equals("consent.events") && message.key().equals(customer)) {
                ConsentEvent event = (ConsentEvent) message.value();
                expected.add(event.getCapturedAt() + " " + event.getPurpose() + " " + event.getStatus());
            }
        }
        expected.add(misplacedCapturedAt + " personalize.profiling GRANTED rerouted");
        return expected;
    }

    private static Map<String, Long> eventsPerCustomer() {
        return scenario.messages.stream().filter(m -> !m.topic().equals("consent.events") && m.value() != null)
                .collect(Collectors.groupingBy(m -> String.valueOf(((GenericRecord) m.value()).get("customerId")), Collectors.counting()));
    }

    private static EndToEndScenario.Message statement(String key, String customerId, String purpose, long capturedAt, String source) {
        ConsentEvent event = ConsentEvent.newBuilder().setCustomerId(customerId).setPurpose(purpose).setStatus(ConsentStatus.GRANTED)
                .setCapturedAt(Instant.ofEpochMilli(capturedAt)).setJurisdiction("EU").setSource(source).build();
        return new EndToEndScenario.Message("consent.events", key, capturedAt, event, null);
    }

    /** Sends a consent record to an explicit partition, as a producer that partitions otherwise would. */
    private static void send(EndToEndScenario.Message message, int toPartition) {
        ProducerRecord<byte[], byte[]> record = run.serialize(List.of(message)).get(0);
        run.send(List.of(new ProducerRecord<>(record.topic(), toPartition, record.timestamp(), record.key(), record.value())));
    }
}
