package dev.consentgate.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

/** The plain values redaction works on: bytes and fixed as their base64 text, never a buffer's description. */
class AvroValuesTest {

    @Test
    void bytesAndFixedBecomeTheirBase64TextSoDifferentValuesStayDifferent() {
        Schema bytes = Schema.create(Schema.Type.BYTES);
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {9, 1, 2, 3});
        buffer.get();

        assertThat(AvroValues.toJava(buffer, bytes)).isEqualTo("AQID");
        assertThat(buffer.remaining()).isEqualTo(3);
        assertThat(AvroValues.toJava(ByteBuffer.wrap(new byte[] {1, 2, 4}), bytes)).isEqualTo("AQIE");
        Schema fixed = Schema.createFixed("Token", null, "test", 2);
        assertThat(AvroValues.toJava(new GenericData.Fixed(fixed, new byte[] {(byte) 0xff, 0}), fixed)).isEqualTo("/wA=");
    }

    @Test
    void anEnumSymbolBecomesItsText() {
        Schema stage = Schema.createEnum("Stage", null, "test", java.util.List.of("LEAD", "CUSTOMER"));

        assertThat(AvroValues.toJava(new GenericData.EnumSymbol(stage, "CUSTOMER"), stage)).isEqualTo("CUSTOMER");
    }

    @Test
    void datesTimestampsAndTextKeepTheirMeaning() {
        Schema date = LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
        Schema millis = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));

        assertThat(AvroValues.toJava(0, date)).isEqualTo(LocalDate.of(1970, 1, 1));
        assertThat(AvroValues.toJava(1_000L, millis)).isEqualTo(Instant.ofEpochSecond(1));
        assertThat(AvroValues.toJava(new org.apache.avro.util.Utf8("jane"), Schema.create(Schema.Type.STRING))).isEqualTo("jane");
    }

    @Test
    void everyTimestampAndTimeLogicalTypeBecomesATemporalValueNotANumber() {
        Schema date = Schema.create(Schema.Type.LONG);
        long second = 1_773_500_966L; // 2026-03-14T15:09:26Z
        LocalDateTime local = LocalDateTime.of(2026, 3, 14, 15, 9, 26);

        assertThat(AvroValues.toJava(second * 1_000_000L, LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG))))
                .isEqualTo(Instant.ofEpochSecond(second));
        assertThat(AvroValues.toJava(second * 1_000_000_000L, LogicalTypes.timestampNanos().addToSchema(Schema.create(Schema.Type.LONG))))
                .isEqualTo(Instant.ofEpochSecond(second));
        assertThat(AvroValues.toJava(second * 1_000L, LogicalTypes.localTimestampMillis().addToSchema(Schema.create(Schema.Type.LONG))))
                .isEqualTo(local);
        assertThat(AvroValues.toJava(second * 1_000_000L, LogicalTypes.localTimestampMicros().addToSchema(Schema.create(Schema.Type.LONG))))
                .isEqualTo(local);
        assertThat(AvroValues.toJava(second * 1_000_000_000L, LogicalTypes.localTimestampNanos().addToSchema(date)))
                .isEqualTo(local);
        assertThat(AvroValues.toJava(54_566_000, LogicalTypes.timeMillis().addToSchema(Schema.create(Schema.Type.INT))))
                .isEqualTo(LocalTime.of(15, 9, 26));
        assertThat(AvroValues.toJava(54_566_000_000L, LogicalTypes.timeMicros().addToSchema(Schema.create(Schema.Type.LONG))))
                .isEqualTo(LocalTime.of(15, 9, 26));
    }
}
