package dev.consentgate.output;

import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.StreamPartitioner;

/** Sends an outbound record to the partition it names, and leaves the others to the producer's partitioning by key. */
public final class OutboundPartitioner implements StreamPartitioner<byte[], Outbound> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, byte[] key, Outbound value, Headers headers, int numPartitions) {
        if (value == null || value.partition() == null) {
            return Optional.empty();
        }
        if (value.partition() >= numPartitions) {
            // Another partition would interleave two tasks' audit chains, or give a customer's consent to another task: stop.
            throw new IllegalStateException("topic " + topic + " has " + numPartitions + " partitions but needs at least "
                    + (value.partition() + 1) + ": it must have as many partitions as the consent topic");
        }
        return Optional.of(Set.of(value.partition()));
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
