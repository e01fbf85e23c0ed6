package dev.consentgate.metrics;

import io.micrometer.core.instrument.Counter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The counters of one meter name, one per tag combination, registered on first use and reused
 * afterwards, so that counting an event does not build a meter id and look it up in the registry.
 *
 * @param <K> the tag combination; a small record or a string, with value equality
 */
final class CounterCache<K> {

    private final Map<K, Counter> counters = new ConcurrentHashMap<>();
    private final Function<K, Counter> register;

    CounterCache(Function<K, Counter> register) {
        this.register = register;
    }

    void increment(K tags) {
        counter(tags).increment();
    }

    void increment(K tags, double amount) {
        counter(tags).increment(amount);
    }

    private Counter counter(K tags) {
        // get() first: it never locks, while computeIfAbsent may lock a bin even when the key is present.
        Counter counter = counters.get(tags);
        return counter != null ? counter : counters.computeIfAbsent(tags, register);
    }
}
