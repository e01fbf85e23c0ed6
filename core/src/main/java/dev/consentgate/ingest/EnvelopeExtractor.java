package dev.consentgate.ingest;

import dev.consentgate.serde.AvroValues;
import dev.consentgate.policy.InputMapping;
import dev.consentgate.policy.Purpose;
import dev.consentgate.policy.ValueSource;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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
        String customerId = text(read(mapping.customerId(), value, headers, key, recordTimestamp));
        if (customerId == null || customerId.isEmpty()) {
            throw new RejectException(RejectReason.MISSING_CUSTOMER_ID, "no customer id at " + describe(mapping.customerId()));
        }
        List<String> purposes = purposes(read(mapping.purposes(), value, headers, key, recordTimestamp));
        long eventTime = eventTime(read(mapping.eventTime(), value, headers, key, recordTimestamp));
        String eventId = mapping.eventId().isEmpty() ? null : text(read(mapping.eventId().get(), value, headers, key, recordTimestamp));
        if (eventId == null || eventId.isEmpty()) {
            // Built only when needed: as an orElse argument it was concatenated for every event.
            eventId = position.topic() + "-" + position.partition() + "-" + position.offset();
        }
        String jurisdiction = mapping.jurisdiction()
                .map(source -> text(read(source, value, headers, key, recordTimestamp)))
                .orElse(null);
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

    /** A list of strings, or one comma-separated string (the usual shape in a header). */
    private List<String> purposes(Object value) throws RejectException {
        if (value == null) {
            throw new RejectException(RejectReason.MISSING_PURPOSES, "no purposes at " + describe(mapping.purposes()));
        }
        Collection<?> items = value instanceof Collection<?> collection ? collection
                : Arrays.stream(value.toString().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        List<String> purposes = new ArrayList<>(items.size());
        for (Object item : items) {
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
