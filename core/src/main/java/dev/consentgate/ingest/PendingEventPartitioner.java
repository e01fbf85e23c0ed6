package dev.consentgate.ingest;

import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Writes an event to its customer's partition ({@link CustomerPartitions}) of a repartition topic whose key is not the
 * customer id but its HMAC: the partition comes from the customer id the event carries, so it stays the one the
 * customer's consent is on, whatever the key.
 */
public final class PendingEventPartitioner implements StreamPartitioner<String, PendingEvent> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, PendingEvent value, Headers headers, int numPartitions) {
        return Optional.of(Set.of(new CustomerPartitions(numPartitions).of(value.customerId())));
    }

    /**
     * Kafka 4.4 deprecated this form for removal but still declares it abstract; Kafka Streams calls the form with
     * headers above. Remove this method when Kafka removes it.
     */
    @Override
    @Deprecated
    @SuppressWarnings("removal")
    public Optional<Set<Integer>> partitions(String topic, String key, PendingEvent value, int numPartitions) {
        return partitions(topic, key, value, null, numPartitions);
    }
}
