package dev.consentgate.replay;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;

/**
 * An audit record as plain values (maps, lists, strings, numbers), whatever schema version or reader
 * decoded it, and the comparison of a recorded one with a replayed one.
 */
final class AuditView {

    /**
     * Fields a replay does not compare: the wall clock, the hash chain (checked by {@code audit verify}),
     * and the positions that are the replay's own (it matched the records by them).
     */
    static final Set<String> NOT_COMPARED = Set.of("processedAt", "chain", "consentPartition", "consentOffset", "reroutedConsentOffset",
            "inputPartition", "inputOffset");

    /**
     * Fields added to the audit record after replay existed, with the value records written before them carry: such a
     * record is compared on the fields it has.
     */
    private static final Map<String, Object> ADDED_LATER = addedLater();

    private AuditView() {
    }

    /** The decoded Avro value as plain values: records become maps in field order, strings and enums strings, times epoch millis. */
    static Object plain(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof GenericRecord record) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Schema.Field field : record.getSchema().getFields()) {
                map.put(field.name(), plain(record.get(field.name())));
            }
            return map;
        }
        if (value instanceof GenericFixed fixed) {
            return HexFormat.of().formatHex(fixed.bytes());
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer view = buffer.duplicate();
            byte[] bytes = new byte[view.remaining()];
            view.get(bytes);
            return HexFormat.of().formatHex(bytes);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(item -> copy.add(plain(item)));
            return copy;
        }
        if (value instanceof Instant instant) {
            return instant.toEpochMilli();
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Boolean || value instanceof Double) {
            return value;
        }
        if (value instanceof CharSequence || value instanceof Enum<?> || value instanceof GenericContainer) {
            return value.toString();
        }
        return value.toString();
    }

    private static Map<String, Object> addedLater() {
        Map<String, Object> fields = new HashMap<>();
        fields.put("inputSchemaId", -1);
        fields.put("pseudonymKeyId", null);
        return Collections.unmodifiableMap(fields);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> of(Object decoded) {
        Object plain = plain(decoded);
        if (!(plain instanceof Map)) {
            throw new IllegalArgumentException("not an Avro record");
        }
        return (Map<String, Object>) plain;
    }

    /**
     * Where {@code recorded} and {@code replayed} differ, one line per differing value, e.g.
     * {@code decisions[train_ai_system].decision: PERMIT | DROP}; empty when they agree.
     */
    static List<Difference> differences(Map<String, Object> recorded, Map<String, Object> replayed) {
        List<Difference> found = new ArrayList<>();
        Set<String> keys = new java.util.LinkedHashSet<>(recorded.keySet());
        keys.addAll(replayed.keySet());
        for (String key : keys) {
            boolean writtenBeforeTheField = ADDED_LATER.containsKey(key) && Objects.equals(ADDED_LATER.get(key), recorded.get(key));
            if (!NOT_COMPARED.contains(key) && !writtenBeforeTheField) {
                compare(key, recorded.get(key), replayed.get(key), found);
            }
        }
        return found;
    }

    /** One differing value: where, and both sides. */
    record Difference(String path, Object recorded, Object replayed) {
        @Override
        public String toString() {
            return path + ": " + recorded + " | " + replayed;
        }
    }

    private static void compare(String path, Object recorded, Object replayed, List<Difference> found) {
        if (recorded instanceof Map<?, ?> left && replayed instanceof Map<?, ?> right) {
            Set<Object> keys = new java.util.LinkedHashSet<>(left.keySet());
            keys.addAll(right.keySet());
            for (Object key : keys) {
                compare(path + "." + key, left.get(key), right.get(key), found);
            }
        } else if (recorded instanceof List<?> left && replayed instanceof List<?> right && left.size() == right.size()) {
            for (int i = 0; i < left.size(); i++) {
                compare(path + "[" + label(left.get(i), i) + "]", left.get(i), right.get(i), found);
            }
        } else if (!Objects.equals(recorded, replayed)) {
            found.add(new Difference(path, recorded, replayed));
        }
    }

    /** A purpose decision is named by its purpose, anything else by its index. */
    private static String label(Object element, int index) {
        if (element instanceof Map<?, ?> map && map.get("purpose") != null) {
            return map.get("purpose").toString();
        }
        return Integer.toString(index);
    }
}
