package dev.consentgate.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.schema.FieldTreatment;
import dev.consentgate.schema.internal.BufferedEvent;
import dev.consentgate.schema.internal.BufferedHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

/** Generated classes are written with Avro's custom coders on: a record with an encoder of its own writes itself. */
class DatumWritersTest {

    /** A generated class given an encoder by hand, one that can be told from Avro's: it upper-cases the action. */
    static final class ShoutingTreatment extends FieldTreatment {
        ShoutingTreatment(String field, String category, String action) {
            super(field, category, action);
        }

        @Override
        protected boolean hasCustomCoders() {
            return true;
        }

        @Override
        public void customEncode(Encoder out) throws IOException {
            out.writeString(getField());
            out.writeString(getCategory());
            out.writeString(getAction().toUpperCase(Locale.ROOT));
        }
    }

    @Test
    void aRecordWithAnEncoderOfItsOwnIsWrittenByIt() throws IOException {
        // Given
        FieldTreatment record = new ShoutingTreatment("email", "user.contact.email", "hash");

        // When
        byte[] written = TestRecords.encode(new DatumWriters().forRecord(record), record);

        // Then
        GenericRecord read = new GenericDatumReader<GenericRecord>(FieldTreatment.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(written, null));
        assertThat(read.get("action")).hasToString("HASH");
    }

    @Test
    void genericRecordsStringsAreWrittenAsAvroWritesThem() throws IOException {
        // Given: Strings (written by AvroStrings), a Utf8 (written by Avro), empty, non-ASCII and absent values
        for (GenericRecord record : List.of(
                TestRecords.contact("cust-1", 7, "jane@example.com"),
                TestRecords.contact("", -1, null),
                TestRecords.contact("cüst-ß-\uD83D\uDE00", Integer.MAX_VALUE, "\uD800 lone surrogate"),
                TestRecords.contact(null, 0, null))) {
            if (record.get("customerId") == null) {
                record.put("customerId", new Utf8("cust-utf8"));
            }

            // When
            byte[] written = TestRecords.encode(new DatumWriters().forRecord(record), record);

            // Then
            assertThat(written).isEqualTo(TestRecords.encode(new GenericDatumWriter<>(TestRecords.CONTACT), record));
        }
    }

    @Test
    void avrosGeneratedEncodersWriteTheSameBytesAsItsFieldByFieldWriting() throws IOException {
        // Given: a generated class for a schema without logical types, which Avro gives an encoder
        BufferedHeader header = new BufferedHeader("x-purpose", ByteBuffer.wrap("marketing".getBytes(StandardCharsets.UTF_8)));
        BufferedHeader emptyHeader = new BufferedHeader("x-empty", null);
        for (BufferedEvent event : new BufferedEvent[] {
                new BufferedEvent("crm.contacts", 3, 1_234_567L, -5L, null, ByteBuffer.wrap(new byte[] {0, 1, 2}), List.of(),
                        "cust-1", List.of(), 0L, "e-1", null),
                new BufferedEvent("crm.contacts", -1, Long.MAX_VALUE, Long.MIN_VALUE, ByteBuffer.wrap(new byte[] {9}), ByteBuffer.wrap(new byte[0]),
                        List.of(header, emptyHeader), "cüst-ß", List.of("marketing", "analytics.reporting"), 1_700_000_000_000L, "e-2", "EU")}) {
            SpecificData fieldByField = new SpecificData();
            fieldByField.setCustomCoders(false);

            // When
            byte[] written = TestRecords.encode(new DatumWriters().forRecord(event), event);

            // Then
            assertThat(written).isEqualTo(TestRecords.encode(new SpecificDatumWriter<>(BufferedEvent.getClassSchema(), fieldByField), event));
        }
    }
}
