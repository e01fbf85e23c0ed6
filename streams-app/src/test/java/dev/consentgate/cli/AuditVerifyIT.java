package dev.consentgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.demo.EmbeddedKafka;
import dev.consentgate.it.ApicurioRegistry;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code consentgate audit verify} against the audit topic of a real run, and against copies of its
 * first partition with one record altered, deleted or moved, as a tamperer with write access might.
 */
class AuditVerifyIT {

    private static EmbeddedKafka kafka;
    private static EndToEndRun run;
    private static List<ConsumerRecord<byte[], byte[]>> partitionZero;
    private static Path dir;
    private static int decided;

    private final StringWriter out = new StringWriter();

    @BeforeAll
    static void recordARun() throws Exception {
        kafka = EmbeddedKafka.start();
        run = new EndToEndRun(kafka, ApicurioRegistry.shared(), "verify-" + UUID.randomUUID().toString().substring(0, 8));
        EndToEndScenario scenario = new EndToEndScenario(13, 100, 600);
        run.produce(scenario);
        decided = scenario.decidedEventIds.size();
        try (StreamsService service = StreamsService.start(run.setup(), "127.0.0.1", 0)) {
            run.assertOutputsMatch(scenario);
        }
        partitionZero = KafkaTestSupport.readCommitted(kafka.bootstrapServers(), List.of(run.auditTopic()),
                        r -> r.size() >= scenario.decidedEventIds.size(), EndToEndRun.PROCESSING_TIMEOUT).stream()
                .filter(r -> r.partition() == 0).sorted(Comparator.comparingLong(ConsumerRecord::offset)).toList();
        dir = Files.createTempDirectory("audit-verify-it");
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
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

    private int verify(String auditTopic) throws Exception {
        Path config = run.writeConfig(dir, Map.of("consentgate.audit.topic", auditTopic));
        CommandLine commandLine = ConsentGateCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        return commandLine.execute("audit", "verify", "--config", config.toString());
    }

    /** Writes partition 0 of the run's audit topic, changed by {@code tamper}, to a new one-partition topic. */
    private static String copyOfPartitionZero(String name, UnaryOperator<List<byte[]>> tamper) throws Exception {
        String topic = run.topic("tampered-" + name);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        List<byte[]> values = tamper.apply(new ArrayList<>(partitionZero.stream().map(ConsumerRecord::value).toList()));
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.producer(kafka.bootstrapServers())) {
            values.forEach(value -> producer.send(new ProducerRecord<>(topic, 0, null, value)));
        }
        return topic;
    }
}
