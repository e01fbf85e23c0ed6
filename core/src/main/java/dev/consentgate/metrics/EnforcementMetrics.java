package dev.consentgate.metrics;

import static dev.consentgate.metrics.MeterNames.CATEGORY;
import static dev.consentgate.metrics.MeterNames.DECISION;
import static dev.consentgate.metrics.MeterNames.PURPOSE;
import static dev.consentgate.metrics.MeterNames.REASON;
import static dev.consentgate.metrics.MeterNames.STATUS;
import static dev.consentgate.metrics.MeterNames.TOPIC;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Objects;

/**
 * What the enforcement topology counts: decisions, redacted fields, dead letters, consent updates
 * and decision lag. Safe to share between stream threads.
 *
 * <p>Every tag value must be bounded. A declared purpose that the policy has no rule for is text
 * from the record and could be anything, so it is never passed here: callers record such
 * decisions with {@link #decisionForUnknownPurpose}, which tags them {@value MeterNames#UNKNOWN_PURPOSE}.
 */
public final class EnforcementMetrics {

    // Percentile histogram range of the decision lag. Events may wait out a grace period or arrive
    // late, so minutes of lag are worth telling apart; anything beyond an hour lands in +Inf.
    private static final Duration LAG_HISTOGRAM_MIN = Duration.ofMillis(1);
    private static final Duration LAG_HISTOGRAM_MAX = Duration.ofHours(1);

    private final CounterCache<DecisionTags> decisions;
    private final CounterCache<RedactionTags> redactedFields;
    private final CounterCache<String> deadLetters;
    private final CounterCache<String> consentUpdates;
    private final Timer decisionLag;
    private final CounterCache<String> unmatchedCategoryPaths;
    private final CounterCache<String> misplacedRecords;
    private final MeterRegistry registry;
    private final WaitingPerTask reviewQueues;
    private final WaitingPerTask erasureNotices;

    public EnforcementMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        decisions = new CounterCache<>(tags -> Counter.builder(MeterNames.DECISIONS)
                .description("Decisions, one per (event, declared purpose)")
                .tag(PURPOSE, tags.purpose())
                // The outcome enum is upper case; label values follow the lowercase words of the configuration.
                .tag(DECISION, tags.decision().toLowerCase(Locale.ROOT))
                .tag(REASON, tags.reason())
                .register(registry));
        redactedFields = new CounterCache<>(tags -> Counter.builder(MeterNames.REDACTED_FIELDS)
                .description("Fields removed or transformed before a record reached a purpose topic")
                .tag(PURPOSE, tags.purpose())
                .tag(CATEGORY, tags.category())
                .register(registry));
        deadLetters = new CounterCache<>(reason -> Counter.builder(MeterNames.DLQ_RECORDS)
                .description("Records sent to the dead-letter topic")
                .tag(REASON, reason)
                .register(registry));
        consentUpdates = new CounterCache<>(status -> Counter.builder(MeterNames.CONSENT_UPDATES)
                .description("Consent events applied to the consent store")
                .tag(STATUS, status)
                .register(registry));
        decisionLag = Timer.builder(MeterNames.DECISION_LAG)
                .description("Wall-clock time from an event's own time to its decision")
                .publishPercentileHistogram()
                .minimumExpectedValue(LAG_HISTOGRAM_MIN)
                .maximumExpectedValue(LAG_HISTOGRAM_MAX)
                .register(registry);
        unmatchedCategoryPaths = new CounterCache<>(topic -> Counter.builder(MeterNames.UNMATCHED_CATEGORY_PATHS)
                .description("Category paths of an input mapping that name no field of a schema met on the topic")
                .tag(TOPIC, topic)
                .register(registry));
        misplacedRecords = new CounterCache<>(topic -> Counter.builder(MeterNames.MISPLACED_RECORDS)
                .description("Records that arrived on a partition other than their customer id's and were moved to it")
                .tag(TOPIC, topic)
                .register(registry));
        // Registered whether or not the policy requires review, so the stale-queue alert finds its series everywhere.
        reviewQueues = new WaitingPerTask(registry,
                MeterNames.REVIEW_QUEUE_RECORDS, "Records held for a reviewer in this instance's tasks",
                MeterNames.REVIEW_QUEUE_OLDEST_AGE,
                "How long the oldest record held for a reviewer in this instance's tasks has waited; 0 when none waits");
        erasureNotices = new WaitingPerTask(registry,
                MeterNames.ERASURE_NOTICES_WAITING, "Erasure notices of this instance's tasks waiting for their lookups in the purpose topics",
                MeterNames.ERASURE_NOTICES_OLDEST_WAIT,
                "How long the oldest erasure notice still waiting for its lookups has waited since it was read; 0 when none waits");
    }

    /**
     * Metrics that go nowhere, for tests and tools that serve no metrics: a composite registry
     * without members hands out no-op meters.
     */
    public static EnforcementMetrics noop() {
        return new EnforcementMetrics(new CompositeMeterRegistry());
    }

    /**
     * Counts the decision for one (event, declared purpose).
     *
     * @param purpose  a purpose the policy has a rule for (an ancestor's rule counts); see
     *                 {@link #decisionForUnknownPurpose} for any other
     * @param decision the outcome, {@code permit}, {@code redact}, {@code tag} or {@code drop} in any case
     * @param reason   the decision's first reason code, e.g. {@code CONSENT_GRANTED}
     */
    public void decision(String purpose, String decision, String reason) {
        decisions.increment(new DecisionTags(purpose, decision, reason));
    }

    /** Counts the decision for a declared purpose the policy does not know, tagged purpose {@value MeterNames#UNKNOWN_PURPOSE}. */
    public void decisionForUnknownPurpose(String decision, String reason) {
        decision(MeterNames.UNKNOWN_PURPOSE, decision, reason);
    }

    /** Counts one field removed or transformed for a purpose; category is the field's data category. */
    public void redactedField(String purpose, String category) {
        redactedFields.increment(new RedactionTags(purpose, category));
    }

    /** Counts one record sent to the dead-letter topic, with its dead-letter reason, e.g. {@code MALFORMED_AVRO}. */
    public void deadLetter(String reason) {
        deadLetters.increment(reason);
    }

    /** Counts one consent event applied, with its status: GRANTED, DENIED, WITHDRAWN or ERASED. */
    public void consentUpdate(String status) {
        consentUpdates.increment(status);
    }

    /**
     * Records the wall-clock time from an event's own time to its decision. A negative lag (an event
     * time ahead of this host's clock) is recorded as zero, so that every decision is still counted.
     */
    public void decisionLag(Duration lag) {
        decisionLag.record(lag.isNegative() ? Duration.ZERO : lag);
    }

    /** Counts {@code paths} category paths of the mapping of input {@code topic} that a newly met schema does not have. */
    public void unmatchedCategoryPaths(String topic, int paths) {
        unmatchedCategoryPaths.increment(topic, paths);
    }

    /** Counts a record of {@code topic} that was on another partition than its customer id's and was moved there. */
    public void misplacedRecord(String topic) {
        misplacedRecords.increment(topic, 1);
    }

    /** Shows whether the policy runs in shadow mode, for an alert: shadow mode drops nothing. */
    public void enforcementMode(boolean shadow) {
        Gauge.builder(MeterNames.SHADOW_MODE, () -> shadow ? 1 : 0)
                .description("1 while the policy runs in shadow mode: records enforcement would drop are forwarded, tagged")
                .register(registry);
    }

    /**
     * Reports the review queue of the task of {@code partition}: {@code size} held records, the oldest held at
     * {@code oldestHeldAt} (epoch millis, empty when none waits).
     */
    public void reviewQueue(int partition, long size, OptionalLong oldestHeldAt) {
        reviewQueues.report(partition, size, oldestHeldAt);
    }

    /** The task of {@code partition} left this instance: its queue is another instance's to report. */
    public void reviewQueueClosed(int partition) {
        reviewQueues.closed(partition);
    }

    /**
     * Reports the erasure notices of the task of {@code partition} that wait for their lookups: {@code size} of them, the
     * oldest first read at {@code oldestReadAt} (epoch millis, empty when none waits).
     */
    public void erasureNoticesWaiting(int partition, long size, OptionalLong oldestReadAt) {
        erasureNotices.report(partition, size, oldestReadAt);
    }

    /** The erasure-notice task of {@code partition} left this instance: its waiting notices are another instance's to report. */
    public void erasureNoticesClosed(int partition) {
        erasureNotices.closed(partition);
    }

    /**
     * What waits in each task (partition) of this instance, as two gauges: how many in all, and how long since the oldest's
     * time (0 when none waits). A task reports on its own schedule and takes itself out when it closes.
     */
    private static final class WaitingPerTask {

        private final Map<Integer, Waiting> byPartition = new ConcurrentHashMap<>();

        WaitingPerTask(MeterRegistry registry, String sizeName, String sizeDescription, String ageName, String ageDescription) {
            Gauge.builder(sizeName, byPartition, tasks -> tasks.values().stream().mapToLong(Waiting::size).sum())
                    .description(sizeDescription)
                    .register(registry);
            Gauge.builder(ageName, byPartition, WaitingPerTask::oldestAgeSeconds)
                    .description(ageDescription)
                    .baseUnit("seconds")
                    .register(registry);
        }

        void report(int partition, long size, OptionalLong oldestSince) {
            byPartition.put(partition, new Waiting(size, oldestSince));
        }

        void closed(int partition) {
            byPartition.remove(partition);
        }

        private static double oldestAgeSeconds(Map<Integer, Waiting> tasks) {
            OptionalLong oldest = tasks.values().stream().map(Waiting::oldestSince).filter(OptionalLong::isPresent)
                    .mapToLong(OptionalLong::getAsLong).min();
            return oldest.isEmpty() ? 0 : Math.max(0, System.currentTimeMillis() - oldest.getAsLong()) / 1000.0;
        }

        private record Waiting(long size, OptionalLong oldestSince) {
        }
    }

    private record DecisionTags(String purpose, String decision, String reason) {
    }

    private record RedactionTags(String purpose, String category) {
    }
}
