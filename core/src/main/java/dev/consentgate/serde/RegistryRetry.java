package dev.consentgate.serde;

import java.time.Duration;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rides out a short registry outage in place: only a schema not yet cached needs the registry, and
 * a blip should not cost a rebalance. A longer outage is rethrown, and the service retries the
 * transaction on a fresh stream thread.
 *
 * <p>The calls run on the stream thread inside its open transaction, which the brokers abort (fence)
 * once it is older than {@code transaction.timeout.ms} (10 s under exactly-once). So the attempts end
 * within {@link #BUDGET}: a retry is not begun when its backoff would pass it, and with
 * {@link HttpSchemaRegistryClient#DEFAULT_TIMEOUT} per request and URL even a registry that never
 * answers lets the call fail before the transaction's time is up, when one URL is configured.
 */
public final class RegistryRetry {

    /** From the first attempt, how long retries may still begin. */
    static final Duration BUDGET = Duration.ofSeconds(4);
    private static final Logger LOG = LoggerFactory.getLogger(RegistryRetry.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);

    private RegistryRetry() {
    }

    public static <T> T call(Supplier<T> registryCall) {
        return call(registryCall, Time.SYSTEM);
    }

    static <T> T call(Supplier<T> registryCall, Time time) {
        long deadline = time.milliseconds() + BUDGET.toMillis();
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            try {
                return registryCall.get();
            } catch (RuntimeException e) {
                // Another serde (Confluent's) reports an unreachable registry as a SerializationException around the I/O error.
                if (!TransientErrors.isTransient(e) || time.milliseconds() + backoff.toMillis() > deadline) {
                    throw e;
                }
                LOG.warn("Schema registry unavailable (attempt {}): {}; retrying in {} ms", attempt, e.getMessage(), backoff.toMillis());
                sleep(time, backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
    }

    private static void sleep(Time time, Duration backoff) {
        time.sleep(backoff.toMillis());
        // Kafka's clock wakes early when the thread is interrupted and keeps the flag: a thread being stopped stops asking.
        if (Thread.currentThread().isInterrupted()) {
            throw new SchemaRegistryUnavailableException("interrupted while waiting for the schema registry");
        }
    }
}
