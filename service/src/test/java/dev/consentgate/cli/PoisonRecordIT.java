package dev.consentgate.cli;

import dev.consentgate.testing.EndToEndRun;
import dev.consentgate.testing.KafkaTestSupport;
import dev.consentgate.testing.RunnableJar;
import static dev.consentgate.testing.KafkaTestSupport.header;
import static dev.consentgate.testing.KafkaTestSupport.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.testing.ApicurioRegistry;
import dev.consentgate.testing.KafkaBroker;
import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.serde.AvroSerdeConfig;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import dev.consentgate.serde.ConfluentAvroSerializer;
import dev.consentgate.serde.FramedAvro;
import dev.consentgate.serde.SchemaRegistryClients;
import dev.consentgate.enforce.EnforcementDriver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19 case 12 against the runnable jar, a real broker and a real registry: a value of a string
 * schema, registered in the registry and produced to an input topic and to the consent topic, once
 * stopped {@code consentgate run} with exit 1. Both go to the dead-letter topic as NOT_A_RECORD, the
 * service keeps running, and the events after them are decided.
 */
class PoisonRecordIT {

    private static final Duration PROCESSING_TIMEOUT = Duration.ofSeconds(90);
    private static final String EMAIL = "marketing.communications.email";
    private static final String CUSTOMER = "cust-poison";

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    Path dir;

    @Test
    void stringSchemaValuesOnAnInputAndTheConsentTopicAreDeadLetteredAndTheServiceGoesOn() throws Exception {
        // Given a running service
        ApicurioRegistry registry = ApicurioRegistry.shared();
        String applicationId = "poison-" + UUID.randomUUID().toString().substring(0, 8);
        EndToEndRun run = new EndToEndRun(KAFKA.bootstrapServers(), registry, applicationId);
        Path config = run.writeConfig(dir, Map.of("state.dir", dir.resolve("state").toString()));
        Path policy = run.writePolicy(dir.resolve("policy.yaml"));
        String contacts = run.topic("crm.contacts");
        String consents = run.topic("consent.events");
        try (RunnableJar service = RunnableJar.run(config, policy, dir.resolve("run.log"), List.of())) {
            assertThat(service.awaitReady(PROCESSING_TIMEOUT)).as("ready; log:%n%s", service.log()).isTrue();

            // When string-schema values, registered in the registry as a producer would, arrive before valid records
            Schema string = Schema.create(Schema.Type.STRING);
            var client = SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", registry.ccompatUrl()));
            byte[] poisonContact = FramedAvro.frame(client, contacts, string, "jane.doe@example.com");
            byte[] poisonConsent = FramedAvro.frame(client, consents, string, "GRANTED");
            ConfluentAvroSerializer serializer = new ConfluentAvroSerializer();
            serializer.configure(run.properties(), false);
            ConsentEvent granted = ConsentEvent.newBuilder().setCustomerId(CUSTOMER).setPurpose(EMAIL).setStatus(ConsentStatus.GRANTED)
                    .setCapturedAt(Instant.ofEpochMilli(1_000)).setJurisdiction("EU").build();
            byte[] validConsent = serializer.serialize(consents, granted);
            byte[] validContact = serializer.serialize(contacts, EnforcementDriver.contact("e-after-poison", CUSTOMER, 2_000, EMAIL));
            run.send(List.of(
                    record(contacts, poisonContact, 500),
                    record(consents, poisonConsent, 500),
                    record(consents, validConsent, 1_000),
                    record(contacts, validContact, 2_000)));

            // Then
            List<ConsumerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
            List<ConsumerRecord<byte[], byte[]>> audits = new ArrayList<>();
            int partitions;
            try (KafkaConsumer<byte[], byte[]> consumer = KafkaTestSupport.readCommittedConsumer(KAFKA.bootstrapServers())) {
                partitions = consumer.partitionsFor(contacts).size();
                consumer.subscribe(List.of(run.topic("consent.dlq"), run.auditTopic()));
                Awaitility.await().atMost(PROCESSING_TIMEOUT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                    consumer.poll(Duration.ofMillis(250))
                            .forEach(r -> (r.topic().equals(run.auditTopic()) ? audits : deadLetters).add(r));
                    assertThat(service.isAlive()).as("the service is running; log:%n%s", service.log()).isTrue();
                    assertThat(deadLetters).hasSize(2);
                    assertThat(audits).hasSize(1);
                });
            }
            assertThat(deadLetters).extracting(r -> r.topic() + " " + key(r) + " " + header(r, "consent-dlq-reason") + ": "
                            + header(r, "consent-dlq-detail") + " at " + header(r, "consent-dlq-topic") + "-" + header(r, "consent-dlq-partition")
                            + "@" + header(r, "consent-dlq-offset"))
                    .containsExactlyInAnyOrder(
                            deadLetter(run, contacts, poisonContact, partitions),
                            deadLetter(run, consents, poisonConsent, partitions));
            assertThat(deadLetters).extracting(ConsumerRecord::value).containsExactlyInAnyOrder(poisonContact, poisonConsent);
            DecisionRecord audit = decisionRecord(run, audits.get(0).value());
            assertThat(audit.getEventId()).isEqualTo("e-after-poison");
            assertThat(audit.getDecisions()).extracting(d -> d.getPurpose() + ":" + d.getDecision() + ":" + d.getReasons())
                    .containsExactly(EMAIL + ":PERMIT:[CONSENT_GRANTED]");
            assertThat(service.stop(Duration.ofSeconds(60))).as("exit code; log:%n%s", service.log()).isZero();
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, byte[] value, long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, CUSTOMER.getBytes(StandardCharsets.UTF_8), value);
    }

    /** The dead letter expected for {@code value}: the first record of its key's partition of {@code topic}. */
    private static String deadLetter(EndToEndRun run, String topic, byte[] value, int partitions) {
        // The producer's default partitioner, for a record with a key.
        int partition = Utils.toPositive(Utils.murmur2(CUSTOMER.getBytes(StandardCharsets.UTF_8))) % partitions;
        return run.topic("consent.dlq") + " " + CUSTOMER + " NOT_A_RECORD: NOT_A_RECORD: value on topic '" + topic + "' (schema id "
                + FramedAvro.schemaId(value) + ") is an Avro string, not a record at " + topic + "-" + partition + "@0";
    }

    private static DecisionRecord decisionRecord(EndToEndRun run, byte[] value) {
        Map<String, Object> configs = new HashMap<>(run.properties());
        configs.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        try (ConfluentAvroDeserializer deserializer = new ConfluentAvroDeserializer()) {
            deserializer.configure(configs, false);
            return (DecisionRecord) deserializer.deserialize(run.auditTopic(), value);
        }
    }
}
