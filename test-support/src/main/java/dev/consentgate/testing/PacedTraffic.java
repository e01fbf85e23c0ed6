package dev.consentgate.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Records sent at a steady rate on a thread of its own, as live traffic arrives while the service
 * runs, is killed or loses its broker. The producer is idempotent (Kafka's default) and retries
 * through a broker outage, so every record lands exactly once; any send that fails fails {@link #await}.
 *
 * <p>The last records can be held back until {@link #releaseHeldBack}: a test that makes faults at
 * points of the run holds back what comes after its last point, so that no fault can come after the
 * service has caught up with all the traffic. Without that, a broker outage lets the paced traffic
 * run ahead (the producer buffers it), the service then catches up with the whole backlog at once,
 * and a later fault may find nothing left to decide.
 */
final class PacedTraffic implements AutoCloseable {

    private final List<ProducerRecord<byte[], byte[]>> records;
    private final String bootstrapServers;
    private final int perSecond;
    private final int heldBack;
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean cancelled;

    private PacedTraffic(String bootstrapServers, List<ProducerRecord<byte[], byte[]>> records, int perSecond, int heldBack) {
        this.bootstrapServers = bootstrapServers;
        this.records = records;
        this.perSecond = perSecond;
        this.heldBack = heldBack;
        this.thread = new Thread(this::send, "paced-traffic");
        thread.setDaemon(true);
    }

    /** Starts sending {@code records} at {@code perSecond}, all but the last {@code heldBack}, which wait for {@link #releaseHeldBack}. */
    static PacedTraffic start(String bootstrapServers, List<ProducerRecord<byte[], byte[]>> records, int perSecond, int heldBack) {
        PacedTraffic traffic = new PacedTraffic(bootstrapServers, records, perSecond, heldBack);
        traffic.thread.start();
        return traffic;
    }

    /** Lets the held-back records follow, at the same rate from now. */
    void releaseHeldBack() {
        released.countDown();
    }

    private void send() {
        int firstHeldBack = records.size() - heldBack;
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.producer(bootstrapServers)) {
            sendPaced(producer, 0, firstHeldBack);
            released.await();
            sendPaced(producer, firstHeldBack, records.size());
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }

    private void sendPaced(KafkaProducer<byte[], byte[]> producer, int from, int to) throws InterruptedException {
        long start = System.nanoTime();
        for (int i = from; i < to && !cancelled; i++) {
            long due = start + (i - from) * 1_000_000_000L / perSecond;
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
    }

    /** Waits until every record is sent and acknowledged; fails if one could not be. */
    void await(Duration timeout) throws InterruptedException {
        if (heldBack > 0 && released.getCount() > 0) {
            throw new AssertionError(heldBack + " records of the traffic are held back and were never released");
        }
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
        released.countDown();
        thread.join(30_000);
    }
}
