package dev.consentgate.serde;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;

/** Converts Avro generic values to the plain Java values the policy layer works with. */
public final class AvroValues {

    private AvroValues() {
    }

    /** The non-null branch of an optional union, or the schema itself. A loop: it runs for every redacted value. */
    public static Schema nonNull(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        for (Schema branch : schema.getTypes()) {
            if (branch.getType() != Schema.Type.NULL) {
                return branch;
            }
        }
        return schema;
    }

    public static boolean isNullable(Schema schema) {
        return schema.getType() == Schema.Type.NULL
                || (schema.getType() == Schema.Type.UNION && schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL));
    }

    /**
     * Dates become {@link LocalDate}, timestamps {@link Instant}, local timestamps {@link LocalDateTime}, times of day
     * {@link LocalTime} (each at any precision); strings become {@link String}.
     */
    public static Object toJava(Object value, Schema schema) {
        // bytes and fixed become their base64 text: what hash, mask and encrypt work on.
        if (value == null) {
            return null;
        }
        LogicalType logical = nonNull(schema).getLogicalType();
        if (value instanceof Integer days && logical instanceof LogicalTypes.Date) {
            return LocalDate.ofEpochDay(days);
        }
        if (value instanceof Long millis && logical instanceof LogicalTypes.TimestampMillis) {
            return Instant.ofEpochMilli(millis);
        }
        if (value instanceof Long micros && logical instanceof LogicalTypes.TimestampMicros) {
            return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
        }
        if (value instanceof Long nanos && logical instanceof LogicalTypes.TimestampNanos) {
            return Instant.EPOCH.plusNanos(nanos);
        }
        if (value instanceof Long millis && logical instanceof LogicalTypes.LocalTimestampMillis) {
            return LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
        }
        if (value instanceof Long micros && logical instanceof LogicalTypes.LocalTimestampMicros) {
            return LocalDateTime.ofInstant(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), ZoneOffset.UTC);
        }
        if (value instanceof Long nanos && logical instanceof LogicalTypes.LocalTimestampNanos) {
            return LocalDateTime.ofInstant(Instant.EPOCH.plusNanos(nanos), ZoneOffset.UTC);
        }
        if (value instanceof Integer millis && logical instanceof LogicalTypes.TimeMillis) {
            return timeOfDay(millis * 1_000_000L);
        }
        if (value instanceof Long micros && logical instanceof LogicalTypes.TimeMicros) {
            return timeOfDay(micros * 1_000L);
        }
        if (value instanceof ByteBuffer bytes) {
            // Its own text would be "HeapByteBuffer[pos=0 lim=16 cap=16]": the same for every value of a length.
            return Base64.getEncoder().encodeToString(remaining(bytes));
        }
        if (value instanceof GenericFixed fixed) {
            return Base64.getEncoder().encodeToString(fixed.bytes());
        }
        if (value instanceof GenericEnumSymbol<?> symbol) {
            return symbol.toString();
        }
        return value instanceof CharSequence ? value.toString() : value;
    }

    /** A time of day; a value outside one day (not valid Avro) wraps rather than failing the record. */
    private static LocalTime timeOfDay(long nanos) {
        return LocalTime.ofNanoOfDay(Math.floorMod(nanos, ChronoUnit.DAYS.getDuration().toNanos()));
    }

    private static byte[] remaining(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    /** Epoch millis from a long or an {@link Instant}; null otherwise. */
    public static Long epochMillis(Object value) {
        if (value instanceof Number number) {
            return number.longValue();
        }
        return value instanceof Instant instant ? instant.toEpochMilli() : null;
    }

    /**
     * The named field's value, or null when the record's schema has none: inputs may be of any schema. Looked up by
     * name once, then read by position.
     */
    public static Object field(GenericRecord record, String name) {
        Schema.Field field = record.getSchema().getField(name);
        return field == null ? null : record.get(field.pos());
    }

    public static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
