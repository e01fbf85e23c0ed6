package dev.consentgate.replay;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of one partition from an offset up to a bound captured at the start, read with an
 * assigned consumer (no group), one poll at a time. With read_committed, aborted records and
 * transaction markers are skipped: offsets may have gaps.
 */
final class PartitionCursor {

    private static final Duration POLL = Duration.ofMillis(500);
    /** No record and no progress for this long: the broker is taken to be gone. */
    static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

    private final Consumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final long endExclusive;
    private final Progress progress;
    private final Deque<ConsumerRecord<byte[], byte[]>> buffer = new ArrayDeque<>();
    private long position;

    PartitionCursor(Consumer<byte[], byte[]> consumer, TopicPartition partition, long from, long endExclusive, Progress progress) {
        this.consumer = consumer;
        this.partition = partition;
        this.endExclusive = endExclusive;
        this.progress = progress;
        this.position = from;
    }

    /** The next record without taking it; null when the partition is read up to its bound. */
    ConsumerRecord<byte[], byte[]> peek() {
        fill();
        return buffer.peekFirst();
    }

    ConsumerRecord<byte[], byte[]> next() {
        fill();
        return buffer.pollFirst();
    }

    private void fill() {
        long stalledSince = System.nanoTime();
        if (buffer.isEmpty() && position < endExclusive && !consumer.assignment().equals(Set.of(partition))) {
            // Cursors take turns on one consumer (a consent partition and its rerouted one): each resumes where it stopped.
            consumer.assign(List.of(partition));
            consumer.seek(partition, position);
        }
        while (buffer.isEmpty() && position < endExclusive) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL).records(partition)) {
                if (record.offset() < endExclusive) {
                    buffer.addLast(record);
                }
            }
            long reached = Math.min(consumer.position(partition), endExclusive);
            if (reached > position) {
                progress.read(reached - position);
                position = reached;
                stalledSince = System.nanoTime();
            } else if (System.nanoTime() - stalledSince > STALL_TIMEOUT.toNanos()) {
                throw new ReplayException(ReplayException.Kind.UNREACHABLE, "no record of " + partition + " could be read for "
                        + STALL_TIMEOUT.toSeconds() + " s at offset " + position + " (the bound is " + endExclusive + ")");
            }
        }
    }
}
