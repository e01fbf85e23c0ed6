package dev.consentgate.cli;

import dev.consentgate.policy.PolicyLogRecord;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.testing.EndToEndRun;
import dev.consentgate.topics.EarlierRepartitionTopics;
import dev.consentgate.testing.KafkaTestSupport;
import dev.consentgate.testing.RunnableJar;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.testing.KafkaBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** {@code run} and {@code topics create} against a real broker: the start-up checks, idempotent topic creation, SIGTERM. */
class RunCommandIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    Path dir;

    private String prefix;
    private Path config;
    private Path policy;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void writeConfigAndPolicy() throws Exception {
        prefix = "run-" + UUID.randomUUID().toString().substring(0, 8);
        config = writeConfig(KAFKA.bootstrapServers(), "mock://" + prefix);
        policy = Files.writeString(dir.resolve("policy.yaml"), EndToEndRun.examplePolicyFor(prefix));
    }

    private Path writeConfig(String bootstrap, String registry) throws Exception {
        return Files.writeString(dir.resolve("app-" + UUID.randomUUID() + ".properties"), String.join("\n",
                "bootstrap.servers=" + bootstrap,
                "application.id=" + prefix,
                "schema.registry.url=" + registry,
                "consentgate.hmac.key=run-command-it-key-0001-for-the-pseudonym-and-fields",
                "consentgate.consent.topic=" + prefix + ".consent.events",
                "consentgate.signals.topic=" + prefix + ".consent.signals",
                "consentgate.audit.topic=" + prefix + ".consent.audit",
                "consentgate.audit.checkpoints.topic=" + prefix + ".consent.audit.checkpoints",
                "consentgate.policies.topic=" + prefix + ".consent.policies",
                "consentgate.keys.topic=" + prefix + ".consent.keys",
                "consentgate.erasure.topic=" + prefix + ".privacy.erasure",
                "consentgate.dlq.topic=" + prefix + ".consent.dlq",
                // Each test its own rerouted-consent topic: with the default name, the first test to create it fixes its
                // partition count for the tests after it on the class's broker.
                "consentgate.consent.rerouted.topic=" + prefix + ".consent.events.rerouted",
                "state.dir=" + dir.resolve("state"),
                "default.api.timeout.ms=5000",
                "request.timeout.ms=5000", ""));
    }

    private int run(String... args) {
        CommandLine commandLine = ConsentGateCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private void createInputTopics(int consentPartitions, int inputPartitions) throws Exception {
        createTopics(new NewTopic(prefix + ".consent.events", consentPartitions, (short) 1),
                new NewTopic(prefix + ".consent.signals", inputPartitions, (short) 1),
                new NewTopic(prefix + ".crm.contacts", inputPartitions, (short) 1),
                new NewTopic(prefix + ".crm.email-engagement", inputPartitions, (short) 1),
                new NewTopic(prefix + ".crm.lead-scores", inputPartitions, (short) 1));
    }

    /** Creates the topics and waits until the broker lists them: on a loaded machine a new topic is listed a moment later. */
    private static void createTopics(NewTopic... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(topics)).all().get();
            Set<String> names = Arrays.stream(topics).map(NewTopic::name).collect(Collectors.toSet());
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> admin.listTopics().names().get().containsAll(names));
        }
    }

    @Test
    void runStopsWithExitThreeWhenTheBrokerCannotBeReached() throws Exception {
        Path unreachable = writeConfig("127.0.0.1:1", "mock://x");

        int exit = run("run", "--config", unreachable.toString(), "--policy", policy.toString(), "--http-port", "0");

        assertThat(exit).isEqualTo(3);
        assertThat(err.toString().lines()).singleElement().satisfies(line ->
                assertThat(line).startsWith("consentgate: cannot reach Kafka at bootstrap.servers=127.0.0.1:1 within 15 s"));
    }

    @Test
    void runStopsWithExitThreeWhenTheRegistryCannotBeReached() throws Exception {
        Path noRegistry = writeConfig(KAFKA.bootstrapServers(), "http://127.0.0.1:1");

        int exit = run("run", "--config", noRegistry.toString(), "--policy", policy.toString(), "--http-port", "0");

        assertThat(exit).isEqualTo(3);
        assertThat(err.toString()).isEqualTo("consentgate: cannot reach the schema registry at http://127.0.0.1:1: ConnectException" + System.lineSeparator());
    }

    @Test
    void runStopsWithExitFourNamingMissingInputTopics() {
        int exit = run("run", "--config", config.toString(), "--policy", policy.toString(), "--http-port", "0");

        assertThat(exit).isEqualTo(4);
        assertThat(err.toString()).startsWith("consentgate: topic " + prefix + ".consent.events does not exist (ConsentGate reads it); topic "
                + prefix + ".consent.signals does not exist (ConsentGate reads it); topic " + prefix + ".crm.contacts does not exist");
    }

    @Test
    void topicsCreateMakesTheWrittenTopicsLikeTheConsentTopicAndIsIdempotent() throws Exception {
        createInputTopics(2, 2);

        assertThat(run("topics", "create", "--config", config.toString(), "--policy", policy.toString())).isZero();
        assertThat(run("topics", "create", "--config", config.toString(), "--policy", policy.toString())).isZero();

        List<String> lines = out.toString().lines().toList();
        assertThat(lines).filteredOn(l -> l.startsWith("created ")).hasSize(14).contains("created " + prefix + ".consent.audit",
                "created " + prefix + ".consent.audit.checkpoints", "created " + prefix + ".consent.policies");
        assertThat(lines).filteredOn(l -> l.startsWith("exists  ")).hasSize(14);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            TopicDescription audit = admin.describeTopics(List.of(prefix + ".consent.audit")).allTopicNames().get().get(prefix + ".consent.audit");
            assertThat(audit.partitions()).hasSize(2);
            String retention = admin.describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, prefix + ".consent.audit"))).all().get().values().iterator().next()
                    .get("retention.ms").value();
            assertThat(retention).isEqualTo("-1");
            String cleanup = admin.describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, prefix + ".consent.policies"))).all().get().values().iterator().next()
                    .get("cleanup.policy").value();
            assertThat(cleanup).isEqualTo("compact");
        }
    }

    @Test
    void runStopsWithExitFourWhenThePolicyTopicIsMissing() throws Exception {
        createInputTopics(2, 2);
        createTopics(new NewTopic(prefix + ".consent.events.rerouted", 2, (short) 1), new NewTopic(prefix + ".privacy.erasure", 2, (short) 1));

        int exit = run("run", "--config", config.toString(), "--policy", policy.toString(), "--http-port", "0");

        assertThat(exit).isEqualTo(4);
        assertThat(err.toString()).isEqualTo("consentgate: topic " + prefix + ".consent.policies does not exist (ConsentGate writes its "
                + "policy there): `consentgate topics create` creates it (consentgate topics create checks and creates topics)"
                + System.lineSeparator());
    }

    @Test
    void topicsCreateRefusesConsentAndInputTopicsWithDifferentPartitionCounts() throws Exception {
        createInputTopics(3, 2);

        int exit = run("topics", "create", "--config", config.toString(), "--policy", policy.toString());

        assertThat(exit).isEqualTo(4);
        assertThat(err.toString()).contains("must have the same number of partitions", prefix + ".consent.events=3", prefix + ".crm.contacts=2");
    }

    @Test
    void runStopsWithExitFourWhenTheAuditTopicHasOtherPartitionsThanTheConsentTopic() throws Exception {
        createInputTopics(2, 2);
        createTopics(new NewTopic(prefix + ".consent.audit", 1, (short) 1));

        int exit = run("run", "--config", config.toString(), "--policy", policy.toString(), "--http-port", "0");

        assertThat(exit).isEqualTo(4);
        assertThat(err.toString()).startsWith("consentgate: the audit topic " + prefix + ".consent.audit has 1 partitions; it needs as many as "
                + prefix + ".consent.events (2), one hash chain per enforcing task");
    }

    @Test
    void runStopsWithExitFourWhileAnEarlierBuildsRepartitionTopicHoldsEventsNotYetDecided() throws Exception {
        createInputTopics(1, 1);
        assertThat(run("topics", "create", "--config", config.toString(), "--policy", policy.toString())).isZero();
        // What a build with one repartition topic per input left behind when it stopped: two events it moved and never read
        String earlier = prefix + "-input-" + prefix + ".crm.lead-scores-by-customer-repartition";
        createTopics(new NewTopic(earlier, 1, (short) 1));
        KafkaTestSupport.send(KAFKA.bootstrapServers(), List.of(new ProducerRecord<>(earlier, new byte[] {1}, new byte[] {1}),
                new ProducerRecord<>(earlier, new byte[] {2}, new byte[] {2})));

        int exit = run("run", "--config", config.toString(), "--policy", policy.toString(), "--http-port", "0");

        assertThat(exit).isEqualTo(4);
        assertThat(err.toString()).isEqualTo("consentgate: topic " + earlier + " holds 2 events that an earlier ConsentGate build moved "
                + "to their customer's partition and has not decided; this build moves events through " + prefix
                + "-events-by-customer-repartition and would never read them: let the earlier build decide them first "
                + "(docs/operations.md, \"Upgrading to one repartition topic\")" + System.lineSeparator());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            TopicPartition partition = new TopicPartition(earlier, 0);
            admin.alterConsumerGroupOffsets(prefix, Map.of(partition, new OffsetAndMetadata(1))).all().get();
            assertThat(new EarlierRepartitionTopics(admin).problemsBeforeStart(prefix)).singleElement()
                    .satisfies(problem -> assertThat(problem).startsWith("topic " + earlier + " holds 1 events"));
            // Once the earlier build has read them all, the topic no longer stops the start
            admin.alterConsumerGroupOffsets(prefix, Map.of(partition, new OffsetAndMetadata(2))).all().get();
            assertThat(new EarlierRepartitionTopics(admin).problemsBeforeStart(prefix)).isEmpty();
            // unless an instance of the earlier build still reads it: it could write more once this one has started
            try (KafkaConsumer<byte[], byte[]> earlierInstance = KafkaTestSupport.readCommittedConsumer(KAFKA.bootstrapServers(),
                    Map.of("group.id", prefix, "enable.auto.commit", "false"))) {
                earlierInstance.subscribe(List.of(earlier));
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                    earlierInstance.poll(Duration.ofMillis(100));
                    return !earlierInstance.assignment().isEmpty();
                });
                assertThat(new EarlierRepartitionTopics(admin).problemsBeforeStart(prefix)).containsExactly("an instance of an earlier "
                        + "ConsentGate build is still running in group " + prefix + " (it reads " + earlier + "): stop every instance "
                        + "of the earlier build before starting this one (docs/operations.md, \"Upgrading to one repartition topic\")");
            }
            assertThat(new EarlierRepartitionTopics(admin).problemsBeforeStart(prefix)).isEmpty();
        }
    }

    @Test
    void theRunnableJarServesHealthAndStopsWithExitZeroOnSigterm() throws Exception {
        createInputTopics(1, 1);
        assertThat(run("topics", "create", "--config", config.toString(), "--policy", policy.toString())).isZero();
        try (RunnableJar service = RunnableJar.run(config, policy, dir.resolve("run.log"), List.of())) {
            assertThat(service.awaitReady(Duration.ofSeconds(90))).as("ready; log:%n%s", service.log()).isTrue();
            byte[] text = Files.readAllBytes(policy);
            ConsumerRecord<byte[], byte[]> published = KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(),
                    List.of(prefix + ".consent.policies"), records -> !records.isEmpty(), Duration.ofSeconds(30)).get(0);
            assertThat(new String(published.key(), StandardCharsets.UTF_8)).isEqualTo(PolicyParser.parse("policy.yaml", text).contentHash());
            assertThat(published.value()).isEqualTo(text);
            assertThat(KafkaTestSupport.header(published, PolicyLogRecord.VERSION_HEADER)).isEqualTo(PolicyParser.parse("policy.yaml", text).version());

            int exit = service.stop(Duration.ofSeconds(60));

            assertThat(exit).as("exit code; log:%n%s", service.log()).isZero();
        }
    }
}
