package dev.consentgate.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * How many audit records committed transactions have written so far, counted by a read_committed
 * consumer on a thread of its own: where the service is in the run, to put faults mid-run.
 */
public final class AuditProgress implements AutoCloseable {

    private final AtomicLong committed = new AtomicLong();
    private final AtomicLongArray committedByPartition;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean closing;

    AuditProgress(String bootstrapServers, String auditTopic) {
        consumer = KafkaTestSupport.readCommittedConsumer(bootstrapServers);
        // Assigned, not subscribed: a group member rejoins after a broker restart and reads again from
        // its last committed offset, which counted records twice (over 100 % of the run once).
        List<TopicPartition> partitions = consumer.partitionsFor(auditTopic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        committedByPartition = new AtomicLongArray(partitions.size());
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::count, "audit-progress");
        thread.setDaemon(true);
        thread.start();
    }

    private void count() {
        try (consumer) {
            while (!closing) {
                consumer.poll(Duration.ofMillis(100)).forEach(record -> {
                    committedByPartition.incrementAndGet(record.partition());
                    committed.incrementAndGet();
                });
            }
        } catch (WakeupException closed) {
            // close() woke the consumer up
        }
    }

    public long committed() {
        return committed.get();
    }

    /** The audit records committed so far on each partition of the audit topic, indexed by partition. */
    public long[] committedByPartition() {
        long[] counts = new long[committedByPartition.length()];
        for (int partition = 0; partition < counts.length; partition++) {
            counts[partition] = committedByPartition.get(partition);
        }
        return counts;
    }

    /**
     * Waits until at least {@code count} audit records are committed; fails if that takes longer than
     * the timeout or {@code running} turns false (the service died), naming what {@code context} says.
     */
    long awaitAtLeast(long count, Duration timeout, BooleanSupplier running, String context) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (committed.get() < count) {
            if (!running.getAsBoolean()) {
                throw new AssertionError("the service stopped at " + committed.get() + " audit records, before " + count + "; " + context);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + committed.get() + " audit records after " + timeout + ", waiting for " + count + "; " + context);
            }
            Thread.sleep(20);
        }
        return committed.get();
    }

    @Override
    public void close() throws InterruptedException {
        closing = true;
        consumer.wakeup();
        thread.join(10_000);
    }
}
