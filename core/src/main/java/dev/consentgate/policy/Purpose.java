package dev.consentgate.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** A processing purpose: a dotted fideslang data-use key such as {@code marketing.communications.email}. */
public record Purpose(String key) implements Comparable<Purpose> {

    /** Distinct purposes kept by {@link #of}; past this, new ones are validated on every call. */
    static final int MAX_KEPT = 10_000;

    /**
     * Every event declares its purposes as text, and they are few: keeping each one once saves validating it per
     * event, and hands out one key string whose hash is computed once for the lookups that follow (the rule, the
     * audit record's kept encodings). Bounded, since the keys come from records.
     */
    private static final ConcurrentMap<String, Purpose> KEPT = new ConcurrentHashMap<>();

    public Purpose {
        DottedKey.requireValid(key, "purpose");
    }

    /**
     * The purpose of {@code key}, the same instance for the same key while the kept ones are fewer than
     * {@link #MAX_KEPT}.
     *
     * @throws IllegalArgumentException when {@code key} is not a dotted key of lowercase words
     */
    public static Purpose of(String key) {
        Purpose kept = KEPT.get(key);
        if (kept != null) {
            return kept;
        }
        Purpose purpose = new Purpose(key);
        if (KEPT.size() < MAX_KEPT) {
            kept = KEPT.putIfAbsent(key, purpose);
        }
        return kept == null ? purpose : kept;
    }

    /** The purposes of {@code keys}, in their order: a loop, not a stream, since it runs for every event. */
    public static List<Purpose> allOf(List<String> keys) {
        List<Purpose> purposes = new ArrayList<>(keys.size());
        for (String key : keys) {
            purposes.add(of(key));
        }
        return purposes;
    }

    /** True when a statement about this purpose applies to {@code other}: it is this purpose or a descendant. */
    public boolean covers(Purpose other) {
        return DottedKey.covers(key, other.key);
    }

    /** This purpose, then its ancestors, most specific first. */
    public List<Purpose> selfAndAncestors() {
        return selfAndAncestorKeys().stream().map(Purpose::new).toList();
    }

    /** The keys of this purpose and its ancestors, most specific first: for lookups on the per-event path, which need no re-validation. */
    public List<String> selfAndAncestorKeys() {
        return DottedKey.selfAndAncestors(key);
    }

    @Override
    public int compareTo(Purpose o) {
        return key.compareTo(o.key);
    }

    @Override
    public String toString() {
        return key;
    }
}
