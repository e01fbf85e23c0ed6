package dev.consentgate.policy;

import java.util.ArrayList;
import java.util.List;

/** A processing purpose: a dotted fideslang data-use key such as {@code marketing.communications.email}. */
public record Purpose(String key) implements Comparable<Purpose> {

    public Purpose {
        DottedKey.requireValid(key, "purpose");
    }

    public static Purpose of(String key) {
        return new Purpose(key);
    }

    /** The purposes of {@code keys}, in their order: a loop, not a stream, since it runs for every event. */
    public static List<Purpose> allOf(List<String> keys) {
        List<Purpose> purposes = new ArrayList<>(keys.size());
        for (String key : keys) {
            purposes.add(new Purpose(key));
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
