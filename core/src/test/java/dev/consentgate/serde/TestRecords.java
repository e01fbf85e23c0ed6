package dev.consentgate.serde;

import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentEventType;
import dev.consentgate.schema.ConsentStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;

/** Records and schemas shared by the serde tests. */
public final class TestRecords {

    static final Schema CONTACT = new Schema.Parser().parse("""
            {"type": "record", "name": "Contact", "namespace": "dev.consentgate.serde.test",
             "fields": [
               {"name": "customerId", "type": "string"},
               {"name": "score", "type": "int"},
               {"name": "email", "type": ["null", "string"], "default": null}
             ]}""");

    static final Instant CAPTURED_AT = Instant.parse("2025-03-01T10:15:30.123Z");

    private TestRecords() {
    }

    public static GenericRecord contact(String customerId, int score, String email) {
        GenericRecord record = new GenericData.Record(CONTACT);
        record.put("customerId", customerId);
        record.put("score", score);
        record.put("email", email);
        return record;
    }

    public static ConsentEvent consentEvent() {
        return ConsentEvent.newBuilder()
                .setConsentId("c-17")
                .setType(ConsentEventType.CONSENT)
                .setCustomerId("cust-42")
                .setPurpose("marketing.advertising")
                .setStatus(ConsentStatus.GRANTED)
                .setCapturedAt(CAPTURED_AT)
                .setExpiresAt(null)
                .setJurisdiction("EU")
                .setSource("web-banner")
                .setNoticeVersion("2025-01")
                .build();
    }

    /** Avro binary of {@code datum} as {@code writer} writes it, without a wire-format header. */
    @SuppressWarnings("unchecked")
    public static byte[] encode(DatumWriter<?> writer, Object datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        ((DatumWriter<Object>) writer).write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
