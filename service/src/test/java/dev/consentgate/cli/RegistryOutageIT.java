package dev.consentgate.cli;

import dev.consentgate.testing.EndToEndRun;
import dev.consentgate.testing.EndToEndScenario;
import dev.consentgate.testing.KafkaTestSupport;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.testing.ApicurioRegistry;
import dev.consentgate.testing.KafkaBroker;
import java.util.Map;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The schema registry going away mid-run, against a real broker and a real registry: records in a
 * schema version the service has not fetched yet wait for it (retries in place, then fresh stream
 * threads resuming from the last commit), and once it is back every output is exactly as expected,
 * nothing is dead-lettered for the outage, and the service never stopped.
 */
class RegistryOutageIT {

    /** ContactUpdated v2 with one more optional field: a BACKWARD-compatible version the service first meets during the outage. */
    private static final Schema CONTACT_V3 = contactV3();

    @TempDir
    static Path registryStorage;

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    private static ApicurioRegistry registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        // Its own registry, stopped and started by this test, keeping its schemas and ids in a file
        // across the restart, as a production registry does.
        registry = ApicurioRegistry.onFreePortWithFileStorage(registryStorage);
        registry.start();
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        registry.close();
    }

    @Test
    void recordsInASchemaFirstMetWhileTheRegistryIsDownWaitForItAndNoneIsLostDuplicatedOrDeadLettered() throws Exception {
        String applicationId = "e2e-outage-" + UUID.randomUUID().toString().substring(0, 8);
        EndToEndRun run = new EndToEndRun(KAFKA.bootstrapServers(), registry, applicationId);
        EndToEndScenario scenario = new EndToEndScenario(13, 100, 600);
        List<EndToEndScenario.Message> beforeOutage = scenario.messages.subList(0, scenario.messages.size() / 2);
        List<EndToEndScenario.Message> duringOutage = scenario.messages.subList(scenario.messages.size() / 2, scenario.messages.size());

        // Given a service that has decided the first half of the traffic, so it has every schema of that half cached
        run.send(run.serialize(beforeOutage));
        try (StreamsService service = StreamsService.start(Setup.of(run.withStateDir(Map.of()), run.policy()), "127.0.0.1", 0)) {
            assertThat(KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), List.of(run.auditTopic()),
                    r -> r.size() >= decidedEvents(beforeOutage), EndToEndRun.PROCESSING_TIMEOUT)).hasSize(decidedEvents(beforeOutage));
            Set<Thread> threadsBeforeOutage = streamThreads(applicationId);
            assertThat(threadsBeforeOutage).as("stream threads before the outage, one by default").hasSize(1);
            // Serialized while the registry is up, as a producer would: this registers contacts v3.
            List<ProducerRecord<byte[], byte[]>> inContactsV3 = run.serialize(duringOutage.stream().map(RegistryOutageIT::asContactV3).toList());

            // When the registry goes away before the service meets v3, stays away until the service has used up its
            // retries in place and replaced every stream thread (how long that takes depends on the machine's load, so
            // it is waited for, not slept), and comes back on the same port with its schemas
            registry.stop();
            run.send(inContactsV3);
            Awaitility.await("stream threads replaced after the in-place retries").atMost(EndToEndRun.PROCESSING_TIMEOUT)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> Collections.disjoint(streamThreads(applicationId), threadsBeforeOutage));
            registry.start();

            // Then every output is as expected, and the service runs. Not checked at one instant: a replaced thread's
            // group member is only dropped when its session times out, and the rebalance that starts may outlast the outputs.
            run.assertOutputsMatch(scenario);
            Awaitility.await("the service running").atMost(EndToEndRun.PROCESSING_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(service::state, state -> state == KafkaStreams.State.RUNNING);
        }
    }

    private static int decidedEvents(List<EndToEndScenario.Message> messages) {
        return (int) messages.stream().filter(m -> !m.topic().equals("consent.events") && m.value() != null).count();
    }

    /** The live stream threads of this run's Kafka Streams client, which runs in this JVM. */
    private static Set<Thread> streamThreads(String applicationId) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(applicationId + "-") && t.getName().contains("-StreamThread-"))
                .collect(Collectors.toSet());
    }

    /** A contact, in v1 or v2, as the same contact in v3; any other message as it is. */
    private static EndToEndScenario.Message asContactV3(EndToEndScenario.Message message) {
        if (!message.topic().equals("crm.contacts") || message.value() == null) {
            return message;
        }
        IndexedRecord contact = message.value();
        GenericData.Record v3 = new GenericData.Record(CONTACT_V3);
        for (Schema.Field field : contact.getSchema().getFields()) {
            Object value = contact.get(field.pos());
            // Generated classes hold timestamp-millis as an Instant; a generic record without conversions holds the long.
            v3.put(field.name(), value instanceof Instant instant ? instant.toEpochMilli() : value);
        }
        v3.put("loyaltyTier", "gold");
        return new EndToEndScenario.Message(message.topic(), message.key(), message.timestamp(), v3, null);
    }

    private static Schema contactV3() {
        Schema v2 = EndToEndScenario.CONTACT_V2;
        List<Schema.Field> fields = new ArrayList<>();
        v2.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(new Schema.Field("loyaltyTier", Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "Added in version 3", JsonProperties.NULL_VALUE));
        return Schema.createRecord(v2.getName(), v2.getDoc(), v2.getNamespace(), false, fields);
    }
}
