package dev.consentgate.bench.e2e;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The second half of a round: from the first poll at which the committed offsets of the events topic reach half
 * its end offsets, to the end of the round. A fresh JVM spends the start of a round compiling its code; by then most
 * of the warm-up is over, so the second half's rate is nearer to what a service that has run a while sustains.
 */
final class SecondHalf {

    private final Set<TopicPartition> eventPartitions;
    private final long totalEvents;
    private long startNanos = -1;
    private long eventsBefore;

    /** {@code ends} holds every input partition's end offset; only those of {@code eventsTopic} count. */
    SecondHalf(Map<TopicPartition, Long> ends, String eventsTopic) {
        this.eventPartitions = ends.keySet().stream().filter(partition -> partition.topic().equals(eventsTopic))
                .collect(Collectors.toUnmodifiableSet());
        this.totalEvents = eventPartitions.stream().mapToLong(ends::get).sum();
    }

    /** Called with the group's committed offsets at each poll of the round. */
    void observe(Map<TopicPartition, OffsetAndMetadata> committed, long nowNanos) {
        if (startNanos >= 0) {
            return;
        }
        long events = eventPartitions.stream().map(committed::get).filter(Objects::nonNull)
                .mapToLong(OffsetAndMetadata::offset).sum();
        if (events >= totalEvents / 2) {
            startNanos = nowNanos;
            eventsBefore = events;
        }
    }

    /** The events committed after the mark; call once the round is over. */
    long events() {
        return totalEvents - eventsBefore;
    }

    /** The seconds from the mark to {@code endNanos}. */
    double seconds(long endNanos) {
        if (startNanos < 0) {
            throw new IllegalStateException("the round ended before half of its events were committed");
        }
        return (endNanos - startNanos) / 1e9;
    }
}
