package dev.consentgate.enforce;

import dev.consentgate.output.OutputHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ErasureLookups} with a consumer of its own: no group (it only seeks), committed records only, so it sees exactly
 * what the purpose topics' readers see.
 *
 * <p>A search reads at most {@link #MAX_SCANNED} records from the first record at or after the wanted timestamp, and
 * stops at the end of the partition as it was when the search began: a purpose record carries its event's timestamp, so
 * it lies a few records after that point unless the partition's timestamps are badly out of order. The bound keeps the
 * stream thread well inside its transaction timeout; {@link #MAX_SEARCH} is the backstop should the brokers stall.
 */
final class KafkaErasureLookups implements ErasureLookups {

    static final int MAX_SCANNED = 50_000;
    private static final Duration MAX_SEARCH = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Logger LOG = LoggerFactory.getLogger(KafkaErasureLookups.class);

    private final KafkaConsumer<byte[], byte[]> consumer;

    KafkaErasureLookups(Map<String, Object> appConfigs, String clientId) {
        Map<String, Object> configs = new StreamsConfig(appConfigs).getRestoreConsumerConfigs(clientId);
        configs.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        configs.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        configs.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(configs, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Optional<byte[]> valueAt(String topic, int partition, long offset) {
        TopicPartition tp = new TopicPartition(topic, partition);
        if (offset >= consumer.endOffsets(List.of(tp)).get(tp)) {
            return Optional.empty();
        }
        consumer.assign(List.of(tp));
        consumer.seek(tp, offset);
        long deadline = System.nanoTime() + MAX_SEARCH.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL).records(tp)) {
                if (record.offset() == offset) {
                    return Optional.ofNullable(record.value());
                }
                if (record.offset() > offset) {
                    // An aborted or compacted record: the request is not there.
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public OptionalInt partitionOf(String topic, byte[] key) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic);
        if (partitions == null || partitions.isEmpty()) {
            return OptionalInt.empty();
        }
        // What the producer's partitioning does with a keyed record when Kafka Streams leaves the partition to it.
        return OptionalInt.of(BuiltInPartitioner.partitionForKey(key, partitions.size()));
    }

    @Override
    public OptionalLong offsetOf(String topic, int partition, byte[] key, long timestamp, String eventId) {
        TopicPartition tp = new TopicPartition(topic, partition);
        OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(tp, timestamp)).get(tp);
        if (start == null) {
            return OptionalLong.empty();
        }
        long end = consumer.endOffsets(List.of(tp)).get(tp);
        byte[] wanted = eventId.getBytes(StandardCharsets.UTF_8);
        consumer.assign(List.of(tp));
        consumer.seek(tp, start.offset());
        long deadline = System.nanoTime() + MAX_SEARCH.toNanos();
        int scanned = 0;
        while (consumer.position(tp) < end && scanned < MAX_SCANNED) {
            if (System.nanoTime() >= deadline) {
                LOG.warn("gave up looking for a delivered record in {}-{} after {}: the erasure notice names no offset for it",
                        topic, partition, MAX_SEARCH);
                return OptionalLong.empty();
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL).records(tp)) {
                if (record.offset() >= end || ++scanned > MAX_SCANNED) {
                    return OptionalLong.empty();
                }
                if (Arrays.equals(record.key(), key) && hasEventId(record, wanted)) {
                    return OptionalLong.of(record.offset());
                }
            }
        }
        return OptionalLong.empty();
    }

    private static boolean hasEventId(ConsumerRecord<byte[], byte[]> record, byte[] eventId) {
        Header header = record.headers().lastHeader(OutputHeaders.EVENT_ID);
        return header != null && Arrays.equals(header.value(), eventId);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
