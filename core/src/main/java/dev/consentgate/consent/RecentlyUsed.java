package dev.consentgate.consent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map of at most {@code capacity} entries that drops the one used longest ago: what a task keeps in memory of its
 * customers' state. Not thread-safe: each task's processor keeps its own.
 */
public final class RecentlyUsed<K, V> extends LinkedHashMap<K, V> {

    private final int capacity;

    /** @param capacity how many entries it keeps; 0 keeps none */
    public RecentlyUsed(int capacity) {
        super(16, 0.75f, true);
        this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
    }
}
