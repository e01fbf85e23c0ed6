package dev.consentgate.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.schema.ConsentEvent;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpSchemaRegistryClientTest {

    private static final String SECRET = "s3cr3t-pw";
    private static final String VERSIONS = "/subjects/crm.contacts-value/versions";
    private static final String SUBJECT = "/subjects/crm.contacts-value";
    /** What Apicurio answers a client that loses a race to register a new subject's first schema. */
    private static final String APICURIO_ALREADY_EXISTS =
            "{\"error_code\":409,\"message\":\"An artifact with ID 'crm.contacts-value' in group 'null' already exists.\"}";

    private ConfluentRegistryStub stub;
    private HttpSchemaRegistryClient client;

    @BeforeEach
    void startStub() throws IOException {
        stub = ConfluentRegistryStub.start();
        client = new HttpSchemaRegistryClient(List.of(stub.url()), null);
    }

    @AfterEach
    void stopStub() {
        stub.close();
    }

    @Test
    void registerPostsTheSchemaJsonToTheSubjectsVersionsAndReturnsTheId() {
        // Given
        stub.register("other-value", ConsentEvent.getClassSchema());

        // When
        int id = client.register("crm.contacts-value", TestRecords.CONTACT);

        // Then
        assertThat(id).isEqualTo(2);
        ConfluentRegistryStub.Request request = stub.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/subjects/crm.contacts-value/versions");
        assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(request.body()).isEqualTo(
                "{\"schema\":" + jsonString(TestRecords.CONTACT.toString()) + "}");
        assertThat(request.authorization()).isNull();
    }

    @Test
    void secondRegistrationOfTheSameSchemaIsAnsweredFromTheCache() {
        // Given
        client.register("crm.contacts-value", TestRecords.CONTACT);

        // When
        int id = client.register("crm.contacts-value", TestRecords.CONTACT);

        // Then
        assertThat(id).isEqualTo(1);
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void lookupReturnsTheIdOfARegisteredSchemaAndCachesIt() {
        // Given
        stub.register("crm.contacts-value", TestRecords.CONTACT);

        // When
        int first = client.lookup("crm.contacts-value", TestRecords.CONTACT);
        int second = client.lookup("crm.contacts-value", TestRecords.CONTACT);

        // Then
        assertThat(first).isEqualTo(1);
        assertThat(second).isEqualTo(1);
        assertThat(stub.requests()).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/subjects/crm.contacts-value");
        });
    }

    @Test
    void lookupOfAnUnregisteredSchemaIsSchemaNotFoundNamingTheSubject() {
        assertThatThrownBy(() -> client.lookup("crm.contacts-value", TestRecords.CONTACT))
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining("'crm.contacts-value'")
                .hasMessageContaining("40403");
    }

    @Test
    void schemaByIdFetchesOnceAndThenAnswersFromTheCache() {
        // Given
        stub.register("consent.events-value", ConsentEvent.getClassSchema());

        // When
        Schema first = client.schemaById(1);
        Schema second = client.schemaById(1);

        // Then
        assertThat(first).isEqualTo(ConsentEvent.getClassSchema());
        assertThat(second).isSameAs(first);
        assertThat(stub.requests()).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("GET");
            assertThat(request.path()).isEqualTo("/schemas/ids/1");
        });
    }

    @Test
    void configuredUserInfoIsSentAsBasicAuthOnEveryRequest() {
        // Given
        HttpSchemaRegistryClient authenticated = new HttpSchemaRegistryClient(List.of(stub.url()),
                "svc-consentgate:" + SECRET);
        stub.register("consent.events-value", ConsentEvent.getClassSchema());

        // When
        authenticated.register("crm.contacts-value", TestRecords.CONTACT);
        authenticated.schemaById(1);

        // Then
        String expected = "Basic " + Base64.getEncoder()
                .encodeToString(("svc-consentgate:" + SECRET).getBytes(StandardCharsets.UTF_8));
        assertThat(stub.requests()).extracting(ConfluentRegistryStub.Request::authorization)
                .containsExactly(expected, expected);
    }

    @Test
    void schemaIdUnknownToTheRegistryIsAnUnknownSchemaIdDecodeFailure() {
        // Given
        ConfluentAvroDeserializer deserializer = new ConfluentAvroDeserializer(client, false, true, false);

        // When / Then
        assertThatThrownBy(() -> deserializer.deserialize("crm.contacts", new byte[] {0, 0, 0, 0, 42, 2}))
                .isInstanceOfSatisfying(AvroDecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(DecodeFailure.UNKNOWN_SCHEMA_ID))
                .hasMessageContaining("schema id 42");
        assertThat(stub.requests()).extracting(ConfluentRegistryStub.Request::path)
                .containsExactly("/schemas/ids/42");
    }

    @Test
    void serverErrorIsRetriableUnavailabilityNotABadRecordAndHidesTheCredentials() {
        // Given
        stub.failWith(500, "{\"error_code\":50001,\"message\":\"Error in the backend datastore\"}");
        HttpSchemaRegistryClient authenticated = new HttpSchemaRegistryClient(List.of(stub.url()),
                "svc-consentgate:" + SECRET);
        ConfluentAvroDeserializer deserializer =
                new ConfluentAvroDeserializer(authenticated, false, true, false);

        // When / Then
        assertThatThrownBy(() -> deserializer.deserialize("crm.contacts", new byte[] {0, 0, 0, 0, 1, 2}))
                .isInstanceOf(SchemaRegistryUnavailableException.class)
                .isInstanceOf(RetriableException.class)
                .isNotInstanceOf(SerializationException.class)
                .hasMessageContaining("topic 'crm.contacts'")
                .hasMessageContaining("HTTP 500")
                .hasMessageContaining("schema id 1")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void failedIdLookupIsNotCachedSoTheNextCallAsksAgain() {
        // Given
        stub.failWith(503, "");
        assertThatThrownBy(() -> client.schemaById(1)).isInstanceOf(SchemaRegistryUnavailableException.class);
        stub.failWith(0, "");
        stub.register("crm.contacts-value", TestRecords.CONTACT);

        // When
        Schema schema = client.schemaById(1);

        // Then
        assertThat(schema).isEqualTo(TestRecords.CONTACT);
        assertThat(stub.requests()).hasSize(2);
    }

    @Test
    void closedServerIsRetriableUnavailability() throws IOException {
        // Given
        HttpSchemaRegistryClient toNowhere = new HttpSchemaRegistryClient(List.of(deadUrl()), null);

        // When / Then
        assertThatThrownBy(() -> toNowhere.register("crm.contacts-value", TestRecords.CONTACT))
                .isInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining("No schema registry reachable")
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void unreachableFirstUrlFallsBackToTheNextOne() throws IOException {
        // Given
        HttpSchemaRegistryClient withFallback = new HttpSchemaRegistryClient(
                List.of(deadUrl(), stub.url()), null);

        // When
        int id = withFallback.register("crm.contacts-value", TestRecords.CONTACT);

        // Then
        assertThat(id).isEqualTo(1);
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void registrySlowerThanTheTimeoutIsRetriableUnavailability() {
        // Given
        stub.delayAnswers(Duration.ofSeconds(1));
        HttpSchemaRegistryClient impatient = new HttpSchemaRegistryClient(List.of(stub.url()), null,
                Duration.ofMillis(200));

        // When / Then
        assertThatThrownBy(() -> impatient.schemaById(1))
                .isInstanceOf(SchemaRegistryUnavailableException.class);
    }

    @Test
    void incompatibleSchemaIsRefusedPermanentlyWithTheRegistrysMessage() {
        // Given a registry that refuses every registration of the schema and does not have it
        stub.conflictOnRegistrations(Integer.MAX_VALUE, "{\"error_code\":409,\"message\":\"Schema being registered is"
                + " incompatible with an earlier schema\"}", false);

        // When / Then: asked twice, looked up twice, then refused
        assertThatThrownBy(() -> client.register("crm.contacts-value", TestRecords.CONTACT))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessage("Schema registry " + stub.url() + " refused registering " + TestRecords.CONTACT.getFullName()
                        + " under subject 'crm.contacts-value' (HTTP 409, error_code 409: Schema being registered is"
                        + " incompatible with an earlier schema)");
        assertThat(stub.requests()).extracting(ConfluentRegistryStub.Request::path).containsExactly(
                VERSIONS, SUBJECT, VERSIONS, SUBJECT);
    }

    @Test
    void registrationThatLosesARaceToAnIdenticalOneGetsTheWinnersId() {
        // Given another client registering the same schema first, and the registry answering this one as Apicurio does
        stub.conflictOnRegistrations(1, APICURIO_ALREADY_EXISTS, true);

        // When
        int id = client.register("crm.contacts-value", TestRecords.CONTACT);

        // Then
        assertThat(id).isEqualTo(1);
        assertThat(stub.requests()).extracting(ConfluentRegistryStub.Request::path).containsExactly(VERSIONS, SUBJECT);
        assertThat(client.register("crm.contacts-value", TestRecords.CONTACT)).as("answered from the cache").isEqualTo(1);
        assertThat(stub.requests()).hasSize(2);
    }

    @Test
    void conflictWithTheWinnersSchemaNotYetVisibleIsRegisteredAgain() {
        // Given a conflict while the schema the winner registers cannot be looked up yet
        stub.conflictOnRegistrations(1, APICURIO_ALREADY_EXISTS, false);

        // When
        int id = client.register("crm.contacts-value", TestRecords.CONTACT);

        // Then
        assertThat(id).isEqualTo(1);
        assertThat(stub.requests()).extracting(ConfluentRegistryStub.Request::path).containsExactly(VERSIONS, SUBJECT, VERSIONS);
    }

    @Test
    void urlWithEmbeddedCredentialsIsRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> new HttpSchemaRegistryClient(
                List.of(URI.create("http://svc:" + SECRET + "@127.0.0.1:8081")), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void serdeConfiguredWithTheRegistryUrlRoundTripsThroughIt() {
        // Given
        ConfluentAvroSerde serde = new ConfluentAvroSerde();
        serde.configure(Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL, stub.url() + "/",
                AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                AvroSerdeConfig.BASIC_AUTH_USER_INFO, "svc-consentgate:" + SECRET,
                AvroSerdeConfig.SPECIFIC_AVRO_READER, "true"), false);
        ConsentEvent event = TestRecords.consentEvent();

        // When
        byte[] bytes = serde.serializer().serialize("consent.events", event);
        Object decoded = serde.deserializer().deserialize("consent.events", bytes);

        // Then
        assertThat(decoded).isEqualTo(event);
        assertThat(Arrays.copyOfRange(bytes, 0, 5)).containsExactly(0, 0, 0, 0, 1);
        assertThat(stub.requests()).extracting(ConfluentRegistryStub.Request::path)
                .containsExactly("/subjects/consent.events-value/versions");
    }

    private static URI deadUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }

    private static String jsonString(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
