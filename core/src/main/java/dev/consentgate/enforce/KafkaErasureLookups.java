package dev.consentgate.enforce;

import dev.consentgate.output.OutputHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.InvalidOffsetException;
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

    private final Consumer<byte[], byte[]> consumer;

    KafkaErasureLookups(Map<String, Object> appConfigs, String clientId) {
        this(consumer(appConfigs, clientId));
    }

    /** Lookups with {@code consumer}, which must read committed records only and be assigned partitions by these lookups alone. */
    KafkaErasureLookups(Consumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    private static Consumer<byte[], byte[]> consumer(Map<String, Object> appConfigs, String clientId) {
        Map<String, Object> configs = new StreamsConfig(appConfigs).getRestoreConsumerConfigs(clientId);
        configs.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        configs.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        // A position retention deleted is reported, not silently moved: the lookups then know the record is gone.
        configs.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        configs.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(configs, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Optional<byte[]> valueAt(String topic, int partition, long offset, Timer timer) {
        TopicPartition tp = new TopicPartition(topic, partition);
        long end = consumer.endOffsets(List.of(tp), remaining(timer)).get(tp);
        if (offset >= end) {
            return Optional.empty();
        }
        assign(Set.of(tp));
        consumer.seek(tp, offset);
        try {
            while (true) {
                for (ConsumerRecord<byte[], byte[]> record : poll(timer).records(tp)) {
                    if (record.offset() == offset) {
                        return Optional.ofNullable(record.value());
                    }
                    if (record.offset() > offset) {
                        // An aborted or compacted record: the request is not there.
                        return Optional.empty();
                    }
                }
                if (consumer.position(tp, remaining(timer)) >= end) {
                    // Passed without a record: aborted, its transaction marker after it.
                    return Optional.empty();
                }
            }
        } catch (InvalidOffsetException deleted) {
            // Retention deleted it.
            return Optional.empty();
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
    public Map<Search, Long> offsetsOf(Set<Search> searches, Timer timer) {
        Map<Search, Long> found = new HashMap<>();
        try {
            for (List<Search> round : rounds(searches)) {
                search(round, timer, found);
            }
        } catch (TimeoutException outOfTime) {
            // What was found stands; the other searches have no offset.
        }
        return found;
    }

    /** The searches in rounds of at most one per partition: {@code offsetsForTimes} takes one timestamp per partition. */
    private static List<List<Search>> rounds(Set<Search> searches) {
        Map<TopicPartition, List<Search>> byPartition = new LinkedHashMap<>();
        searches.forEach(search -> byPartition.computeIfAbsent(search.topicPartition(), tp -> new ArrayList<>()).add(search));
        List<List<Search>> rounds = new ArrayList<>();
        for (List<Search> ofPartition : byPartition.values()) {
            for (int i = 0; i < ofPartition.size(); i++) {
                if (rounds.size() == i) {
                    rounds.add(new ArrayList<>());
                }
                rounds.get(i).add(ofPartition.get(i));
            }
        }
        return rounds;
    }

    /**
     * Searches each partition of the round at once, in one request for their start offsets, one for their end offsets,
     * then polls over all of them: a notice's lookups then take a few round trips to the brokers, not a few per topic.
     */
    private void search(List<Search> round, Timer timer, Map<Search, Long> found) {
        Map<TopicPartition, Search> searches = new HashMap<>();
        Map<TopicPartition, Long> times = new HashMap<>();
        round.forEach(search -> {
            searches.put(search.topicPartition(), search);
            times.put(search.topicPartition(), search.timestamp());
        });
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(times, remaining(timer));
        Map<TopicPartition, Long> ends = consumer.endOffsets(times.keySet(), remaining(timer));
        Set<TopicPartition> open = new HashSet<>();
        starts.forEach((tp, start) -> {
            if (start != null && start.offset() < ends.get(tp)) {
                open.add(tp);
            }
        });
        assign(open);
        open.forEach(tp -> consumer.seek(tp, starts.get(tp).offset()));
        Map<TopicPartition, Integer> scanned = new HashMap<>();
        while (!open.isEmpty()) {
            ConsumerRecords<byte[], byte[]> records;
            try {
                records = poll(timer);
            } catch (InvalidOffsetException deleted) {
                // Retention deleted where the search stood: what it looks for is no longer there.
                close(open, deleted.partitions());
                continue;
            }
            // Every record polled is looked at before anything can run out of time: nothing found is thrown away.
            for (TopicPartition tp : List.copyOf(open)) {
                Search search = searches.get(tp);
                for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                    if (record.offset() >= ends.get(tp) || scanned.merge(tp, 1, Integer::sum) > MAX_SCANNED) {
                        close(open, Set.of(tp));
                        break;
                    }
                    if (isWanted(record, search)) {
                        found.put(search, record.offset());
                        close(open, Set.of(tp));
                        break;
                    }
                }
            }
            for (TopicPartition tp : List.copyOf(open)) {
                if (consumer.position(tp, remaining(timer)) >= ends.get(tp)) {
                    close(open, Set.of(tp));
                }
            }
        }
    }

    /** Ends the searches of {@code partitions}: no more records of theirs are fetched. */
    private void close(Set<TopicPartition> open, Set<TopicPartition> partitions) {
        open.removeAll(partitions);
        consumer.pause(partitions);
    }

    private static boolean isWanted(ConsumerRecord<byte[], byte[]> record, Search search) {
        Header header = record.headers().lastHeader(OutputHeaders.EVENT_ID);
        return Arrays.equals(record.key(), search.key().getBytes(StandardCharsets.UTF_8)) && header != null
                && Arrays.equals(header.value(), search.eventId().getBytes(StandardCharsets.UTF_8));
    }

    /** Reads {@code partitions} alone, none of them paused (a partition a search finished with stays paused while assigned). */
    private void assign(Set<TopicPartition> partitions) {
        consumer.assign(partitions);
        consumer.resume(partitions);
    }

    /** One poll of at most 100 ms, within the timer; a timer already expired throws. */
    private ConsumerRecords<byte[], byte[]> poll(Timer timer) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(Math.min(POLL_MS, remaining(timer).toMillis())));
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
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
