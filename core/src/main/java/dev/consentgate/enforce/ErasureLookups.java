package dev.consentgate.enforce;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.common.utils.Timer;

/**
 * What an erasure notice needs to read back from Kafka once the customer's deliveries are committed: the request itself (for
 * the customer id, which no internal topic holds) and where the customer's records sit in each purpose topic.
 *
 * <p>Each lookup ends by its {@code timer}'s expiry: one that cannot answer by then throws Kafka's
 * {@link org.apache.kafka.common.errors.TimeoutException}. The lookups run on the stream thread inside its open transaction.
 */
public interface ErasureLookups extends AutoCloseable {

    /** Opens the lookups of one task, from the application's Kafka Streams configuration (its brokers and credentials). */
    @FunctionalInterface
    interface Factory {
        ErasureLookups open(Map<String, Object> appConfigs, String clientId);
    }

    /** The lookups on the service's own brokers. */
    Factory KAFKA = KafkaErasureLookups::new;

    /** The value of the record at {@code offset} of {@code topic}'s {@code partition}, when it is there. */
    Optional<byte[]> valueAt(String topic, int partition, long offset, Timer timer);

    /** The partition {@code topic}'s producer partitioning gives {@code key}; empty when the topic does not exist. */
    OptionalInt partitionOf(String topic, byte[] key, Timer timer);

    /**
     * The offset of the first record keyed {@code key} with header {@code consent-event-id} equal to {@code eventId},
     * searched from the first record of {@code timestamp} or later; empty when it is no longer there.
     */
    OptionalLong offsetOf(String topic, int partition, byte[] key, long timestamp, String eventId, Timer timer);

    @Override
    void close();
}
