package dev.consentgate.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    private static final String SCOPE = "wire-format-test";
    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(SCOPE);

    @AfterEach
    void dropScope() {
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void serializedRecordIsMagicByteThenBigEndianSchemaIdThenPlainAvroBinary() throws IOException {
        // Given a registry that hands out an id whose four bytes all differ
        SchemaRegistryClient fixedId = new SchemaRegistryClient() {
            @Override
            public int register(String subject, Schema schema) {
                return 0x0A0B0C0D;
            }

            @Override
            public int lookup(String subject, Schema schema) {
                throw new AssertionError("auto-registering serializer must not look up");
            }

            @Override
            public Schema schemaById(int id) {
                throw new AssertionError("serializer must not fetch schemas");
            }
        };
        GenericRecord contact = TestRecords.contact("cust-1", 7, "a@example.com");

        // When
        byte[] bytes = new ConfluentAvroSerializer(fixedId, false, true, false)
                .serialize("contacts", contact);

        // Then
        assertThat(bytes[0]).isEqualTo((byte) 0);
        assertThat(Arrays.copyOfRange(bytes, 1, 5)).containsExactly(0x0A, 0x0B, 0x0C, 0x0D);
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(plainAvro(contact));
    }

    @Test
    void firstSchemaInAScopeGetsIdOneInTheHeader() {
        // Given
        ConfluentAvroSerializer serializer = new ConfluentAvroSerializer(registry, false, true, false);

        // When
        byte[] bytes = serializer.serialize("contacts", TestRecords.contact("cust-1", 7, null));

        // Then
        assertThat(Arrays.copyOfRange(bytes, 0, 5)).containsExactly(0, 0, 0, 0, 1);
    }

    @Test
    void nullRecordSerializesToNullSoTombstonesPassThrough() {
        // Given
        ConfluentAvroSerializer serializer = new ConfluentAvroSerializer(registry, false, true, false);

        // When / Then
        assertThat(serializer.serialize("contacts", (Object) null)).isNull();
        assertThat(new ConfluentAvroDeserializer(registry, false, true, false).deserialize("contacts", null))
                .isNull();
    }

    @Test
    void objectThatIsNotAnAvroRecordIsRefusedNamingItsType() {
        // Given
        ConfluentAvroSerializer serializer = new ConfluentAvroSerializer(registry, false, true, false);

        // When / Then
        assertThatThrownBy(() -> serializer.serialize("contacts", (Object) "plain string"))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("java.lang.String")
                .hasMessageContaining("contacts");
    }

    @Test
    void recordThatDoesNotMatchItsSchemaFailsWithoutQuotingTheValue() {
        // Given a record whose union field holds a type the union does not allow
        GenericRecord contact = TestRecords.contact("cust-1", 7, null);
        contact.put("email", 12345678L);
        ConfluentAvroSerializer serializer = new ConfluentAvroSerializer(registry, false, true, false);

        // When / Then
        assertThatThrownBy(() -> serializer.serialize("contacts", contact))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("dev.consentgate.serde.test.Contact")
                .hasMessageNotContaining("12345678")
                .hasNoCause();
    }

    @Test
    void aRecordWhoseEncodingFailedPartWayLeavesNothingInTheNextOne() throws IOException {
        // Given a record that fails at its last field, after its first two were encoded, on this thread's buffer
        GenericRecord broken = TestRecords.contact("cust-" + "9".repeat(200), 7, null);
        broken.put("email", 12345678L);
        GenericRecord next = TestRecords.contact("cust-2", 8, "b@example.com");
        ConfluentAvroSerializer serializer = new ConfluentAvroSerializer(registry, false, true, false);
        assertThatThrownBy(() -> serializer.serialize("contacts", broken)).isInstanceOf(SerializationException.class);

        // When the thread encodes its next record
        byte[] bytes = serializer.serialize("contacts", next);

        // Then it holds that record alone
        assertThat(Arrays.copyOfRange(bytes, 0, 5)).containsExactly(0, 0, 0, 0, 1);
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(plainAvro(next));
    }

    private static byte[] plainAvro(GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
