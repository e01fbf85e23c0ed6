package dev.consentgate.enforce;

import dev.consentgate.metrics.EnforcementMetrics;
import java.time.Duration;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Reports a task's review queue to the gauges on a wall-clock timer: how many records it holds and since when the oldest
 * waits. The timer only reads the store, so it changes no decision; a task that closes takes its queue out of the gauges.
 */
final class ReviewQueueGauges {

    static final Duration INTERVAL = Duration.ofSeconds(15);

    private final EnforcementMetrics metrics;
    private final int partition;
    private final Cancellable timer;

    ReviewQueueGauges(ReviewHolds holds, EnforcementMetrics metrics, ProcessorContext<?, ?> context) {
        this.metrics = metrics;
        this.partition = context.taskId().partition();
        report(holds);
        this.timer = context.schedule(INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> report(holds));
    }

    private void report(ReviewHolds holds) {
        ReviewHolds.Queue queue = holds.queue();
        metrics.reviewQueue(partition, queue.size(), queue.oldestHeldAt());
    }

    void close() {
        timer.cancel();
        metrics.reviewQueueClosed(partition);
    }
}
