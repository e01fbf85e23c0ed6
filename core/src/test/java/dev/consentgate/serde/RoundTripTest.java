package dev.consentgate.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentEventType;
import dev.consentgate.schema.ConsentStatus;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RoundTripTest {

    private static final String SCOPE = "round-trip-test";
    private static final String TOPIC = "consent.events";

    /** ConsentEvent as first released: no jurisdiction, source or noticeVersion yet. */
    private static final Schema CONSENT_EVENT_V1 = new Schema.Parser().parse("""
            {"type": "record", "name": "ConsentEvent", "namespace": "dev.consentgate.schema",
             "fields": [
               {"name": "consentId", "type": ["null", "string"], "default": null},
               {"name": "type", "type": {"type": "enum", "name": "ConsentEventType",
                                         "symbols": ["CONSENT", "ERASURE"]}, "default": "CONSENT"},
               {"name": "customerId", "type": "string"},
               {"name": "purpose", "type": ["null", "string"], "default": null},
               {"name": "status", "type": {"type": "enum", "name": "ConsentStatus",
                                           "symbols": ["GRANTED", "DENIED", "WITHDRAWN"]}},
               {"name": "capturedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}},
               {"name": "expiresAt", "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}],
                "default": null}
             ]}""");

    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(SCOPE);
    private final ConfluentAvroSerializer serializer =
            new ConfluentAvroSerializer(registry, false, true, false);
    private final ConfluentAvroDeserializer genericReader =
            new ConfluentAvroDeserializer(registry, false, true, false);
    private final ConfluentAvroDeserializer specificReader =
            new ConfluentAvroDeserializer(registry, false, true, true);

    @AfterEach
    void dropScope() {
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void genericRecordComesBackWithEveryFieldAndItsSchemaId() {
        // Given
        byte[] bytes = serializer.serialize("contacts", TestRecords.contact("cust-1", 7, "a@example.com"));

        // When
        DecodedRecord decoded = genericReader.decode("contacts", bytes);

        // Then
        assertThat(decoded.schemaId()).isEqualTo(1);
        assertThat(decoded.record().getSchema()).isEqualTo(TestRecords.CONTACT);
        assertThat(decoded.record().get("customerId")).hasToString("cust-1");
        assertThat(decoded.record().get("score")).isEqualTo(7);
        assertThat(decoded.record().get("email")).hasToString("a@example.com");
        assertThat(genericReader.deserialize("contacts", bytes)).isEqualTo(decoded.record());
    }

    @Test
    void specificRecordComesBackAsAnEqualInstanceOfTheGeneratedClass() {
        // Given
        ConsentEvent event = TestRecords.consentEvent();
        byte[] bytes = serializer.serialize(TOPIC, event);

        // When
        Object decoded = specificReader.deserialize(TOPIC, bytes);

        // Then
        assertThat(decoded).isInstanceOf(ConsentEvent.class).isEqualTo(event);
        assertThat(((ConsentEvent) decoded).getCapturedAt()).isEqualTo(TestRecords.CAPTURED_AT);
    }

    @Test
    void specificRecordReadGenericallyHasTimestampsAsEpochMillisAndEnumsAsSymbols() {
        // Given
        byte[] bytes = serializer.serialize(TOPIC, TestRecords.consentEvent());

        // When
        GenericRecord decoded = genericReader.decode(TOPIC, bytes).record();

        // Then
        assertThat(decoded.get("capturedAt")).isEqualTo(TestRecords.CAPTURED_AT.toEpochMilli());
        assertThat(decoded.get("status")).hasToString("GRANTED");
        assertThat(decoded.get("expiresAt")).isNull();
    }

    @Test
    void decodeIsGenericEvenWhenTheDeserializerReadsSpecificRecords() {
        // Given
        byte[] bytes = serializer.serialize(TOPIC, TestRecords.consentEvent());

        // When
        DecodedRecord decoded = specificReader.decode(TOPIC, bytes);

        // Then
        assertThat(decoded.record()).isInstanceOf(GenericData.Record.class);
        assertThat(decoded.record().get("customerId")).hasToString("cust-42");
    }

    @Test
    void recordWrittenWithAnOlderSchemaReadsIntoTheNewerClassWithDefaultsForAddedFields() {
        // Given an event written before jurisdiction, source and noticeVersion existed
        GenericRecord old = new GenericData.Record(CONSENT_EVENT_V1);
        old.put("consentId", "c-1");
        old.put("type", new GenericData.EnumSymbol(CONSENT_EVENT_V1.getField("type").schema(), "ERASURE"));
        old.put("customerId", "cust-9");
        old.put("purpose", null);
        old.put("status", new GenericData.EnumSymbol(CONSENT_EVENT_V1.getField("status").schema(), "DENIED"));
        old.put("capturedAt", TestRecords.CAPTURED_AT.toEpochMilli());
        old.put("expiresAt", null);
        byte[] bytes = serializer.serialize(TOPIC, old);

        // When
        ConsentEvent decoded = (ConsentEvent) specificReader.deserialize(TOPIC, bytes);

        // Then
        assertThat(decoded).isEqualTo(ConsentEvent.newBuilder()
                .setConsentId("c-1")
                .setType(ConsentEventType.ERASURE)
                .setCustomerId("cust-9")
                .setPurpose(null)
                .setStatus(ConsentStatus.DENIED)
                .setCapturedAt(TestRecords.CAPTURED_AT)
                .setExpiresAt(null)
                .setJurisdiction(null)
                .setSource(null)
                .setNoticeVersion(null)
                .build());
    }

    @Test
    void writerSchemaTheClassCannotReadIsADeploymentErrorNotABadRecord() {
        // Given a writer schema that lacks customerId, which the class requires without a default
        Schema incompatible = new Schema.Parser().parse("""
                {"type": "record", "name": "ConsentEvent", "namespace": "dev.consentgate.schema",
                 "fields": [{"name": "consentId", "type": "string"}]}""");
        GenericRecord record = new GenericData.Record(incompatible);
        record.put("consentId", "c-1");
        byte[] bytes = serializer.serialize(TOPIC, record);

        // When / Then
        assertThatThrownBy(() -> specificReader.deserialize(TOPIC, bytes))
                .isInstanceOf(SerializationException.class)
                .isNotInstanceOf(AvroDecodeException.class)
                .hasMessageContaining("dev.consentgate.schema.ConsentEvent")
                .hasMessageContaining("customerId");
    }

    @Test
    void specificReaderWithoutAGeneratedClassForTheWriterSchemaNamesTheMissingClass() {
        // Given
        byte[] bytes = serializer.serialize("contacts", TestRecords.contact("cust-1", 7, null));

        // When / Then
        assertThatThrownBy(() -> specificReader.deserialize("contacts", bytes))
                .isInstanceOf(SerializationException.class)
                .isNotInstanceOf(AvroDecodeException.class)
                .hasMessageContaining("dev.consentgate.serde.test.Contact");
    }
}
