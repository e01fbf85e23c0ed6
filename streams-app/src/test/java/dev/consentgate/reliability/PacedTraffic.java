package dev.consentgate.reliability;

import dev.consentgate.cli.KafkaTestSupport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Records sent at a steady rate on a thread of its own, as live traffic arrives while the service
 * runs, is killed or loses its broker. The producer is idempotent (Kafka's default) and retries
 * through a broker outage, so every record lands exactly once; any send that fails fails {@link #await}.
 */
final class PacedTraffic implements AutoCloseable {

    private final List<ProducerRecord<byte[], byte[]>> records;
    private final String bootstrapServers;
    private final int perSecond;
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean cancelled;

    private PacedTraffic(String bootstrapServers, List<ProducerRecord<byte[], byte[]>> records, int perSecond) {
        this.bootstrapServers = bootstrapServers;
        this.records = records;
        this.perSecond = perSecond;
        this.thread = new Thread(this::send, "paced-traffic");
        thread.setDaemon(true);
    }

    static PacedTraffic start(String bootstrapServers, List<ProducerRecord<byte[], byte[]>> records, int perSecond) {
        PacedTraffic traffic = new PacedTraffic(bootstrapServers, records, perSecond);
        traffic.thread.start();
        return traffic;
    }

    private void send() {
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.producer(bootstrapServers)) {
            for (int i = 0; i < records.size() && !cancelled; i++) {
                long due = start + i * 1_000_000_000L / perSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                producer.send(records.get(i), (metadata, exception) -> {
                    if (exception == null) {
                        acknowledged.incrementAndGet();
                    } else {
                        failure.compareAndSet(null, exception);
                    }
                });
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Waits until every record is sent and acknowledged; fails if one could not be. */
    void await(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        if (thread.isAlive()) {
            throw new AssertionError("traffic not all sent after " + timeout + ": " + acknowledged.get() + " of " + records.size());
        }
        if (failure.get() != null) {
            throw new AssertionError("a record of the traffic could not be sent", failure.get());
        }
        if (acknowledged.get() != records.size()) {
            throw new AssertionError("traffic acknowledged: " + acknowledged.get() + " of " + records.size());
        }
    }

    @Override
    public void close() throws InterruptedException {
        cancelled = true;
        thread.join(30_000);
    }
}
