package dev.consentgate.tools;

import dev.consentgate.cli.ExitCodes;
import dev.consentgate.testing.KafkaTestSupport;
import dev.consentgate.cli.AppProperties;
import dev.consentgate.cli.ConsentGateCommand;
import dev.consentgate.cli.Setup;
import dev.consentgate.cli.StreamsService;
import dev.consentgate.testing.EndToEndRun;
import dev.consentgate.testing.EndToEndScenario;
import dev.consentgate.topics.TopicLayout;
import dev.consentgate.topics.TopicProvisioner;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentEventType;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import dev.consentgate.serde.ConfluentAvroSerializer;
import dev.consentgate.serde.FramedAvro;
import dev.consentgate.serde.SchemaRegistryClients;
import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.testing.KafkaBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code consentgate replay} against a recorded run: a real KRaft broker, exactly-once, three
 * partitions, consent that arrives late and out of order, erasures, an input that is repartitioned,
 * and poisoned records. The same inputs are also run for real under a new policy, to check the
 * what-if against it.
 */
class ReplayIT {

    private static final String NEW_VERSION = "2026-12-01.1";
    /**
     * Both live runs read the same preloaded topics; to see consent and events in the same order they
     * must wait for a partition whose records are not fetched yet instead of going on without it
     * (Kafka Streams' default), so that each merges its inputs in timestamp order.
     */
    private static final Map<String, Object> IN_TIMESTAMP_ORDER = Map.of(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 5_000L);

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    private static EndToEndRun run;
    private static EndToEndScenario scenario;
    /** A run without late consent, and the same inputs decided by a real run under the new policy. */
    private static EndToEndRun whatIfRun;
    private static Map<String, Map<String, Long>> newRunDecisions;

    @TempDir
    static Path dir;

    @BeforeAll
    static void recordRuns() throws Exception {
        run = newRun("replay-");
        scenario = new EndToEndScenario(5, 200, 1_500);
        withLateAndOutOfOrderConsent(scenario.messages, new Random(5));
        run.produce(scenario);
        try (StreamsService service = StreamsService.start(Setup.of(run.withStateDir(IN_TIMESTAMP_ORDER), run.policy()), "127.0.0.1", 0)) {
            awaitEveryEvent(scenario, run.auditTopic(), run.topic("consent.dlq"));
        }

        // Late consent makes two live runs differ wherever an event and a late change race for the enforcer; without it,
        // and merging inputs in timestamp order, each event sees the same consent in every run.
        whatIfRun = newRun("what-if-");
        EndToEndScenario inOrder = new EndToEndScenario(6, 200, 1_000);
        whatIfRun.produce(inOrder);
        try (StreamsService service = StreamsService.start(Setup.of(whatIfRun.withStateDir(IN_TIMESTAMP_ORDER), whatIfRun.policy()), "127.0.0.1", 0)) {
            awaitEveryEvent(inOrder, whatIfRun.auditTopic(), whatIfRun.topic("consent.dlq"));
        }
        Map<String, Object> properties = newRunProperties(whatIfRun);
        Policy newPolicy = PolicyParser.parse("new-policy.yaml", newPolicyYaml(whatIfRun).getBytes(StandardCharsets.UTF_8));
        Setup setup = new Setup(properties, new ConsentGateConfig(properties), newPolicy);
        try (Admin admin = Admin.create(AppProperties.toProperties(properties))) {
            new TopicProvisioner(admin).createWrittenTopics(TopicLayout.of(setup.config(), newPolicy), setup.config().consentTopic(), Optional.empty());
        }
        try (StreamsService service = StreamsService.start(setup, "127.0.0.1", 0)) {
            newRunDecisions = decisionCounts(whatIfRun, awaitEveryEvent(inOrder, whatIfRun.topic("new.consent.audit"), whatIfRun.topic("new.consent.dlq")));
        }
    }

    private static EndToEndRun newRun(String prefix) throws Exception {
        String applicationId = prefix + UUID.randomUUID().toString().substring(0, 8);
        return new EndToEndRun(KAFKA.bootstrapServers(), "mock://" + applicationId, applicationId);
    }

    @Test
    void replayOfARecordedRunMatchesEveryDecision() throws Exception {
        // Given a recorded run and its policy file
        Path report = dir.resolve("replay.json");

        // When it is replayed
        Result result = consentgate("replay", "--config", config(run, Map.of()).toString(), "--policy", policyFile("old.yaml", run.policyYaml()).toString(),
                "--report", report.toString());

        // Then every event's decision matches, and every input has an audit record or a dead letter
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
        JsonNode counts = new ObjectMapper().readTree(report.toFile()).get("counts");
        int events = scenario.decidedEventIds.size();
        assertThat(counts.get("events").asLong()).isEqualTo(events);
        assertThat(counts.get("matched").asLong()).isEqualTo(events);
        assertThat(counts.get("mismatched").asLong()).isZero();
        assertThat(counts.get("missingAudit").asLong()).isZero();
        assertThat(counts.get("auditWithoutInput").asLong()).isZero();
        assertThat(counts.get("deadLetteredInputs").asLong()).isEqualTo(scenario.poisonedKeys.size());
        assertThat(result.out()).contains("result: all " + String.format("%,d", events) + " decisions match");
    }

    @Test
    void replayWithoutAPolicyFileTakesThePolicyTheServiceWroteToThePolicyTopic() throws Exception {
        // Given a recorded run, whose service wrote its policy to the policy topic when it started
        Path report = dir.resolve("from-topic.json");

        // When it is replayed without a policy file
        Result result = consentgate("replay", "--config", config(run, Map.of()).toString(), "--report", report.toString());

        // Then every event's decision matches, under the policy read from the topic
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
        JsonNode counts = new ObjectMapper().readTree(report.toFile()).get("counts");
        int events = scenario.decidedEventIds.size();
        assertThat(counts.get("matched").asLong()).isEqualTo(events);
        assertThat(counts.get("mismatched").asLong()).isZero();
        Policy recorded = PolicyParser.parse("old.yaml", run.policyYaml().getBytes(StandardCharsets.UTF_8));
        assertThat(result.out()).contains("policies " + recorded.version() + " (sha256 " + recorded.contentHash().substring(0, 12) + "…)")
                .contains("result: all " + String.format("%,d", events) + " decisions match");
    }

    @Test
    void aPolicyTopicRecordWhoseTextDoesNotHaveItsKeysHashIsRefused() throws Exception {
        // Given a policy topic where someone wrote an edited policy under the key of the one the run decided under
        Policy recorded = PolicyParser.parse("old.yaml", run.policyYaml().getBytes(StandardCharsets.UTF_8));
        byte[] edited = (run.policyYaml() + "\n# slipped in\n").getBytes(StandardCharsets.UTF_8);
        String forgedTopic = run.topic("forged.consent.policies");
        try (Admin admin = Admin.create(AppProperties.toProperties(run.properties()))) {
            admin.createTopics(List.of(new NewTopic(forgedTopic, 1, (short) 1))).all().get();
        }
        KafkaTestSupport.send(KAFKA.bootstrapServers(), List.of(new ProducerRecord<>(forgedTopic, 0,
                recorded.contentHash().getBytes(StandardCharsets.UTF_8), edited)));

        // When the run is replayed from that topic
        Result result = consentgate("replay", "--config", config(run, Map.of(ConsentGateConfig.POLICIES_TOPIC, forgedTopic)).toString());

        // Then the replay refuses, naming the record and both hashes
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(result.err()).contains(forgedTopic + " partition 0 offset 0:0: its text has sha256 "
                + PolicyParser.parse("edited", edited).contentHash() + ", but its key names " + recorded.contentHash() + ": refused");
    }

    @Test
    void forgedAuditRecordsAreReportedAsMismatchesSideBySide() throws Exception {
        // Given a copy of the audit topic in which three recorded decisions were altered
        String forgedTopic = run.topic("forged.consent.audit");
        List<String> forgedEventIds = forgeCopy(forgedTopic, 3);
        Path report = dir.resolve("forged.json");

        // When the copy is replayed
        Result result = consentgate("replay", "--config", config(run, Map.of(ConsentGateConfig.AUDIT_TOPIC, forgedTopic)).toString(),
                "--policy", policyFile("old.yaml", run.policyYaml()).toString(), "--report", report.toString());

        // Then exactly the altered records are mismatches, with the recorded and the replayed decision
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.AUDIT_DIFFERENCE);
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        int events = scenario.decidedEventIds.size();
        assertThat(json.get("counts").get("matched").asLong()).isEqualTo(events - 3);
        assertThat(json.get("counts").get("mismatched").asLong()).isEqualTo(3);
        List<String> reported = new ArrayList<>();
        json.get("mismatches").forEach(m -> {
            reported.add(m.get("eventId").asText());
            assertThat(m.get("differences")).hasSize(1);
            assertThat(m.get("differences").get(0).get("path").asText()).matches("decisions\\[[a-z_.]+]\\.decision");
        });
        assertThat(reported).containsExactlyInAnyOrderElementsOf(forgedEventIds);
        assertThat(result.out()).contains("mismatched                        3").contains("DIFFERENCES FOUND");
    }

    @Test
    void anAuditRecordOfAPolicyNotGivenIsBadInputNamingItsVersionAndHash() throws Exception {
        // Given a policy file that differs from the one the run decided under by one comment
        Policy recorded = PolicyParser.parse("old.yaml", run.policyYaml().getBytes(StandardCharsets.UTF_8));

        // When the run is replayed with it
        Result result = consentgate("replay", "--config", config(run, Map.of()).toString(),
                "--policy", policyFile("edited.yaml", run.policyYaml() + "\n# edited\n").toString());

        // Then the replay refuses, naming the policy the audit records were decided under
        assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(result.err()).contains("version " + recorded.version() + " (sha256 " + recorded.contentHash() + ")");
    }

    /** Issue 19 case 12: a string on the audit topic once threw a ClassCastException out of the replay. */
    @Test
    void aValueOfAStringSchemaOnTheAuditTopicIsBadInputNamingItsPosition() throws Exception {
        // Given an audit topic holding one well-framed string, registered as a producer would
        String poisonedTopic = run.topic("poisoned.consent.audit");
        try (Admin admin = Admin.create(AppProperties.toProperties(run.properties()))) {
            admin.createTopics(List.of(new NewTopic(poisonedTopic, 3, (short) 1))).all().get();
        }
        byte[] poison = FramedAvro.frame(SchemaRegistryClients.fromConfig(run.properties()), poisonedTopic,
                Schema.create(Schema.Type.STRING), "not a decision");
        KafkaTestSupport.send(KAFKA.bootstrapServers(), List.of(new ProducerRecord<>(poisonedTopic, 1, null, poison)));

        // When it is replayed
        Result result = consentgate("replay", "--config", config(run, Map.of(ConsentGateConfig.AUDIT_TOPIC, poisonedTopic)).toString(),
                "--policy", policyFile("old.yaml", run.policyYaml()).toString());

        // Then the replay refuses, naming the record and why
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(result.err()).contains("the audit record at " + poisonedTopic + "-1 offset 0 is not a decision record (NOT_A_RECORD: value on topic '"
                + poisonedTopic + "' (schema id " + FramedAvro.schemaId(poison) + ") is an Avro string, not a record)");
    }

    @Test
    void whatIfCountsEqualTheDecisionsOfARealRunUnderTheNewPolicy() throws Exception {
        // Given a recorded run without late consent, and the counts of a real run of the same inputs under the new policy
        Path report = dir.resolve("what-if.json");

        // When the recorded run is replayed under the new policy
        Result result = consentgate("replay", "--config", config(whatIfRun, Map.of()).toString(), "--policy", policyFile("new.yaml", newPolicyYaml(whatIfRun)).toString(),
                "--diff", "--report", report.toString());

        // Then the new decisions per purpose are those of the real run, and the change is reported by reason
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        Map<String, Map<String, Long>> whatIf = new TreeMap<>();
        json.get("newDecisions").fields().forEachRemaining(purpose -> purpose.getValue().fields().forEachRemaining(decision ->
                whatIf.computeIfAbsent(purpose.getKey(), p -> new TreeMap<>()).put(decision.getKey(), decision.getValue().asLong())));
        assertThat(whatIf).isEqualTo(newRunDecisions);
        long redactToDrop = 0;
        long noConsent = 0;
        for (JsonNode t : json.get("transitions")) {
            if (t.get("purpose").asText().equals("analytics.reporting") && t.get("from").asText().equals("redact")) {
                assertThat(t.get("to").asText()).isEqualTo("drop");
                redactToDrop += t.get("count").asLong();
                noConsent += t.get("reason").asText().equals("NO_CONSENT") ? t.get("count").asLong() : 0;
            }
        }
        assertThat(noConsent).isPositive();
        assertThat(json.get("counts").get("eventsChanged").asLong()).isEqualTo(redactToDrop);
        assertThat(result.out()).contains("analytics.reporting: " + String.format("%,d", noConsent) + " redact → drop, reason NO_CONSENT");
    }

    /** Late consent (captured well before the consent records around it) for random customers, some out of order, and erasures. */
    private static void withLateAndOutOfOrderConsent(List<EndToEndScenario.Message> messages, Random random) {
        List<EndToEndScenario.Message> result = new ArrayList<>();
        boolean eventsStarted = false;
        int consents = 0;
        for (EndToEndScenario.Message message : messages) {
            result.add(message);
            eventsStarted |= !message.topic().equals("consent.events");
            if (eventsStarted && message.topic().equals("consent.events") && ++consents % 3 == 0) {
                String customer = String.format("c-%04d", random.nextInt(200));
                String purpose = List.of(EndToEndScenario.EMAIL, EndToEndScenario.ANALYTICS, EndToEndScenario.TRAINING).get(random.nextInt(3));
                long t = message.timestamp();
                if (consents % 21 == 0) {
                    result.add(consent(customer, purpose, ConsentEventType.ERASURE, ConsentStatus.DENIED, t - 10_000));
                } else {
                    // Two updates of one purpose, arriving late and newest first.
                    result.add(consent(customer, purpose, ConsentEventType.CONSENT, ConsentStatus.WITHDRAWN, t - 20_000));
                    result.add(consent(customer, purpose, ConsentEventType.CONSENT, ConsentStatus.GRANTED, t - 40_000));
                }
            }
        }
        messages.clear();
        messages.addAll(result);
    }

    private static EndToEndScenario.Message consent(String customer, String purpose, ConsentEventType type, ConsentStatus status, long capturedAt) {
        ConsentEvent event = ConsentEvent.newBuilder().setType(type).setCustomerId(customer).setPurpose(purpose).setStatus(status)
                .setCapturedAt(Instant.ofEpochMilli(capturedAt)).setJurisdiction("EU").setSource("replay-it").build();
        return new EndToEndScenario.Message("consent.events", customer, capturedAt, event, null);
    }

    private static List<ConsumerRecord<byte[], byte[]>> awaitEveryEvent(EndToEndScenario scenario, String auditTopic, String dlqTopic) {
        int events = scenario.decidedEventIds.size();
        int poisoned = scenario.poisonedKeys.size();
        List<ConsumerRecord<byte[], byte[]>> read = KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), List.of(auditTopic, dlqTopic),
                r -> r.stream().filter(x -> x.topic().equals(auditTopic)).count() >= events
                        && r.stream().filter(x -> x.topic().equals(dlqTopic)).count() >= poisoned, EndToEndRun.PROCESSING_TIMEOUT);
        List<ConsumerRecord<byte[], byte[]>> audit = read.stream().filter(r -> r.topic().equals(auditTopic)).toList();
        assertThat(audit).as("audit records of %s", auditTopic).hasSize(events);
        return audit;
    }

    /** Decisions per purpose and decision in audit records, as the replay report names them. */
    private static Map<String, Map<String, Long>> decisionCounts(EndToEndRun run, List<ConsumerRecord<byte[], byte[]>> audit) {
        ConfluentAvroDeserializer deserializer = new ConfluentAvroDeserializer();
        deserializer.configure(run.properties(), false);
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : audit) {
            GenericRecord value = (GenericRecord) deserializer.deserialize(record.topic(), record.value());
            for (Object d : (List<?>) value.get("decisions")) {
                GenericRecord decision = (GenericRecord) d;
                counts.computeIfAbsent(decision.get("purpose").toString(), p -> new TreeMap<>())
                        .merge(decision.get("decision").toString(), 1L, Long::sum);
            }
        }
        return counts;
    }

    /** Copies the audit topic partition by partition, altering the first purpose decision of the first {@code count} records of partition 0 and 1. */
    private static List<String> forgeCopy(String forgedTopic, int count) throws Exception {
        try (Admin admin = Admin.create(AppProperties.toProperties(run.properties()))) {
            admin.createTopics(List.of(new NewTopic(forgedTopic, 3, (short) 1))).all().get();
        }
        List<ConsumerRecord<byte[], byte[]>> audit = new ArrayList<>(KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(),
                List.of(run.auditTopic()), r -> r.size() >= scenario.decidedEventIds.size(), EndToEndRun.PROCESSING_TIMEOUT, Duration.ZERO));
        audit.sort(Comparator.comparingInt((ConsumerRecord<byte[], byte[]> r) -> r.partition()).thenComparingLong(ConsumerRecord::offset));
        ConfluentAvroDeserializer deserializer = new ConfluentAvroDeserializer();
        deserializer.configure(run.properties(), false);
        ConfluentAvroSerializer serializer = new ConfluentAvroSerializer();
        serializer.configure(run.properties(), false);
        List<String> forged = new ArrayList<>();
        Map<Integer, Integer> forgedPerPartition = new HashMap<>();
        List<ProducerRecord<byte[], byte[]>> copy = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : audit) {
            byte[] value = record.value();
            if (forged.size() < count && forgedPerPartition.getOrDefault(record.partition(), 0) < 2) {
                GenericRecord decoded = (GenericRecord) deserializer.deserialize(record.topic(), value);
                GenericRecord first = (GenericRecord) ((List<?>) decoded.get("decisions")).get(0);
                String was = first.get("decision").toString();
                first.put("decision", new GenericData.EnumSymbol(first.getSchema().getField("decision").schema(), was.equals("PERMIT") ? "DROP" : "PERMIT"));
                value = serializer.serialize(forgedTopic, decoded);
                forged.add(decoded.get("eventId").toString());
                forgedPerPartition.merge(record.partition(), 1, Integer::sum);
            }
            copy.add(new ProducerRecord<>(forgedTopic, record.partition(), record.timestamp(), record.key(), value, record.headers()));
        }
        run.send(copy);
        return forged;
    }

    private static Map<String, Object> newRunProperties(EndToEndRun run) throws Exception {
        Map<String, Object> properties = run.properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, properties.get(StreamsConfig.APPLICATION_ID_CONFIG) + "-new");
        properties.put(ConsentGateConfig.AUDIT_TOPIC, run.topic("new.consent.audit"));
        properties.put(ConsentGateConfig.DLQ_TOPIC, run.topic("new.consent.dlq"));
        properties.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("consentgate-replay-it").toString());
        properties.putAll(IN_TIMESTAMP_ORDER);
        return properties;
    }

    /** The run's policy with a new version, its own output topics, and analytics dropped instead of redacted without consent. */
    private static String newPolicyYaml(EndToEndRun run) {
        String old = run.policyYaml();
        String changed = old.replace("version: \"2026-12-06.1\"", "version: \"" + NEW_VERSION + "\"")
                .replace("output_topic_prefix: " + run.topic("crm.purpose."), "output_topic_prefix: " + run.topic("new.crm.purpose."))
                .replace("    on_missing_consent: redact\n", "    on_missing_consent: drop\n");
        assertThat(changed).isNotEqualTo(old).contains(NEW_VERSION).contains(run.topic("new.crm.purpose."));
        return changed;
    }

    private static Path policyFile(String name, String yaml) throws Exception {
        return Files.writeString(dir.resolve(name), yaml);
    }

    private static Path config(EndToEndRun run, Map<String, String> overrides) throws Exception {
        Map<String, Object> properties = new TreeMap<>(run.properties());
        properties.putAll(overrides);
        String text = properties.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"));
        return Files.writeString(dir.resolve("app-" + UUID.randomUUID() + ".properties"), text + "\n");
    }

    private record Result(int exitCode, String out, String err) {
    }

    private static Result consentgate(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine commandLine = ConsentGateCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }
}
