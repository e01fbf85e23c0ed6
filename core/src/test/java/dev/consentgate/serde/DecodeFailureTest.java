package dev.consentgate.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecodeFailureTest {

    private static final String SCOPE = "decode-failure-test";
    private static final String TOPIC = "crm.contacts";
    private static final String EMAIL = "alice@example.com";

    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(SCOPE);
    private final ConfluentAvroDeserializer deserializer =
            new ConfluentAvroDeserializer(registry, false, true, false);
    private final byte[] valid = new ConfluentAvroSerializer(registry, false, true, false)
            .serialize(TOPIC, TestRecords.contact("cust-1", 7, EMAIL));

    @AfterEach
    void dropScope() {
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4})
    void fewerThanFiveBytesIsTruncated(int length) {
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, new byte[length]))
                .isInstanceOfSatisfying(AvroDecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(DecodeFailure.TRUNCATED))
                .hasMessage("TRUNCATED: record on topic 'crm.contacts' has " + length
                        + " bytes, fewer than the 5-byte header");
    }

    @Test
    void firstByteOtherThanZeroIsBadMagicByte() {
        // Given
        byte[] bytes = valid.clone();
        bytes[0] = 1;

        // When / Then
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, bytes))
                .isInstanceOfSatisfying(AvroDecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(DecodeFailure.BAD_MAGIC_BYTE))
                .hasMessageContaining("crm.contacts");
    }

    @Test
    void schemaIdTheRegistryDoesNotKnowIsUnknownSchemaId() {
        // Given the header names schema id 99 in a scope holding only id 1
        byte[] bytes = valid.clone();
        bytes[4] = 99;

        // When / Then
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, bytes))
                .isInstanceOfSatisfying(AvroDecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(DecodeFailure.UNKNOWN_SCHEMA_ID))
                .hasMessage("UNKNOWN_SCHEMA_ID: record on topic 'crm.contacts' names schema id 99,"
                        + " which the schema registry does not know");
    }

    @Test
    void avroThatEndsEarlyIsMalformedAvro() {
        // Given the last byte of the email is cut off
        byte[] bytes = Arrays.copyOf(valid, valid.length - 1);

        // When / Then
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, bytes))
                .isInstanceOfSatisfying(AvroDecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(DecodeFailure.MALFORMED_AVRO))
                .hasMessageContaining("crm.contacts")
                .hasMessageContaining("schema id 1")
                .hasMessageNotContaining("alice");
    }

    @Test
    void negativeStringLengthIsMalformedAvro() {
        // Given the customerId length varint is zig-zag -1
        byte[] bytes = valid.clone();
        bytes[5] = 1;

        // When / Then
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, bytes))
                .isInstanceOfSatisfying(AvroDecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(DecodeFailure.MALFORMED_AVRO));
    }

    @Test
    void bytesLeftOverAfterTheRecordAreMalformedAvro() {
        // Given
        byte[] bytes = Arrays.copyOf(valid, valid.length + 1);

        // When / Then
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, bytes))
                .isInstanceOfSatisfying(AvroDecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(DecodeFailure.MALFORMED_AVRO))
                .hasMessage("MALFORMED_AVRO: record on topic 'crm.contacts' has bytes left over after"
                        + " reading it with schema id 1")
                .hasMessageNotContaining(EMAIL);
    }

    @Test
    void specificReaderReportsTheSameReasons() {
        // Given
        ConfluentAvroDeserializer specific = new ConfluentAvroDeserializer(registry, false, true, true);
        byte[] bytes = Arrays.copyOf(valid, 3);

        // When / Then
        assertThatThrownBy(() -> specific.deserialize(TOPIC, bytes))
                .isInstanceOfSatisfying(AvroDecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(DecodeFailure.TRUNCATED));
    }

    /** Issue 19 case 12: the generic reader's Utf8 was cast to GenericRecord, a ClassCastException that stopped the service. */
    @Test
    void aValueOfAStringSchemaIsNotARecordForTheGenericAndTheSpecificReader() {
        // Given
        Schema string = Schema.create(Schema.Type.STRING);
        byte[] bytes = FramedAvro.frame(registry, TOPIC, string, EMAIL);
        ConfluentAvroDeserializer specific = new ConfluentAvroDeserializer(registry, false, true, true);
        String expected = "NOT_A_RECORD: value on topic 'crm.contacts' (schema id 2) is an Avro string, not a record";

        // When / Then
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, bytes))
                .isInstanceOfSatisfying(AvroDecodeException.class, e -> assertThat(e.reason()).isEqualTo(DecodeFailure.NOT_A_RECORD))
                .hasMessage(expected);
        assertThatThrownBy(() -> specific.deserialize(TOPIC, bytes))
                .isInstanceOfSatisfying(AvroDecodeException.class, e -> assertThat(e.reason()).isEqualTo(DecodeFailure.NOT_A_RECORD))
                .hasMessage(expected);
    }

    @Test
    void aUnionNamesTheBranchItsValueWasWrittenIn() {
        // Given
        Schema union = SchemaBuilder.unionOf().nullType().and().type(TestRecords.contact("c", 1, EMAIL).getSchema())
                .and().longType().endUnion();
        byte[] bytes = FramedAvro.frame(registry, TOPIC, union, 42L);

        // When / Then
        assertThatThrownBy(() -> deserializer.decode(TOPIC, bytes))
                .isInstanceOfSatisfying(AvroDecodeException.class, e -> assertThat(e.reason()).isEqualTo(DecodeFailure.NOT_A_RECORD))
                .hasMessage("NOT_A_RECORD: value on topic 'crm.contacts' (schema id 2) is an Avro long, not a record");
    }
}
