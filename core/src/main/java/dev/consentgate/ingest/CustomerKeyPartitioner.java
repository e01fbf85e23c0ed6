package dev.consentgate.ingest;

import dev.consentgate.output.Outbound;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Writes a record keyed by a customer id to that customer's partition ({@link CustomerPartitions}) of the topic,
 * whatever partitioner the producer is configured with.
 */
public final class CustomerKeyPartitioner implements StreamPartitioner<byte[], Outbound> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, byte[] key, Outbound value, Headers headers, int numPartitions) {
        return Optional.of(Set.of(new CustomerPartitions(numPartitions).of(new String(key, StandardCharsets.UTF_8))));
    }

    /**
     * Kafka 4.4 deprecated this form for removal but still declares it abstract; Kafka Streams calls the form with
     * headers above. Remove this method when Kafka removes it.
     */
    @Override
    @Deprecated
    @SuppressWarnings("removal")
    public Optional<Set<Integer>> partitions(String topic, byte[] key, Outbound value, int numPartitions) {
        return partitions(topic, key, value, null, numPartitions);
    }
}
