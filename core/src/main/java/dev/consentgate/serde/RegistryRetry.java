package dev.consentgate.serde;

import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rides out a short registry outage in place: only a schema not yet cached needs the registry, and
 * a blip should not cost a rebalance. A longer outage is rethrown, and the service retries the
 * transaction on a fresh stream thread.
 */
public final class RegistryRetry {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryRetry.class);
    private static final int ATTEMPTS = 5;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);

    private RegistryRetry() {
    }

    public static <T> T call(Supplier<T> registryCall) {
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            try {
                return registryCall.get();
            } catch (RuntimeException e) {
                // Another serde (Confluent's) reports an unreachable registry as a SerializationException around the I/O error.
                if (attempt == ATTEMPTS || !TransientErrors.isTransient(e)) {
                    throw e;
                }
                LOG.warn("Schema registry unavailable (attempt {} of {}): {}; retrying in {} ms", attempt, ATTEMPTS, e.getMessage(), backoff.toMillis());
                sleep(backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
    }

    private static void sleep(Duration backoff) {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryUnavailableException("interrupted while waiting for the schema registry", interrupted);
        }
    }
}
