package dev.consentgate.ingest;

import dev.consentgate.serde.AvroValues;
import dev.consentgate.policy.InputMapping;
import dev.consentgate.policy.Purpose;
import dev.consentgate.policy.ValueSource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Reads the envelope of one record as its topic's input mapping says. */
public final class EnvelopeExtractor {

    private final InputMapping mapping;
    /** Each field source's path, split once: splitting it per event was most of reading a field. Read-only once built. */
    private final Map<ValueSource, String[]> fieldPaths = new IdentityHashMap<>();

    public EnvelopeExtractor(InputMapping mapping) {
        this.mapping = mapping;
        List<ValueSource> sources = new ArrayList<>(List.of(mapping.customerId(), mapping.purposes(), mapping.eventTime()));
        mapping.eventId().ifPresent(sources::add);
        mapping.jurisdiction().ifPresent(sources::add);
        for (ValueSource source : sources) {
            if (source.kind() == ValueSource.Kind.FIELD) {
                fieldPaths.put(source, source.name().split("\\."));
            }
        }
    }

    public Envelope extract(GenericRecord value, Headers headers, byte[] key, long recordTimestamp, SourcePosition position)
            throws RejectException {
        String customerId = scalar(mapping.customerId(), "customer id", read(mapping.customerId(), value, headers, key, recordTimestamp));
        if (customerId == null || customerId.isEmpty()) {
            throw new RejectException(RejectReason.MISSING_CUSTOMER_ID, "no customer id at " + describe(mapping.customerId()));
        }
        List<String> purposes = purposes(read(mapping.purposes(), value, headers, key, recordTimestamp));
        long eventTime = eventTime(read(mapping.eventTime(), value, headers, key, recordTimestamp));
        String eventId = null;
        if (mapping.eventId().isPresent()) {
            ValueSource source = mapping.eventId().get();
            eventId = scalar(source, "event id", read(source, value, headers, key, recordTimestamp));
        }
        if (eventId == null || eventId.isEmpty()) {
            // Built only when needed: as an orElse argument it was concatenated for every event.
            eventId = position.topic() + "-" + position.partition() + "-" + position.offset();
        }
        String jurisdiction = null;
        if (mapping.jurisdiction().isPresent()) {
            ValueSource source = mapping.jurisdiction().get();
            jurisdiction = scalar(source, "jurisdiction", read(source, value, headers, key, recordTimestamp));
        }
        return new Envelope(customerId, purposes, eventTime, eventId, jurisdiction);
    }

    private Object read(ValueSource source, GenericRecord value, Headers headers, byte[] key, long recordTimestamp) {
        return switch (source.kind()) {
            case FIELD -> field(value, fieldPaths.get(source));
            case HEADER -> {
                Header header = headers.lastHeader(source.name());
                yield header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
            }
            case KEY -> key == null ? null : new String(key, StandardCharsets.UTF_8);
            case FIXED -> source.values();
            case TIMESTAMP -> recordTimestamp;
        };
    }

    /** Follows a dotted path, split into its steps, through nested records; null when any step is absent. */
    static Object field(GenericRecord record, String[] path) {
        Object current = record;
        for (String step : path) {
            if (!(current instanceof GenericRecord nested)) {
                return null;
            }
            current = AvroValues.field(nested, step);
        }
        return current;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    /**
     * A string, int or long as text. An envelope field passes to every purpose and into headers whatever its category,
     * so one holding anything else (a record, map, array, bytes) is refused rather than written out as text.
     */
    private static String scalar(ValueSource source, String slot, Object value) throws RejectException {
        if (value == null || value instanceof CharSequence || value instanceof Integer || value instanceof Long) {
            return text(value);
        }
        throw new RejectException(RejectReason.INVALID_ENVELOPE_FIELD,
                "the " + slot + " at " + describe(source) + " is " + avroType(value) + ", not a string, int or long");
    }

    /** The Avro type of a value read from a generic record, named without any of its content. */
    private static String avroType(Object value) {
        if (value instanceof GenericRecord) {
            return "a record";
        } else if (value instanceof Map<?, ?>) {
            return "a map";
        } else if (value instanceof Collection<?>) {
            return "an array";
        } else if (value instanceof ByteBuffer) {
            return "bytes";
        } else if (value instanceof GenericFixed) {
            return "a fixed";
        } else if (value instanceof GenericEnumSymbol<?>) {
            return "an enum";
        } else if (value instanceof Boolean) {
            return "a boolean";
        } else if (value instanceof Float || value instanceof Double) {
            return "a " + value.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        }
        return "a " + value.getClass().getSimpleName();
    }

    /** A list of strings, or one comma-separated string (the usual shape in a header). */
    private List<String> purposes(Object value) throws RejectException {
        if (value == null) {
            throw new RejectException(RejectReason.MISSING_PURPOSES, "no purposes at " + describe(mapping.purposes()));
        }
        if (!(value instanceof Collection<?>) && !(value instanceof CharSequence)) {
            throw new RejectException(RejectReason.INVALID_PURPOSE, "the purposes at " + describe(mapping.purposes()) + " are "
                    + avroType(value) + ", not an array of strings or a string");
        }
        Collection<?> items = value instanceof Collection<?> collection ? collection
                : Arrays.stream(value.toString().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        List<String> purposes = new ArrayList<>(items.size());
        for (Object item : items) {
            if (!(item instanceof CharSequence)) {
                throw new RejectException(RejectReason.INVALID_PURPOSE, "the purposes at " + describe(mapping.purposes()) + " hold "
                        + avroType(item) + ", not a string");
            }
            String key = text(item);
            try {
                purposes.add(Purpose.of(key).key());
            } catch (IllegalArgumentException e) {
                throw new RejectException(RejectReason.INVALID_PURPOSE, "a declared purpose is not a dotted key of lowercase words");
            }
        }
        return purposes;
    }

    /** Epoch millis (a long or timestamp-millis field), an {@link Instant}, or an ISO-8601 instant string. */
    private long eventTime(Object value) throws RejectException {
        if (value == null) {
            throw new RejectException(RejectReason.MISSING_EVENT_TIME, "no event time at " + describe(mapping.eventTime()));
        }
        long millis;
        if (value instanceof Number number) {
            millis = number.longValue();
        } else if (value instanceof Instant instant) {
            millis = instant.toEpochMilli();
        } else if (!(value instanceof CharSequence)) {
            throw new RejectException(RejectReason.INVALID_EVENT_TIME, "the event time at " + describe(mapping.eventTime()) + " is "
                    + avroType(value) + ", not a number, a timestamp or an ISO-8601 string");
        } else {
            try {
                millis = Instant.parse(value.toString()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new RejectException(RejectReason.INVALID_EVENT_TIME, "event time is not epoch millis or an ISO-8601 instant");
            }
        }
        if (millis < 0) {
            throw new RejectException(RejectReason.INVALID_EVENT_TIME, "event time is before 1970");
        }
        return millis;
    }

    private static String describe(ValueSource source) {
        return switch (source.kind()) {
            case FIELD -> "field " + source.name();
            case HEADER -> "header " + source.name();
            case KEY -> "record key";
            case FIXED -> "fixed values";
            case TIMESTAMP -> "record timestamp";
        };
    }
}
