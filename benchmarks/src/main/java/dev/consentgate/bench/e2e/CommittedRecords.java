package dev.consentgate.bench.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts committed records with a read_committed consumer: the proof that a round wrote what it
 * claims, since aborted transactions and commit markers take offsets but are not records.
 */
final class CommittedRecords implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;

    CommittedRecords(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.name().toLowerCase(Locale.ROOT));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The current end (last stable offset) of every partition of the topics: where the next round's count starts. */
    Map<TopicPartition, Long> ends(List<String> topics) {
        return consumer.endOffsets(partitions(topics));
    }

    /** The committed records in the topics after {@code from}, by topic. */
    Map<String, Long> countSince(Map<TopicPartition, Long> from) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(from.keySet());
        consumer.assign(from.keySet());
        from.forEach(consumer::seek);
        Map<String, Long> counts = new HashMap<>();
        from.keySet().forEach(partition -> counts.put(partition.topic(), 0L));
        while (from.keySet().stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
            records.partitions().forEach(partition -> counts.merge(partition.topic(), (long) records.records(partition).size(), Long::sum));
        }
        return counts;
    }

    private List<TopicPartition> partitions(List<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        return partitions;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
