package dev.consentgate.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.cli.ConsentGateCommand;
import dev.consentgate.cli.ExitCodes;
import dev.consentgate.cli.Setup;
import dev.consentgate.cli.StreamsService;
import dev.consentgate.client.DecryptingDeserializer;
import dev.consentgate.client.EncryptedFields;
import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.policy.KeyedHash;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentEventType;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import dev.consentgate.testing.EndToEndRun;
import dev.consentgate.testing.EndToEndScenario;
import dev.consentgate.testing.KafkaBroker;
import dev.consentgate.testing.KafkaTestSupport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * Crypto-shredding against a real broker: a purpose consumer reads the encrypted email of its records through the client's
 * deserializer; after the customer's erasure the same records fail with a clear error (or come without the field), the key
 * topic, compacted, no longer holds the key at all, and replay and {@code audit verify} still pass.
 */
class CryptoShreddingIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    /** Shortly before now: the broker's retention (7 days) would delete older records, inputs and consent, while the test reads them. */
    private static final long T0 = Instant.now().minusSeconds(900).toEpochMilli() / 1000 * 1000;
    private static final String MARKETING = "marketing.communications.email";

    @Test
    void recordsDeliveredBeforeAnErasureDecryptBeforeItAndNotAfter() throws Exception {
        String applicationId = "shred-" + UUID.randomUUID().toString().substring(0, 8);
        EndToEndRun run = new EndToEndRun(KAFKA.bootstrapServers(), "mock://" + applicationId, applicationId);
        String yaml = run.policyYaml().replace("allow_categories: [user.contact.email, user.name, user.unique_id, system.operations]",
                "allow_categories: [user.contact.email, user.name, user.unique_id, system.operations]\n"
                        + "    encrypt_categories: [user.contact.email]");
        Policy policy = PolicyParser.parse("policy.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        Path dir = Files.createTempDirectory("crypto-shredding-it");
        Path kek = dir.resolve("kek.json");
        assertThat(command(new StringWriter(), "keys", "kek", "--out", kek.toString())).isEqualTo(ExitCodes.OK);
        String keysTopic = run.topic("consent.keys");
        String purposeTopic = run.topic("crm.purpose." + MARKETING);
        compactQuickly(keysTopic);
        String pseudonym = new KeyedHash(((String) run.properties().get(ConsentGateConfig.HMAC_KEY)).getBytes(StandardCharsets.UTF_8))
                .hex(EncryptedFields.DATA_KEY_REFERENCE_PREFIX + "c-1");

        // Given three customers who consented, and one contact update each, decided by the service
        List<EndToEndScenario.Message> messages = new ArrayList<>();
        for (String customer : List.of("c-1", "c-2", "c-3")) {
            messages.add(consent(customer, T0));
            messages.add(new EndToEndScenario.Message("crm.contacts", customer, T0 + 1000,
                    EndToEndScenario.contact("before-" + customer, customer, T0 + 1000, List.of(MARKETING)), null));
        }
        run.send(run.serialize(messages));
        Map<String, Object> serviceConfig = run.withStateDir(Map.of(ConsentGateConfig.KEK, Files.readString(kek)));
        try (StreamsService service = StreamsService.start(Setup.of(serviceConfig, policy), "127.0.0.1", 0)) {
            // Then the purpose consumer reads each email, decrypted, and the records carry no email in the clear
            Map<String, String> emails = decryptedEmails(run, purposeTopic, kek, "fail", 3);
            assertThat(emails).isEqualTo(Map.of("c-1", "c-1@example.com", "c-2", "c-2@example.com", "c-3", "c-3@example.com"));
            assertThat(KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), List.of(purposeTopic), r -> r.size() >= 3, Duration.ofSeconds(30)))
                    .allSatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8)).doesNotContain("@example.com"));

            // When c-1 asks for erasure, and later customers keep the key topic moving
            run.send(run.serialize(List.of(erasure("c-1", T0 + 2000))));
            Awaitility.await().atMost(EndToEndRun.PROCESSING_TIMEOUT).until(() -> keyRecords(keysTopic).stream()
                    .anyMatch(r -> pseudonym.equals(key(r)) && r.value() == null));

            // Then c-1's record fails with the erasure named, and the others still decrypt
            assertThatThrownBy(() -> decryptedEmails(run, purposeTopic, kek, "fail", 3))
                    .isInstanceOf(RecordDeserializationException.class)
                    .hasStackTraceContaining("the data key of subject " + pseudonym + " was destroyed by an erasure request");
            assertThat(decryptedEmails(run, purposeTopic, kek, "null", 3))
                    .isEqualTo(Map.of("c-1", "(none)", "c-2", "c-2@example.com", "c-3", "c-3@example.com"));
            // and the systems that must delete are told what reached which topic, and where it is
            ConsumerRecord<byte[], byte[]> delivered = KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), List.of(purposeTopic),
                    r -> r.size() >= 3, Duration.ofSeconds(30)).stream().filter(r -> key(r).equals("c-1")).findFirst().orElseThrow();
            GenericRecord notice = erasureNotice(run);
            assertThat(notice.get("customerId").toString()).isEqualTo("c-1");
            assertThat(notice.get("requestedAt")).isEqualTo(T0 + 2000);
            assertThat(notice.get("source").toString()).isEqualTo("privacy-portal");
            assertThat(notice.get("requestTopic").toString()).isEqualTo(run.topic("consent.events"));
            assertThat(notice.get("deliveries").toString()).isEqualTo("[{\"topic\": \"" + purposeTopic + "\", \"recordKey\": \"c-1\", "
                    + "\"records\": 1, \"firstDeliveredAt\": " + (T0 + 1000) + ", \"lastDeliveredAt\": " + (T0 + 1000)
                    + ", \"firstEventId\": \"before-c-1\", \"lastEventId\": \"before-c-1\", \"partition\": " + delivered.partition()
                    + ", \"firstOffset\": " + delivered.offset() + ", \"lastOffset\": " + delivered.offset() + "}]");
            // and the inspection command says the same
            StringWriter decrypted = new StringWriter();
            assertThat(command(decrypted, "decrypt", "--config", run.writeConfig(dir, Map.of(ConsentGateConfig.KEK, Files.readString(kek))).toString(),
                    "--topic", purposeTopic)).as(decrypted.toString()).isEqualTo(ExitCodes.OK);
            List<String> lines = decrypted.toString().lines().filter(line -> line.startsWith("partition ")).toList();
            assertThat(lines).hasSize(3);
            assertThat(lines).filteredOn(line -> line.contains("\"customerId\": \"c-1\""))
                    .singleElement().asString().contains(": erased {").contains("\"email\": null");
            assertThat(lines).filteredOn(line -> line.contains(": decrypted {")).hasSize(2)
                    .anySatisfy(line -> assertThat(line).contains("\"email\": \"c-2@example.com\""));

            // and compaction removes the key and its tombstone from the key topic for good
            int[] next = {4};
            Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                String customer = "c-" + next[0]++;
                run.send(run.serialize(List.of(consent(customer, T0 + 3000),
                        new EndToEndScenario.Message("crm.contacts", customer, T0 + 3001,
                                EndToEndScenario.contact("later-" + customer, customer, T0 + 3001, List.of(MARKETING)), null))));
                return keyRecords(keysTopic).stream().noneMatch(r -> pseudonym.equals(key(r)));
            });
        }

        // and after a restart that restores every store from its changelog (a fresh state directory), the erasure holds: the
        // customer's next event reaches no purpose, they get no data key again, and no second notice is written
        run.send(run.serialize(List.of(new EndToEndScenario.Message("crm.contacts", "c-1", T0 + 5000,
                EndToEndScenario.contact("after-c-1", "c-1", T0 + 5000, List.of(MARKETING)), null))));
        Map<String, Object> restartedConfig = run.withStateDir(Map.of(ConsentGateConfig.KEK, Files.readString(kek)));
        try (StreamsService restarted = StreamsService.start(Setup.of(restartedConfig, policy), "127.0.0.1", 0)) {
            GenericRecord audit = auditOf(run, "after-c-1");
            GenericRecord decision = (GenericRecord) ((List<?>) audit.get("decisions")).get(0);
            assertThat(decision.get("decision").toString()).isEqualTo("DROP");
            assertThat(decision.get("reasons").toString()).isEqualTo("[ERASURE_REQUESTED]");
        }
        assertThat(keyRecords(keysTopic)).noneMatch(r -> pseudonym.equals(key(r)) && r.value() != null);
        erasureNotice(run);

        // and the audit trail still verifies and replays, without the key-encryption key
        Path config = run.writeConfig(dir, Map.of());
        StringWriter out = new StringWriter();
        assertThat(command(out, "audit", "verify", "--config", config.toString())).as(out.toString()).isEqualTo(ExitCodes.OK);
        assertThat(command(out, "replay", "--config", config.toString())).as(out.toString()).isEqualTo(ExitCodes.OK);
    }

    /** Each customer's email as the purpose consumer reads it, "(none)" where the deserializer left it out. */
    private static Map<String, String> decryptedEmails(EndToEndRun run, String topic, Path kek, String onErased, int count) {
        Map<String, Object> settings = new HashMap<>(run.properties());
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, "purpose-reader-" + UUID.randomUUID());
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(DecryptingDeserializer.INNER, ConfluentAvroDeserializer.class.getName());
        settings.put(DecryptingDeserializer.KEK_FILE, kek.toString());
        settings.put(DecryptingDeserializer.KEYS_TOPIC, run.topic("consent.keys"));
        settings.put(DecryptingDeserializer.ON_ERASED, onErased);
        Map<String, String> emails = new HashMap<>();
        // As a purpose consumer configures it: by class name, so the consumer configures it with its own settings.
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, DecryptingDeserializer.class.getName());
        try (KafkaConsumer<byte[], Object> consumer = new KafkaConsumer<>(settings)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (emails.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], Object> record : consumer.poll(Duration.ofMillis(200))) {
                    GenericRecord value = (GenericRecord) record.value();
                    assertThat(record.headers().lastHeader(EncryptedFields.SUBJECT_HEADER)).isNotNull();
                    emails.put(value.get("customerId").toString(), value.get("email") == null ? "(none)" : value.get("email").toString());
                }
            }
        }
        return emails;
    }

    /** The one erasure notice of the run, decoded. */
    private static GenericRecord erasureNotice(EndToEndRun run) {
        String topic = run.topic("privacy.erasure");
        List<ConsumerRecord<byte[], byte[]>> notices = KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), List.of(topic),
                records -> !records.isEmpty(), EndToEndRun.PROCESSING_TIMEOUT);
        assertThat(notices).hasSize(1);
        assertThat(key(notices.get(0))).isEqualTo("c-1");
        try (ConfluentAvroDeserializer values = new ConfluentAvroDeserializer()) {
            values.configure(run.properties(), false);
            return (GenericRecord) values.deserialize(topic, notices.get(0).value());
        }
    }

    /** The audit record of event {@code eventId} (the audit topic's key), decoded. */
    private static GenericRecord auditOf(EndToEndRun run, String eventId) {
        ConsumerRecord<byte[], byte[]> audit = KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), List.of(run.auditTopic()),
                        records -> records.stream().anyMatch(r -> key(r).equals(eventId)), EndToEndRun.PROCESSING_TIMEOUT)
                .stream().filter(r -> key(r).equals(eventId)).findFirst().orElseThrow();
        try (ConfluentAvroDeserializer values = new ConfluentAvroDeserializer()) {
            values.configure(run.properties(), false);
            return (GenericRecord) values.deserialize(run.auditTopic(), audit.value());
        }
    }

    /** Every record the key topic holds now, tombstones included, read to its end. */
    private static List<ConsumerRecord<byte[], byte[]>> keyRecords(String topic) {
        return KafkaTestSupport.readToEnd(KAFKA.bootstrapServers(), topic, Duration.ofSeconds(30));
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.key(), StandardCharsets.UTF_8);
    }

    /** Small segments and no tombstone retention: compaction within seconds, as a test needs and no production topic should. */
    private static void compactQuickly(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            List<AlterConfigOp> ops = List.of(
                    new AlterConfigOp(new ConfigEntry(TopicConfig.SEGMENT_MS_CONFIG, "200"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry(TopicConfig.DELETE_RETENTION_MS_CONFIG, "0"), AlterConfigOp.OpType.SET));
            admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get();
        }
    }

    private static EndToEndScenario.Message consent(String customer, long time) {
        ConsentEvent event = ConsentEvent.newBuilder().setCustomerId(customer).setPurpose(MARKETING).setStatus(ConsentStatus.GRANTED)
                .setCapturedAt(Instant.ofEpochMilli(time)).setJurisdiction("EU").setSource("it").build();
        return new EndToEndScenario.Message("consent.events", customer, time, event, null);
    }

    private static EndToEndScenario.Message erasure(String customer, long time) {
        ConsentEvent event = ConsentEvent.newBuilder().setType(ConsentEventType.ERASURE).setCustomerId(customer).setStatus(ConsentStatus.DENIED)
                .setCapturedAt(Instant.ofEpochMilli(time)).setSource("privacy-portal").build();
        return new EndToEndScenario.Message("consent.events", customer, time, event, null);
    }

    private static int command(StringWriter out, String... args) {
        CommandLine commandLine = ConsentGateCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(out, true));
        return commandLine.execute(args);
    }
}
