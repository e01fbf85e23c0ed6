package dev.consentgate.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.audit.ChainHash;
import dev.consentgate.audit.CheckpointSigner;
import dev.consentgate.cli.ConsentGateCommand;
import dev.consentgate.cli.ExitCodes;
import dev.consentgate.cli.Setup;
import dev.consentgate.cli.StreamsService;
import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.schema.Decision;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.testing.ApicurioRegistry;
import dev.consentgate.testing.EndToEndRun;
import dev.consentgate.testing.EndToEndScenario;
import dev.consentgate.testing.KafkaBroker;
import dev.consentgate.testing.KafkaTestSupport;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
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
 * Signed checkpoints against a real run: the service signs a checkpoint every 10 audit records of a partition; a copy of
 * audit partition 0 with one PERMIT turned into a DROP and every later link recomputed, as someone who can write to Kafka
 * but lacks the signing key would make it, passes the plain chain check and fails {@code audit verify --public-key}.
 */
class SignedCheckpointsIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    private static final int INTERVAL = 10;
    private static EndToEndRun run;
    private static Path dir;
    private static Path publicKey;
    private static String checkpointTopic;
    private static List<ConsumerRecord<byte[], byte[]>> partitionZero;

    private final StringWriter out = new StringWriter();

    @BeforeAll
    static void recordASignedRun() throws Exception {
        dir = Files.createTempDirectory("signed-checkpoints-it");
        run = new EndToEndRun(KAFKA.bootstrapServers(), ApicurioRegistry.shared(), "signed-" + UUID.randomUUID().toString().substring(0, 8));
        checkpointTopic = run.topic("consent.audit.checkpoints");
        assertThat(command(new StringWriter(), "audit", "keygen", "--out", dir.resolve("keys").toString())).isZero();
        publicKey = dir.resolve("keys").resolve(AuditKeygenCommand.PUBLIC_FILE);
        EndToEndScenario scenario = new EndToEndScenario(13, 100, 600);
        run.produce(scenario);
        try (StreamsService service = StreamsService.start(Setup.of(run.withStateDir(Map.<String, Object>copyOf(signing())),
                run.policy()), "127.0.0.1", 0)) {
            run.assertOutputsMatch(scenario);
        }
        partitionZero = KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), List.of(run.auditTopic()),
                        r -> r.size() >= scenario.decidedEventIds.size(), EndToEndRun.PROCESSING_TIMEOUT).stream()
                .filter(r -> r.partition() == 0).sorted(Comparator.comparingLong(ConsumerRecord::offset)).toList();
    }

    private static Map<String, String> signing() {
        Path keys = dir.resolve("keys");
        return Map.of(ConsentGateConfig.SIGNING_KEY_FILE, keys.resolve(AuditKeygenCommand.PRIVATE_FILE).toString(),
                ConsentGateConfig.SIGNING_PUBLIC_KEY_FILE, keys.resolve(AuditKeygenCommand.PUBLIC_FILE).toString(),
                ConsentGateConfig.CHECKPOINT_TOPIC, checkpointTopic,
                ConsentGateConfig.CHECKPOINT_INTERVAL, Integer.toString(INTERVAL));
    }

    @Test
    void theUntouchedTopicPassesWithItsCheckpoints() throws Exception {
        int exit = verify(run.auditTopic(), checkpointTopic, "--public-key", publicKey.toString());

        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains(run.auditTopic() + ": intact, ").doesNotContain("CHECKPOINT PROBLEM");
        assertThat(out.toString()).containsPattern(checkpointTopic + ": [0-9,]+ checkpoints, [0-9,]+ matching the chain, 0 problems");
    }

    @Test
    void aForgedChainRecomputedWithoutTheKeyFailsOnlyWithThePublicKey() throws Exception {
        int forgedIndex = firstPermitBefore(partitionZero.size() - INTERVAL);
        String copy = forgedCopy(forgedIndex);
        long firstSignedAfter = (forgedIndex / INTERVAL + 1) * INTERVAL - 1;

        int plain = verify(copy, checkpointTopic);
        assertThat(plain).as(out.toString()).isZero();
        assertThat(out.toString()).contains(copy + ": intact, ");

        out.getBuffer().setLength(0);
        int signed = verify(copy, checkpointTopic, "--public-key", publicKey.toString());

        assertThat(signed).as(out.toString()).isEqualTo(ExitCodes.AUDIT_DIFFERENCE);
        assertThat(out.toString()).contains("  CHECKPOINT PROBLEM: audit partition 0 offset " + firstSignedAfter + ": sequence "
                + firstSignedAfter + " has hash ", copy + ": NOT intact, problems in 0 of 1 partitions; the signed checkpoints do not hold");
    }

    @Test
    void withoutCheckpointsThePublicKeyCheckFails() throws Exception {
        String empty = run.topic("no-checkpoints");
        createTopic(empty, 3);

        int exit = verify(run.auditTopic(), empty, "--public-key", publicKey.toString());

        assertThat(exit).isEqualTo(ExitCodes.AUDIT_DIFFERENCE);
        assertThat(out.toString()).contains(empty + ": no checkpoints: the service signs none without " + ConsentGateConfig.SIGNING_KEY_FILE);
    }

    @Test
    void anotherKeyFailsEveryCheckpoint() throws Exception {
        assertThat(command(new StringWriter(), "audit", "keygen", "--out", dir.resolve("other").toString())).isZero();

        int exit = verify(run.auditTopic(), checkpointTopic, "--public-key",
                dir.resolve("other").resolve(AuditKeygenCommand.PUBLIC_FILE).toString());

        assertThat(exit).isEqualTo(ExitCodes.AUDIT_DIFFERENCE);
        assertThat(out.toString()).contains("CHECKPOINT PROBLEM: checkpoint at partition 0 offset ", ": signed with key ")
                .contains(", 0 matching the chain, ");
    }

    @Test
    void aRewriteReSignedWithTheSigningKeyAfterAnAnchorFailsWithTheAnchors() throws Exception {
        Path anchors = Files.createDirectories(dir.resolve("anchors"));
        int anchored = audit("anchor", run.auditTopic(), checkpointTopic, "--anchors", anchors.toString(), "--public-key", publicKey.toString());
        assertThat(anchored).as(out.toString()).isZero();
        assertThat(out.toString()).contains("anchored 3 checkpoints of " + checkpointTopic + " in " + anchors + " as 00000001.cganchor");
        long anchoredSequence = (partitionZero.size() / INTERVAL) * INTERVAL - 1;
        out.getBuffer().setLength(0);
        assertThat(verify(run.auditTopic(), checkpointTopic, "--anchors", anchors.toString())).as(out.toString()).isZero();
        assertThat(out.toString()).contains("anchors in " + anchors + ": 1 anchors, 3 heads, 3 matching the chain, 0 problems");

        // The attacker holds the signing key: a changed decision, the chain recomputed, every checkpoint signed anew.
        int forgedIndex = firstPermitBefore(partitionZero.size() - INTERVAL);
        List<byte[]> forged = forgedValues(forgedIndex);
        String copy = copyToNewTopic("rewritten-" + forgedIndex, forged);
        String resigned = copyToNewTopic("resigned-" + forgedIndex, resignedCheckpoints(forged));
        out.getBuffer().setLength(0);
        assertThat(verify(copy, resigned, "--public-key", publicKey.toString())).as(out.toString()).isZero();

        out.getBuffer().setLength(0);
        int exit = verify(copy, resigned, "--public-key", publicKey.toString(), "--anchors", anchors.toString());

        assertThat(exit).as(out.toString()).isEqualTo(ExitCodes.AUDIT_DIFFERENCE);
        assertThat(out.toString()).contains("  ANCHOR PROBLEM: audit partition 0 offset " + anchoredSequence + ": sequence " + anchoredSequence
                        + " has hash " + ChainHash.hex(ChainHash.storedHash(forged.get((int) anchoredSequence)))
                        + ", the signed checkpoint anchored in 00000001.cganchor says "
                        + ChainHash.hex(ChainHash.storedHash(partitionZero.get((int) anchoredSequence).value())),
                copy + ": NOT intact, problems in 0 of 1 partitions; the anchors do not hold");
    }

    @Test
    void aMissingAnchorDirectoryIsBadInput() throws Exception {
        Path nowhere = dir.resolve("no-such-anchors");

        int exit = verify(run.auditTopic(), checkpointTopic, "--anchors", nowhere.toString());

        assertThat(exit).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(out.toString()).contains("anchor directory " + nowhere + " does not exist or is not a directory");
    }

    /** Checkpoints of partition 0 of {@code chain}, every INTERVAL records, signed with the service's own key. */
    private static List<byte[]> resignedCheckpoints(List<byte[]> chain) throws Exception {
        Path keys = dir.resolve("keys");
        CheckpointSigner signer = CheckpointSigner.fromEncoded(Files.readAllBytes(keys.resolve(AuditKeygenCommand.PRIVATE_FILE)), "private",
                Files.readAllBytes(keys.resolve(AuditKeygenCommand.PUBLIC_FILE)), "public");
        List<byte[]> checkpoints = new ArrayList<>();
        for (int sequence = INTERVAL - 1; sequence < chain.size(); sequence += INTERVAL) {
            byte[] value = chain.get(sequence);
            checkpoints.add(signer.sign(0, sequence, ChainHash.storedHash(value), decode(value).getDecidedAt().toEpochMilli()).encode());
        }
        return checkpoints;
    }

    private static int firstPermitBefore(int limit) throws Exception {
        for (int i = 1; i < limit; i++) {
            if (decode(partitionZero.get(i).value()).getDecisions().stream().anyMatch(d -> d.getDecision() == Decision.PERMIT)) {
                return i;
            }
        }
        throw new AssertionError("no PERMIT in the first " + limit + " audit records of partition 0");
    }

    /**
     * Partition 0 with its record at {@code index} changed from PERMIT to DROP and every link from there on recomputed:
     * a consistent chain that only the signed heads contradict.
     */
    private static String forgedCopy(int index) throws Exception {
        return copyToNewTopic("forged-" + index, forgedValues(index));
    }

    private static List<byte[]> forgedValues(int index) throws Exception {
        List<byte[]> values = new ArrayList<>(partitionZero.stream().map(r -> r.value().clone()).toList());
        DecisionRecord forged = decode(values.get(index));
        forged.getDecisions().stream().filter(d -> d.getDecision() == Decision.PERMIT).findFirst().orElseThrow().setDecision(Decision.DROP);
        values.set(index, encode(Arrays.copyOf(values.get(index), 5), forged));
        for (int i = index; i < values.size(); i++) {
            byte[] value = values.get(i);
            System.arraycopy(ChainHash.storedHash(values.get(i - 1)), 0, value, value.length - 2 * ChainHash.SIZE, ChainHash.SIZE);
            ChainHash.seal(value);
        }
        return values;
    }

    private static String copyToNewTopic(String name, List<byte[]> values) throws Exception {
        String topic = run.topic(name);
        createTopic(topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.producer(KAFKA.bootstrapServers())) {
            values.forEach(value -> producer.send(new ProducerRecord<>(topic, 0, null, value)));
        }
        return topic;
    }

    private static DecisionRecord decode(byte[] value) throws Exception {
        return new SpecificDatumReader<>(DecisionRecord.class).read(null,
                DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
    }

    private static byte[] encode(byte[] header, DecisionRecord record) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(header);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(DecisionRecord.class).write(record, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }

    private static void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    private int verify(String auditTopic, String checkpoints, String... extra) throws Exception {
        return audit("verify", auditTopic, checkpoints, extra);
    }

    private int audit(String subcommand, String auditTopic, String checkpoints, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("audit", subcommand, "--config", run.writeConfig(dir,
                Map.of(ConsentGateConfig.AUDIT_TOPIC, auditTopic, ConsentGateConfig.CHECKPOINT_TOPIC, checkpoints)).toString()));
        args.addAll(List.of(extra));
        CommandLine commandLine = ConsentGateCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(out, true));
        return commandLine.execute(args.toArray(String[]::new));
    }

    private static int command(StringWriter err, String... args) {
        CommandLine commandLine = ConsentGateCommand.commandLine();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}
