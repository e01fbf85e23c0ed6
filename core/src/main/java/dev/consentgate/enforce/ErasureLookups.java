package dev.consentgate.enforce;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What an erasure notice needs to read back from Kafka once the customer's deliveries are committed: the request itself (for
 * the customer id, which no internal topic holds) and where the customer's records sit in each purpose topic.
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
    Optional<byte[]> valueAt(String topic, int partition, long offset);

    /** The partition {@code topic}'s producer partitioning gives {@code key}; empty when the topic does not exist. */
    OptionalInt partitionOf(String topic, byte[] key);

    /**
     * The offset of the first record keyed {@code key} with header {@code consent-event-id} equal to {@code eventId},
     * searched from the first record of {@code timestamp} or later; empty when it is no longer there.
     */
    OptionalLong offsetOf(String topic, int partition, byte[] key, long timestamp, String eventId);

    @Override
    void close();
}
