package dev.consentgate.tools;

import dev.consentgate.cli.CommandFailure;
import dev.consentgate.cli.ExitCodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads committed records of a topic between offsets fixed before reading starts: a bounded job for
 * the auditor's commands. It assigns partitions itself, so it joins no consumer group and commits no
 * offsets; the service's group never notices it.
 */
final class BoundedTopicReader implements AutoCloseable {

    /** The offsets to read in one partition, {@code start} inclusive, {@code end} exclusive; {@code logStart} is its first offset. */
    record Span(TopicPartition partition, long start, long end, long logStart) {

        boolean startsTheLog() {
            return start <= logStart;
        }
    }

    /** How long a read may go without progress before it is given up. */
    private static final Duration STALL_LIMIT = Duration.ofSeconds(60);

    private final KafkaConsumer<byte[], byte[]> consumer;

    BoundedTopicReader(Map<String, Object> properties) {
        Map<String, Object> config = new HashMap<>();
        // The application's file also holds Streams and ConsentGate keys; a consumer is given only its own.
        properties.forEach((key, value) -> {
            if (ConsumerConfig.configNames().contains(key)) {
                config.put(key, value);
            }
        });
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "consentgate-auditor");
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The spans of {@code topic} that {@code range} selects, fixed now: records written later are not read. */
    List<Span> spans(String topic, RecordRange range) {
        List<PartitionInfo> infos = partitions(topic);
        Set<Integer> wanted = Set.copyOf(range.partitions);
        List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition()))
                .filter(tp -> wanted.isEmpty() || wanted.contains(tp.partition()))
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition())).toList();
        if (partitions.size() < wanted.size()) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, "topic " + topic + " has " + infos.size() + " partitions; asked for " + wanted);
        }
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> from = range.from == null ? Map.of() : offsetsAt(partitions, range.from.toEpochMilli(), end);
        Map<TopicPartition, Long> to = range.to == null ? Map.of() : offsetsAt(partitions, range.to.toEpochMilli(), end);
        List<Span> spans = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            long logStart = beginning.get(tp);
            long start = Math.max(logStart, range.fromOffset != null ? range.fromOffset : from.getOrDefault(tp, logStart));
            long stop = Math.min(end.get(tp), range.toOffset != null ? range.toOffset : to.getOrDefault(tp, end.get(tp)));
            spans.add(new Span(tp, start, Math.max(start, stop), logStart));
        }
        return spans;
    }

    /** How many partitions {@code topic} has; a {@link CommandFailure} (exit 4) when it does not exist. */
    int partitionCount(String topic) {
        return partitions(topic).size();
    }

    private List<PartitionInfo> partitions(String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new CommandFailure(ExitCodes.TOPIC_PROBLEM, "topic " + topic + " does not exist");
        }
        return infos;
    }

    private Map<TopicPartition, Long> offsetsAt(List<TopicPartition> partitions, long timestamp, Map<TopicPartition, Long> end) {
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(
                partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> timestamp)));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        // No record at or after the time: the range starts (or ends) at the end of the partition.
        partitions.forEach(tp -> offsets.put(tp, found.get(tp) == null ? end.get(tp) : found.get(tp).offset()));
        return offsets;
    }

    /** Hands every committed record of the spans to {@code handler}, in offset order within each partition. */
    void read(List<Span> spans, Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        Map<TopicPartition, Long> ends = new HashMap<>();
        spans.stream().filter(s -> s.end() > s.start()).forEach(s -> ends.put(s.partition(), s.end()));
        consumer.assign(ends.keySet());
        spans.stream().filter(s -> ends.containsKey(s.partition())).forEach(s -> consumer.seek(s.partition(), s.start()));
        long lastProgress = System.nanoTime();
        while (!ends.isEmpty()) {
            boolean progressed = false;
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                Long stop = ends.get(new TopicPartition(record.topic(), record.partition()));
                if (stop != null && record.offset() < stop) {
                    handler.accept(record);
                    progressed = true;
                }
            }
            for (TopicPartition tp : List.copyOf(ends.keySet())) {
                // Transaction markers take offsets too, so the position, not the last record, says a span is done.
                if (consumer.position(tp) >= ends.get(tp)) {
                    ends.remove(tp);
                    consumer.pause(Set.of(tp));
                    progressed = true;
                }
            }
            if (progressed) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL_LIMIT.toNanos()) {
                throw new CommandFailure(ExitCodes.UNREACHABLE, "reading stalled for " + STALL_LIMIT.toSeconds() + " s; still to read: " + ends);
            }
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
