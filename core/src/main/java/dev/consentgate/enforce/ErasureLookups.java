package dev.consentgate.enforce;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Timer;

/**
 * What an erasure notice needs to read back from Kafka once the customer's deliveries are committed: the request itself (for
 * the customer id, which no internal topic holds) and where the customer's records sit in each purpose topic.
 *
 * <p>Each lookup ends by its {@code timer}'s expiry. The lookups of one task run on one thread, of their own unless they
 * answer at once.
 */
public interface ErasureLookups extends AutoCloseable {

    /** Opens the lookups of one task, from the application's Kafka Streams configuration (its brokers and credentials). */
    @FunctionalInterface
    interface Factory {
        ErasureLookups open(Map<String, Object> appConfigs, String clientId);

        /** Whether its lookups answer at once (in memory): they are then made on the stream thread. */
        default boolean answersAtOnce() {
            return false;
        }

        /** {@code factory}, whose lookups answer at once: a notice is written with the record that brings it. */
        static Factory answeringAtOnce(Factory factory) {
            return new Factory() {
                @Override
                public ErasureLookups open(Map<String, Object> appConfigs, String clientId) {
                    return factory.open(appConfigs, clientId);
                }

                @Override
                public boolean answersAtOnce() {
                    return true;
                }
            };
        }
    }

    /** The lookups on the service's own brokers. */
    Factory KAFKA = KafkaErasureLookups::new;

    /**
     * The value of the record at {@code offset} of {@code topic}'s {@code partition}, when it is there.
     *
     * @throws org.apache.kafka.common.errors.TimeoutException when it cannot be read before the timer expires
     */
    Optional<byte[]> valueAt(String topic, int partition, long offset, Timer timer);

    /**
     * The partition {@code topic}'s producer partitioning gives {@code key}; empty when the topic does not exist.
     *
     * @throws org.apache.kafka.common.errors.TimeoutException when the topic cannot be described before the timer expires
     */
    OptionalInt partitionOf(String topic, byte[] key, Timer timer);

    /**
     * The offset of each search's record, all searched at once; a search whose record is no longer there, or is not found
     * before the timer expires, has none.
     */
    Map<Search, Long> offsetsOf(Set<Search> searches, Timer timer);

    /**
     * One record to find in {@code topic}'s {@code partition}: the first keyed {@code key} with header
     * {@code consent-event-id} equal to {@code eventId}, from the first record of {@code timestamp} or later.
     */
    record Search(String topic, int partition, String key, long timestamp, String eventId) {

        TopicPartition topicPartition() {
            return new TopicPartition(topic, partition);
        }
    }

    /** Ends a lookup under way on another thread (it then throws): the task is closing. */
    default void wakeup() {
    }

    @Override
    void close();
}
