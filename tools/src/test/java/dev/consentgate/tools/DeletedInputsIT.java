package dev.consentgate.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.consentgate.cli.ConsentGateCommand;
import dev.consentgate.cli.ExitCodes;
import dev.consentgate.cli.Setup;
import dev.consentgate.cli.StreamsService;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.testing.EndToEndRun;
import dev.consentgate.testing.EndToEndScenario;
import dev.consentgate.testing.KafkaBroker;
import dev.consentgate.testing.KafkaTestSupport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * Inputs deleted after they were decided (a short retention, or records deleted for an erasure) are told apart from
 * missing ones: their audit records are counted as "input deleted", and the replay still exits 0 when everything else
 * matches. It takes the policy from the policy topic, as an auditor without the file would.
 */
class DeletedInputsIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @Test
    void auditRecordsOfInputsDeletedSinceAreCountedApartAndTheReplayPasses() throws Exception {
        // Given a recorded run
        String applicationId = "deleted-" + UUID.randomUUID().toString().substring(0, 8);
        EndToEndRun run = new EndToEndRun(KAFKA.bootstrapServers(), "mock://" + applicationId, applicationId);
        EndToEndScenario scenario = new EndToEndScenario(17, 60, 240);
        run.produce(scenario);
        try (StreamsService service = StreamsService.start(Setup.of(run.withStateDir(Map.of()), run.policy()), "127.0.0.1", 0)) {
            run.assertOutputsMatch(scenario);
        }
        List<DecisionRecord> audit = KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), List.of(run.auditTopic()),
                records -> records.size() >= scenario.decidedEventIds.size(), EndToEndRun.PROCESSING_TIMEOUT).stream()
                .map(r -> decode(r.value())).toList();

        // and, after deciding, the first half of the input partition most audit records name is deleted
        DecisionRecord busiest = audit.stream().max(Comparator.comparingLong(r -> audit.stream()
                .filter(o -> o.getInputTopic().equals(r.getInputTopic()) && o.getInputPartition() == r.getInputPartition()).count())).orElseThrow();
        TopicPartition input = new TopicPartition(busiest.getInputTopic(), busiest.getInputPartition());
        List<Long> offsets = audit.stream().filter(r -> r.getInputTopic().equals(input.topic()) && r.getInputPartition() == input.partition())
                .map(DecisionRecord::getInputOffset).sorted().toList();
        long deleteBefore = offsets.get(offsets.size() / 2);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            admin.deleteRecords(Map.of(input, RecordsToDelete.beforeOffset(deleteBefore))).all().get();
        }
        long deleted = offsets.stream().filter(offset -> offset < deleteBefore).count();

        // When the run is replayed, with no policy file
        Path dir = Files.createTempDirectory("deleted-inputs-it");
        Path report = dir.resolve("replay.json");
        StringWriter out = new StringWriter();
        CommandLine commandLine = ConsentGateCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(new StringWriter(), true));
        int exit = commandLine.execute("replay", "--config", run.writeConfig(dir, Map.of()).toString(), "--report", report.toString());

        // Then the audit records of the deleted inputs are counted apart, and everything else matches
        assertThat(exit).as(out.toString()).isEqualTo(ExitCodes.OK);
        JsonNode counts = new ObjectMapper().readTree(report.toFile()).get("counts");
        assertThat(deleted).isPositive();
        assertThat(counts.get("inputDeleted").asLong()).isEqualTo(deleted);
        assertThat(counts.get("matched").asLong()).isEqualTo(scenario.decidedEventIds.size() - deleted);
        assertThat(counts.get("mismatched").asLong()).isZero();
        assertThat(counts.get("auditWithoutInput").asLong()).isZero();
        assertThat(counts.get("missingAudit").asLong()).isZero();
        assertThat(out.toString()).contains(String.format("  input deleted          %12s", String.format("%,d", deleted)));
    }

    private static DecisionRecord decode(byte[] value) {
        try {
            return new SpecificDatumReader<>(DecisionRecord.class).read(null, DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
        } catch (IOException e) {
            throw new AssertionError("not a decision record", e);
        }
    }
}
