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
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Timer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * {@link ErasureLookups} with a consumer of its own: no group (it only seeks), committed records only, so it sees exactly
 * what the purpose topics' readers see.
 *
 * <p>A search reads at most {@link #MAX_SCANNED} records from the first record at or after the wanted timestamp, and
 * stops at the end of the partition as it was when the search began: a purpose record carries its event's timestamp, so
 * it lies a few records after that point unless the partition's timestamps are badly out of order. Every call, the
 * brokers' answers included, ends by its timer's expiry.
 */
final class KafkaErasureLookups implements ErasureLookups {

    static final int MAX_SCANNED = 50_000;
    private static final long POLL_MS = 100;

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
    public Optional<byte[]> valueAt(String topic, int partition, long offset, Timer timer) {
        TopicPartition tp = new TopicPartition(topic, partition);
        if (offset >= consumer.endOffsets(List.of(tp), remaining(timer)).get(tp)) {
            return Optional.empty();
        }
        consumer.assign(List.of(tp));
        consumer.seek(tp, offset);
        while (true) {
            for (ConsumerRecord<byte[], byte[]> record : poll(tp, timer)) {
                if (record.offset() == offset) {
                    return Optional.ofNullable(record.value());
                }
                if (record.offset() > offset) {
                    // An aborted or compacted record: the request is not there.
                    return Optional.empty();
                }
            }
        }
    }

    @Override
    public OptionalInt partitionOf(String topic, byte[] key, Timer timer) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, remaining(timer));
        if (partitions == null || partitions.isEmpty()) {
            return OptionalInt.empty();
        }
        // What the producer's partitioning does with a keyed record when Kafka Streams leaves the partition to it.
        return OptionalInt.of(BuiltInPartitioner.partitionForKey(key, partitions.size()));
    }

    @Override
    public OptionalLong offsetOf(String topic, int partition, byte[] key, long timestamp, String eventId, Timer timer) {
        TopicPartition tp = new TopicPartition(topic, partition);
        OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(tp, timestamp), remaining(timer)).get(tp);
        if (start == null) {
            return OptionalLong.empty();
        }
        long end = consumer.endOffsets(List.of(tp), remaining(timer)).get(tp);
        byte[] wanted = eventId.getBytes(StandardCharsets.UTF_8);
        consumer.assign(List.of(tp));
        consumer.seek(tp, start.offset());
        int scanned = 0;
        while (consumer.position(tp, remaining(timer)) < end && scanned < MAX_SCANNED) {
            for (ConsumerRecord<byte[], byte[]> record : poll(tp, timer)) {
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

    /** One poll of at most 100 ms, within the timer; a timer already expired throws. */
    private List<ConsumerRecord<byte[], byte[]>> poll(TopicPartition tp, Timer timer) {
        long waitMs = Math.min(POLL_MS, remaining(timer).toMillis());
        List<ConsumerRecord<byte[], byte[]>> records = consumer.poll(Duration.ofMillis(waitMs)).records(tp);
        timer.update();
        return records;
    }

    /** What is left of the timer; none left throws, as Kafka's own blocking calls do when they run out of time. */
    private static Duration remaining(Timer timer) {
        timer.update();
        if (timer.isExpired()) {
            throw new TimeoutException("an erasure notice's lookups ran out of their " + timer.timeoutMs() + " ms");
        }
        return Duration.ofMillis(timer.remainingMs());
    }

    @Override
    public void close() {
        consumer.close();
    }
}
