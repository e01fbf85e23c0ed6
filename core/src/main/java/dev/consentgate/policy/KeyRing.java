package dev.consentgate.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The current key of one use, which makes every new hash, and the keys it replaced, kept so that hashes made before a
 * rotation can still be verified and looked up. Key ids are unique within a ring: an id names one key for good.
 */
public record KeyRing(HmacKey current, List<HmacKey> previous) {

    public KeyRing {
        previous = List.copyOf(previous);
        Set<String> ids = new HashSet<>();
        for (HmacKey key : all(current, previous)) {
            if (!ids.add(key.id())) {
                throw new IllegalArgumentException("key id " + key.id() + " is given to more than one key");
            }
        }
    }

    /** The current key first, then the previous ones in the order they were given. */
    public List<HmacKey> all() {
        return all(current, previous);
    }

    /** The ids of every key of the ring. */
    public Set<String> ids() {
        Set<String> ids = new HashSet<>();
        all().forEach(key -> ids.add(key.id()));
        return ids;
    }

    /** {@code value}'s hash under every key of the ring: a lookup that finds records made before and after a rotation. */
    public Set<String> hashesOf(String value) {
        Set<String> hashes = new HashSet<>();
        all().forEach(key -> hashes.add(key.hash().hex(value)));
        return hashes;
    }

    private static List<HmacKey> all(HmacKey current, List<HmacKey> previous) {
        List<HmacKey> all = new ArrayList<>(previous.size() + 1);
        all.add(current);
        all.addAll(previous);
        return all;
    }
}
