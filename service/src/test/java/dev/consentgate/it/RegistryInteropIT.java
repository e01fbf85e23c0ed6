package dev.consentgate.it;

import dev.consentgate.testing.ApicurioRegistry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.sample.ContactUpdated;
import dev.consentgate.serde.AvroDecodeException;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import dev.consentgate.serde.ConfluentAvroSerializer;
import dev.consentgate.serde.DecodeFailure;
import dev.consentgate.serde.DecodedRecord;
import dev.consentgate.serde.HttpSchemaRegistryClient;
import dev.consentgate.serde.SchemaRegistryUnavailableException;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * ConsentGate's Confluent wire-format serde against a real schema registry (Apicurio Registry's
 * Confluent-compatible API) and against Apicurio's own Avro serde in Confluent-compatible mode.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryInteropIT {

    private static final Instant OCCURRED_AT = Instant.parse("2025-03-01T10:15:30.123Z");
    private static final int UNKNOWN_SCHEMA_ID = 2_000_000_000;
    /** Races per phase: before the fix, clients lost the very first one; several make a lost race near certain. */
    private static final int RACES = 10;
    private static final int RACING_INSTANCES = 4;

    private static ApicurioRegistry registry;
    private static CcompatSubjects subjects;

    private final List<Closeable> toClose = new ArrayList<>();

    @BeforeAll
    static void startRegistry() {
        registry = ApicurioRegistry.shared();
        subjects = new CcompatSubjects(registry.ccompatUrl());
    }

    @AfterEach
    void closeSerdes() throws IOException {
        for (Closeable serde : toClose) {
            serde.close();
        }
    }

    @Test
    void apicurioDeserializerReadsAGeneratedRecordWrittenByConsentGate() {
        // Given
        ContactUpdated contact = fullContact();
        byte[] bytes = consentGateSerializer().serialize("interop.cg-to-apicurio.specific", contact);

        // When
        Object read = apicurioDeserializer(true).deserialize("interop.cg-to-apicurio.specific", bytes);

        // Then
        assertThat(read).isInstanceOf(ContactUpdated.class).isEqualTo(contact);
    }

    @Test
    void apicurioDeserializerReadsAGenericRecordWrittenByConsentGate() {
        // Given
        GenericRecord contact = sparseGenericContact();
        byte[] bytes = consentGateSerializer().serialize("interop.cg-to-apicurio.generic", contact);

        // When
        Object read = apicurioDeserializer(false).deserialize("interop.cg-to-apicurio.generic", bytes);

        // Then
        assertThat(read).isInstanceOf(GenericRecord.class).isEqualTo(contact);
    }

    @Test
    void consentGateDecodesAGeneratedRecordWrittenByApicurio() {
        // Given
        String topic = "interop.apicurio-to-cg.specific";
        ContactUpdated contact = fullContact();
        byte[] bytes = apicurioSerializer().serialize(topic, contact);

        // When
        DecodedRecord decoded = consentGateDeserializer(false).decode(topic, bytes);
        Object specific = consentGateDeserializer(true).deserialize(topic, bytes);

        // Then
        assertThat(decoded.schemaId()).isEqualTo(subjects.latestId(topic + "-value"));
        assertThat(decoded.record().get("eventId")).hasToString("evt-1001");
        assertThat(decoded.record().get("occurredAt")).isEqualTo(OCCURRED_AT.toEpochMilli());
        assertThat(specific).isEqualTo(contact);
    }

    @Test
    void consentGateDecodesAGenericRecordWrittenByApicurio() {
        // Given
        String topic = "interop.apicurio-to-cg.generic";
        GenericRecord contact = sparseGenericContact();
        byte[] bytes = apicurioSerializer().serialize(topic, contact);

        // When
        DecodedRecord decoded = consentGateDeserializer(false).decode(topic, bytes);

        // Then
        assertThat(decoded.schemaId()).isEqualTo(subjects.latestId(topic + "-value"));
        assertThat(decoded.record()).isEqualTo(contact);
    }

    @Test
    void bothSerializersFrameRecordsWithMagicByteZeroAndTheIdTheRegistryGivesTheSubject() {
        // Given
        ContactUpdated contact = fullContact();

        // When
        byte[] fromConsentGate = consentGateSerializer().serialize("interop.framing.cg", contact);
        byte[] fromApicurio = apicurioSerializer().serialize("interop.framing.apicurio", contact);

        // Then
        assertThat(fromConsentGate[0]).isZero();
        assertThat(idInHeader(fromConsentGate)).isEqualTo(subjects.latestId("interop.framing.cg-value"));
        assertThat(fromApicurio[0]).isZero();
        assertThat(idInHeader(fromApicurio)).isEqualTo(subjects.latestId("interop.framing.apicurio-value"));
    }

    @Test
    void registeringTheSameSchemaTwiceGivesTheSameId() {
        // Given two clients, so the second answer comes from the registry and not from a cache
        Schema schema = ContactUpdated.getClassSchema();

        // When
        int first = httpClient().register("interop.register-twice-value", schema);
        int second = httpClient().register("interop.register-twice-value", schema);

        // Then
        assertThat(second).isEqualTo(first);
        assertThat(first).isEqualTo(subjects.latestId("interop.register-twice-value"));
    }

    @Test
    void instancesRegisteringTheSameNewSchemasAtOnceAllGetTheirIds() throws Exception {
        // Given instances, each with its own client, meeting the same new subjects and then the same new version at once,
        // as service instances do with the schema of a minimized output on the first event: Apicurio answers the
        // registrations that lose each race HTTP 409 "already exists"
        Schema v1 = ContactUpdated.getClassSchema();
        Schema v2 = contactUpdatedWith(new Schema.Field("tenant",
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)), "added", JsonProperties.NULL_VALUE));
        List<String> subjectNames = IntStream.range(0, RACES).mapToObj(i -> "interop.race-" + i + "-value").toList();

        // When
        Map<String, List<Integer>> v1Ids = registerAtOnce(subjectNames, v1);
        Map<String, List<Integer>> v2Ids = registerAtOnce(subjectNames, v2);

        // Then every instance got the id the registry holds for its subject's version
        for (String subject : subjectNames) {
            assertThat(v1Ids.get(subject)).as(subject + " version 1").containsOnly(subjects.versionId(subject, "1"))
                    .hasSize(RACING_INSTANCES);
            assertThat(v2Ids.get(subject)).as(subject + " latest version").containsOnly(subjects.latestId(subject))
                    .hasSize(RACING_INSTANCES);
        }
    }

    /** Per subject, the ids that fresh clients, one per instance, get when they all register {@code schema} at the same moment. */
    private static Map<String, List<Integer>> registerAtOnce(List<String> subjectNames, Schema schema) throws Exception {
        ExecutorService instances = Executors.newFixedThreadPool(RACING_INSTANCES);
        try {
            Map<String, List<Integer>> ids = new HashMap<>();
            for (String subject : subjectNames) {
                CyclicBarrier start = new CyclicBarrier(RACING_INSTANCES);
                List<Future<Integer>> answers = new ArrayList<>();
                for (int i = 0; i < RACING_INSTANCES; i++) {
                    HttpSchemaRegistryClient client = httpClient();
                    answers.add(instances.submit(() -> {
                        start.await();
                        return client.register(subject, schema);
                    }));
                }
                List<Integer> subjectIds = new ArrayList<>();
                for (Future<Integer> answer : answers) {
                    subjectIds.add(answer.get(1, TimeUnit.MINUTES));
                }
                ids.put(subject, subjectIds);
            }
            return ids;
        } finally {
            instances.shutdownNow();
        }
    }

    @Test
    void schemaByIdReturnsTheRegisteredSchema() {
        // Given
        Schema schema = ContactUpdated.getClassSchema();
        int id = httpClient().register("interop.schema-by-id-value", schema);

        // When
        Schema fetched = httpClient().schemaById(id);

        // Then
        assertThat(SchemaNormalization.toParsingForm(fetched))
                .isEqualTo(SchemaNormalization.toParsingForm(schema));
    }

    @Test
    void lookupFindsTheIdOfARegisteredSchemaUnderItsSubject() {
        // Given
        Schema schema = ContactUpdated.getClassSchema();
        int registered = httpClient().register("interop.lookup-value", schema);

        // When
        int found = httpClient().lookup("interop.lookup-value", schema);

        // Then
        assertThat(found).isEqualTo(registered);
    }

    @Test
    void serializerWithoutAutoRegisterRefusesASchemaTheSubjectDoesNotHave() {
        // Given
        ConfluentAvroSerializer serializer = new ConfluentAvroSerializer();
        serializer.configure(Map.of("schema.registry.url", registry.ccompatUrl(),
                "auto.register.schemas", "false"), false);
        toClose.add(serializer);

        // When / Then
        assertThatThrownBy(() -> serializer.serialize("interop.never-registered", fullContact()))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("is not registered under subject 'interop.never-registered-value'");
    }

    @Test
    void aRecordNamingAnUnknownSchemaIdIsUndecodable() {
        // Given
        byte[] bytes = ByteBuffer.allocate(6).put((byte) 0).putInt(UNKNOWN_SCHEMA_ID).put((byte) 2).array();

        // When / Then
        assertThatThrownBy(() -> consentGateDeserializer(false).decode("interop.unknown-id", bytes))
                .isInstanceOfSatisfying(AvroDecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(DecodeFailure.UNKNOWN_SCHEMA_ID));
    }

    @Test
    void aBackwardCompatibleVersionGetsANewIdAndRecordsOfBothVersionsDecode() {
        // Given version 1 registered, and the subject requiring backward compatibility
        String topic = "interop.evolution";
        String subject = topic + "-value";
        ContactUpdated v1Contact = fullContact();
        byte[] v1Bytes = consentGateSerializer().serialize(topic, v1Contact);
        subjects.requireCompatibility(subject, "BACKWARD");
        Schema v2 = contactUpdatedWith(new Schema.Field("preferredLanguage",
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "added in version 2", Schema.Field.NULL_DEFAULT_VALUE));
        GenericRecord v2Contact = new GenericRecordBuilder(v2)
                .set("eventId", "evt-2002")
                .set("customerId", "cust-42")
                .set("occurredAt", OCCURRED_AT.toEpochMilli())
                .set("preferredLanguage", "de")
                .build();

        // When
        byte[] v2Bytes = consentGateSerializer().serialize(topic, v2Contact);
        ConfluentAvroDeserializer reader = consentGateDeserializer(false);
        DecodedRecord v1Decoded = reader.decode(topic, v1Bytes);
        DecodedRecord v2Decoded = reader.decode(topic, v2Bytes);

        // Then
        assertThat(v1Decoded.schemaId()).isEqualTo(subjects.versionId(subject, "1"));
        assertThat(v2Decoded.schemaId()).isEqualTo(subjects.versionId(subject, "2"))
                .isNotEqualTo(v1Decoded.schemaId());
        assertThat(v1Decoded.record().getSchema().getField("preferredLanguage")).isNull();
        assertThat(v2Decoded.record().get("preferredLanguage")).hasToString("de");
        assertThat(v2Decoded.record().get("eventId")).hasToString("evt-2002");
        ConfluentAvroDeserializer specificReader = consentGateDeserializer(true);
        assertThat(specificReader.deserialize(topic, v1Bytes)).isEqualTo(v1Contact);
        assertThat(specificReader.deserialize(topic, v2Bytes)).isInstanceOfSatisfying(ContactUpdated.class,
                contact -> assertThat(contact.getEventId()).isEqualTo("evt-2002"));
    }

    @Test
    void aVersionThatBreaksBackwardCompatibilityIsRefused() {
        // Given
        String topic = "interop.incompatible";
        consentGateSerializer().serialize(topic, fullContact());
        subjects.requireCompatibility(topic + "-value", "BACKWARD");
        Schema withRequiredField = contactUpdatedWith(
                new Schema.Field("tenant", Schema.create(Schema.Type.STRING), "no default", null));
        GenericRecord contact = new GenericRecordBuilder(withRequiredField)
                .set("eventId", "evt-3003")
                .set("customerId", "cust-42")
                .set("occurredAt", OCCURRED_AT.toEpochMilli())
                .set("tenant", "acme")
                .build();

        // When / Then: a deployment error to fail on, neither retriable nor a bad record
        assertThatThrownBy(() -> consentGateSerializer().serialize(topic, contact))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("HTTP 409");
    }

    /** Last, because it stops the shared registry; {@link ApicurioRegistry#shared()} restarts it. */
    @Test
    @Order(Integer.MAX_VALUE)
    void aStoppedRegistryIsReportedAsRetriableNotAsABadRecord() {
        // Given a record written while the registry ran, and a reader that has not cached its schema
        String topic = "interop.registry-down";
        byte[] bytes = consentGateSerializer().serialize(topic, fullContact());
        ConfluentAvroDeserializer reader = consentGateDeserializer(false);
        HttpSchemaRegistryClient client = httpClient();

        // When
        registry.stop();

        // Then
        assertThatThrownBy(() -> reader.decode(topic, bytes))
                .isInstanceOf(SchemaRegistryUnavailableException.class)
                .isInstanceOf(RetriableException.class);
        assertThatThrownBy(() -> client.register(topic + "-value", ContactUpdated.getClassSchema()))
                .isInstanceOf(SchemaRegistryUnavailableException.class);
    }

    private static ContactUpdated fullContact() {
        return ContactUpdated.newBuilder()
                .setEventId("evt-1001")
                .setCustomerId("cust-42")
                .setOccurredAt(OCCURRED_AT)
                .setPurposes(List.of("marketing.email", "analytics"))
                .setEmail("ada@example.test")
                .setFirstName("Ada")
                .setLastName("Example")
                .setPhone("+49 30 1234567")
                .setPostalCode("10115")
                .setCountry("DE")
                .setBirthDate(LocalDate.of(1990, 12, 10))
                .setGender("female")
                .setLifecycleStage("customer")
                .build();
    }

    /** ContactUpdated as a GenericRecord with the optional fields mostly left null. */
    private static GenericRecord sparseGenericContact() {
        return new GenericRecordBuilder(ContactUpdated.getClassSchema())
                .set("eventId", "evt-1002")
                .set("customerId", "cust-43")
                .set("occurredAt", OCCURRED_AT.toEpochMilli())
                .set("email", "grace@example.test")
                .set("birthDate", (int) LocalDate.of(1985, 1, 31).toEpochDay())
                .build();
    }

    /** ContactUpdated's schema, same full name, with one more field at the end. */
    private static Schema contactUpdatedWith(Schema.Field added) {
        Schema original = ContactUpdated.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : original.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.add(added);
        return Schema.createRecord(original.getName(), original.getDoc(), original.getNamespace(), false,
                fields);
    }

    private static int idInHeader(byte[] bytes) {
        return ByteBuffer.wrap(bytes, 1, Integer.BYTES).getInt();
    }

    private static HttpSchemaRegistryClient httpClient() {
        return new HttpSchemaRegistryClient(List.of(URI.create(registry.ccompatUrl())), null);
    }

    private ConfluentAvroSerializer consentGateSerializer() {
        ConfluentAvroSerializer serializer = new ConfluentAvroSerializer();
        serializer.configure(Map.of("schema.registry.url", registry.ccompatUrl()), false);
        toClose.add(serializer);
        return serializer;
    }

    private ConfluentAvroDeserializer consentGateDeserializer(boolean specificReader) {
        ConfluentAvroDeserializer deserializer = new ConfluentAvroDeserializer();
        deserializer.configure(Map.of("schema.registry.url", registry.ccompatUrl(),
                "specific.avro.reader", String.valueOf(specificReader)), false);
        toClose.add(deserializer);
        return deserializer;
    }

    private AvroKafkaSerializer<Object> apicurioSerializer() {
        AvroKafkaSerializer<Object> serializer = new AvroKafkaSerializer<>();
        serializer.configure(apicurioConfig(false), false);
        toClose.add(serializer);
        return serializer;
    }

    private AvroKafkaDeserializer<Object> apicurioDeserializer(boolean specificReader) {
        AvroKafkaDeserializer<Object> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(apicurioConfig(specificReader), false);
        toClose.add(deserializer);
        return deserializer;
    }

    /**
     * Apicurio's serde in Confluent-compatible mode: a 4-byte id in the payload instead of an 8-byte
     * one, no id headers, and content ids, which is what the Confluent-compatible API hands out.
     */
    private static Map<String, Object> apicurioConfig(boolean specificReader) {
        return Map.of(
                SerdeConfig.REGISTRY_URL, registry.registryApiUrl(),
                SerdeConfig.ENABLE_CONFLUENT_ID_HANDLER, true,
                SerdeConfig.ENABLE_HEADERS, false,
                SerdeConfig.USE_ID, "contentId",
                SerdeConfig.AUTO_REGISTER_ARTIFACT, true,
                AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, specificReader);
    }
}
