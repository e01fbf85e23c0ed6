package dev.consentgate.topology;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Writes a record keyed by a customer id to that customer's partition ({@link CustomerPartitions}) of the topic,
 * whatever partitioner the producer is configured with.
 */
final class CustomerKeyPartitioner implements StreamPartitioner<byte[], Outbound> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, byte[] key, Outbound value, int numPartitions) {
        return Optional.of(Set.of(new CustomerPartitions(numPartitions).of(new String(key, StandardCharsets.UTF_8))));
    }
}
