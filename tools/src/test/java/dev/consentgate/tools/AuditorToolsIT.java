package dev.consentgate.tools;

import dev.consentgate.cli.Setup;
import dev.consentgate.cli.ConsentGateCommand;
import dev.consentgate.cli.ExitCodes;
import dev.consentgate.cli.StreamsService;
import dev.consentgate.testing.EndToEndRun;
import dev.consentgate.testing.EndToEndScenario;
import dev.consentgate.testing.KafkaTestSupport;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.testing.ApicurioRegistry;
import dev.consentgate.testing.KafkaBroker;
import java.io.StringWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * The auditor's commands against the topics of a real run: {@code audit verify} on the audit topic and
 * on copies of its first partition with one record altered, deleted or moved, as a tamperer with write
 * access might; {@code explain} by event id and by customer id.
 */
class AuditorToolsIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    private static EndToEndRun run;
    private static List<ConsumerRecord<byte[], byte[]>> partitionZero;
    private static Path dir;
    private static int decided;
    private static EndToEndScenario scenario;

    private final StringWriter out = new StringWriter();

    @BeforeAll
    static void recordARun() throws Exception {
        run = new EndToEndRun(KAFKA.bootstrapServers(), ApicurioRegistry.shared(), "verify-" + UUID.randomUUID().toString().substring(0, 8));
        scenario = new EndToEndScenario(13, 100, 600);
        run.produce(scenario);
        decided = scenario.decidedEventIds.size();
        try (StreamsService service = StreamsService.start(Setup.of(run.withStateDir(Map.of()), run.policy()), "127.0.0.1", 0)) {
            run.assertOutputsMatch(scenario);
        }
        partitionZero = KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), List.of(run.auditTopic()),
                        r -> r.size() >= scenario.decidedEventIds.size(), EndToEndRun.PROCESSING_TIMEOUT).stream()
                .filter(r -> r.partition() == 0).sorted(Comparator.comparingLong(ConsumerRecord::offset)).toList();
        dir = Files.createTempDirectory("audit-verify-it");
    }

    @Test
    void theAuditTopicOfARunVerifiesIntact() throws Exception {
        int exit = verify(run.auditTopic());

        assertThat(exit).as(out.toString()).isZero();
        assertThat(partitionZero).hasSizeGreaterThan(20);
        assertThat(out.toString()).contains("partition 0, offsets 0 to ", String.format("%,d records, sequences 0 to %d, head ",
                partitionZero.size(), partitionZero.size() - 1), run.auditTopic() + ": intact, " + decided + " records in 3 partitions");
    }

    @Test
    void anAlteredRecordIsLocated() throws Exception {
        String copy = copyOfPartitionZero("altered", records -> {
            byte[] value = records.get(5).clone();
            value[8] ^= 1; // a character of the event id
            records.set(5, value);
            return records;
        });

        assertThat(verify(copy)).isEqualTo(ExitCodes.AUDIT_DIFFERENCE);
        assertThat(out.toString()).contains("FIRST PROBLEM at offset 5: ALTERED: sequence 5: the record's content does not match its hash",
                copy + ": NOT intact, problems in 1 of 1 partitions");
    }

    @Test
    void aDeletedRecordIsLocated() throws Exception {
        String copy = copyOfPartitionZero("deleted", records -> {
            records.remove(5);
            return records;
        });

        assertThat(verify(copy)).isEqualTo(ExitCodes.AUDIT_DIFFERENCE);
        assertThat(out.toString()).contains("FIRST PROBLEM at offset 5: MISSING: sequence 5 is missing before this record");
    }

    @Test
    void reorderedRecordsAreLocated() throws Exception {
        String copy = copyOfPartitionZero("reordered", records -> {
            Collections.swap(records, 5, 6);
            return records;
        });

        assertThat(verify(copy)).isEqualTo(ExitCodes.AUDIT_DIFFERENCE);
        assertThat(out.toString()).contains("FIRST PROBLEM at offset 5: REORDERED: sequence 5 was expected here but stands at offset 6");
    }

    @Test
    void explainTellsWhatHappenedToAnEventFoundByItsId() throws Exception {
        String eventId = scenario.decidedEventIds.get(0);

        int exit = command("explain", "--config", run.writeConfig(dir, Map.of()).toString(), "--event-id", eventId);

        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).startsWith("Event " + eventId + " (" + run.topic("crm."))
                .contains("audit record: " + run.auditTopic() + " partition ", "    why: ", "    sent to: ");
    }

    @Test
    void explainFindsEveryEventOfOneCustomerWithoutPrintingTheCustomerId() throws Exception {
        Map<String, Long> eventsPerCustomer = scenario.messages.stream()
                .filter(m -> !m.topic().equals("consent.events") && m.value() != null)
                .collect(Collectors.groupingBy(m -> String.valueOf(((GenericRecord) m.value()).get("customerId")),
                        Collectors.counting()));
        Map.Entry<String, Long> busiest = eventsPerCustomer.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();

        int exit = command("explain", "--config", run.writeConfig(dir, Map.of()).toString(), "--customer-id", busiest.getKey());

        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains(String.format("%,d events of this customer in %s", busiest.getValue(), run.auditTopic()))
                .doesNotContain(busiest.getKey());
    }

    @Test
    void explainOfAnUnknownEventExitsTwo() throws Exception {
        StringWriter err = new StringWriter();

        int exit = command(err, "explain", "--config", run.writeConfig(dir, Map.of()).toString(), "--event-id", "no-such-event");

        assertThat(exit).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(err.toString()).startsWith("consentgate: no audit record in " + run.auditTopic() + " matches (" + decided + " records read)");
    }

    private int verify(String auditTopic) throws Exception {
        return command("audit", "verify", "--config", run.writeConfig(dir, Map.of("consentgate.audit.topic", auditTopic)).toString());
    }

    private int command(String... args) {
        return command(new StringWriter(), args);
    }

    private int command(StringWriter err, String... args) {
        CommandLine commandLine = ConsentGateCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    /** Writes partition 0 of the run's audit topic, changed by {@code tamper}, to a new one-partition topic. */
    private static String copyOfPartitionZero(String name, UnaryOperator<List<byte[]>> tamper) throws Exception {
        String topic = run.topic("tampered-" + name);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        List<byte[]> values = tamper.apply(new ArrayList<>(partitionZero.stream().map(ConsumerRecord::value).toList()));
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.producer(KAFKA.bootstrapServers())) {
            values.forEach(value -> producer.send(new ProducerRecord<>(topic, 0, null, value)));
        }
        return topic;
    }
}
