package dev.consentgate.enforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.output.OutputHeaders;
import dev.consentgate.testing.SteppedTime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Timer;
import org.junit.jupiter.api.Test;

/**
 * The lookups on a consumer over logs of the test's, whose clock moves by each poll's timeout when nothing comes: the record
 * searched for among other customers' and other events', within the scan limit and the end offset as the search began,
 * within the timer, and nothing thrown for a record that is no longer there.
 */
class KafkaErasureLookupsTest {

    static final String A = "purpose.a";
    static final String B = "purpose.b";

    final SteppedTime time = new SteppedTime(1_000_000);
    final FakeConsumer consumer = new FakeConsumer(time);
    final KafkaErasureLookups lookups = new KafkaErasureLookups(consumer);

    /**
     * A consumer over per-partition logs, which never resets a position: {@code fetchable} bounds what polls return (the
     * last stable offset as it moves), {@code skipTo} moves a position past records it does not return (aborted ones and
     * their markers), {@code logStart} is where retention left the log.
     */
    static final class FakeConsumer extends MockConsumer<byte[], byte[]> {
        final SteppedTime time;
        final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> logs = new HashMap<>();
        final Map<TopicPartition, Long> ends = new HashMap<>();
        final Map<TopicPartition, Long> fetchable = new HashMap<>();
        final Map<TopicPartition, Long> skipTo = new HashMap<>();
        final Map<TopicPartition, Long> logStart = new HashMap<>();
        final List<Long> pollTimeouts = new ArrayList<>();
        final List<Long> callTimeouts = new ArrayList<>();
        int perPoll = 3;

        FakeConsumer(SteppedTime time) {
            super("none");
            this.time = time;
        }

        long add(String topic, int partition, String key, long ts, String eventId) {
            TopicPartition tp = new TopicPartition(topic, partition);
            List<ConsumerRecord<byte[], byte[]>> log = logs.computeIfAbsent(tp, x -> new ArrayList<>());
            long offset = log.isEmpty() ? 0 : log.get(log.size() - 1).offset() + 1;
            RecordHeaders headers = new RecordHeaders();
            if (eventId != null) {
                headers.add(OutputHeaders.EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8));
            }
            log.add(new ConsumerRecord<>(topic, partition, offset, ts, TimestampType.CREATE_TIME, -1, -1,
                    key.getBytes(StandardCharsets.UTF_8), ("v" + offset).getBytes(StandardCharsets.UTF_8), headers, Optional.empty()));
            ends.put(tp, offset + 1);
            fetchable.put(tp, offset + 1);
            return offset;
        }

        @Override
        public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            pollTimeouts.add(timeout.toMillis());
            Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> out = new HashMap<>();
            for (TopicPartition tp : assignment()) {
                if (paused().contains(tp)) {
                    continue;
                }
                long position = position(tp);
                if (position < logStart.getOrDefault(tp, 0L)) {
                    // As KafkaConsumer.poll does under auto.offset.reset=none.
                    throw new OffsetOutOfRangeException(Map.of(tp, position));
                }
                if (skipTo.containsKey(tp) && position < skipTo.get(tp)) {
                    // Aborted records and their markers: the position moves, no record comes.
                    seek(tp, skipTo.get(tp));
                    continue;
                }
                List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : logs.getOrDefault(tp, List.of())) {
                    if (r.offset() >= position && r.offset() < fetchable.getOrDefault(tp, 0L) && batch.size() < perPoll) {
                        batch.add(r);
                    }
                }
                if (!batch.isEmpty()) {
                    out.put(tp, batch);
                    seek(tp, batch.get(batch.size() - 1).offset() + 1);
                }
            }
            if (out.isEmpty()) {
                time.sleep(timeout.toMillis());
            } else {
                time.sleep(1);
            }
            return new ConsumerRecords<>(out, Map.of());
        }

        @Override
        public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> times, Duration timeout) {
            callTimeouts.add(timeout.toMillis());
            Map<TopicPartition, OffsetAndTimestamp> result = new HashMap<>();
            times.forEach((tp, ts) -> {
                OffsetAndTimestamp found = null;
                for (ConsumerRecord<byte[], byte[]> r : logs.getOrDefault(tp, List.of())) {
                    if (r.timestamp() >= ts && r.offset() < ends.getOrDefault(tp, 0L)) {
                        found = new OffsetAndTimestamp(r.offset(), r.timestamp());
                        break;
                    }
                }
                result.put(tp, found);
            });
            time.sleep(1);
            return result;
        }

        @Override
        public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, Duration timeout) {
            callTimeouts.add(timeout.toMillis());
            Map<TopicPartition, Long> result = new HashMap<>();
            partitions.forEach(tp -> result.put(tp, ends.getOrDefault(tp, 0L)));
            time.sleep(1);
            return result;
        }
    }

    private ErasureLookups.Search search(String topic, int partition, String key, long ts, String eventId) {
        return new ErasureLookups.Search(topic, partition, key, ts, eventId);
    }

    private Timer timer(long ms) {
        return time.timer(ms);
    }

    @Test
    void firstAndLastAmongOtherCustomersAndOtherEvents() {
        consumer.add(A, 0, "c-2", 100, "x");
        long a1 = consumer.add(A, 0, "c-1", 100, "e-1");
        // the same key with another event, and another key with the wanted event
        consumer.add(A, 0, "c-1", 100, "other");
        consumer.add(A, 0, "c-3", 110, "e-2");
        consumer.add(A, 0, "c-2", 110, "e-2");
        long a2 = consumer.add(A, 0, "c-1", 110, "e-2");
        consumer.add(A, 0, "c-1", 120, "e-3");
        consumer.add(B, 1, "c-9", 100, "e-1");
        long b1 = consumer.add(B, 1, "p-1", 100, "e-1");
        ErasureLookups.Search aFirst = search(A, 0, "c-1", 100, "e-1");
        ErasureLookups.Search aLast = search(A, 0, "c-1", 110, "e-2");
        ErasureLookups.Search bOnly = search(B, 1, "p-1", 100, "e-1");
        Set<ErasureLookups.Search> searches = new LinkedHashSet<>(List.of(aFirst, bOnly, aLast));

        Map<ErasureLookups.Search, Long> found = lookups.offsetsOf(searches, timer(10_000));

        assertThat(found).containsExactlyInAnyOrderEntriesOf(Map.of(aFirst, a1, aLast, a2, bOnly, b1));
        assertThat(consumer.pollTimeouts).allMatch(ms -> ms > 0);
    }

    @Test
    void maxScannedIsTheLimitExactly() {
        consumer.perPoll = 2_000;
        for (int i = 0; i < KafkaErasureLookups.MAX_SCANNED - 1; i++) {
            consumer.add(A, 0, "c-2", 100, "x");
        }
        // the 50,000th record of its search is found, the 50,002nd of the other not
        long at = consumer.add(A, 0, "c-1", 100, "e-1");
        consumer.add(B, 0, "c-1", 100, "x");
        for (int i = 0; i < KafkaErasureLookups.MAX_SCANNED; i++) {
            consumer.add(B, 0, "c-2", 100, "x");
        }
        consumer.add(B, 0, "c-1", 100, "e-1");
        ErasureLookups.Search a = search(A, 0, "c-1", 100, "e-1");
        ErasureLookups.Search b = search(B, 0, "c-1", 100, "e-1");

        Map<ErasureLookups.Search, Long> found = lookups.offsetsOf(new LinkedHashSet<>(List.of(a, b)), timer(600_000));

        assertThat(found).containsExactlyEntriesOf(Map.of(a, at));
    }

    @Test
    void aRecordPastTheEndAsTheSearchBeganIsNotAccepted() {
        consumer.add(A, 0, "c-2", 100, "x");
        consumer.add(A, 0, "c-2", 100, "x");
        long end = consumer.ends.get(new TopicPartition(A, 0));
        consumer.add(A, 0, "c-1", 100, "e-1");
        // the end offset was 2 when the search began; the last stable offset moved on
        consumer.ends.put(new TopicPartition(A, 0), end);
        long start = time.milliseconds();

        Map<ErasureLookups.Search, Long> found = lookups.offsetsOf(Set.of(search(A, 0, "c-1", 100, "e-1")), timer(10_000));

        assertThat(found).isEmpty();
        assertThat(time.milliseconds() - start).isLessThan(1_000);
    }

    @Test
    void aSearchThatRunsOutOfTimeKeepsWhatWasFoundAndEndsByTheTimer() {
        long a1 = consumer.add(A, 0, "c-1", 100, "e-1");
        consumer.add(B, 0, "c-2", 100, "x");
        consumer.add(B, 0, "c-1", 100, "e-1");
        // B's fetches stall after its first record
        consumer.fetchable.put(new TopicPartition(B, 0), 1L);
        ErasureLookups.Search a = search(A, 0, "c-1", 100, "e-1");
        ErasureLookups.Search b = search(B, 0, "c-1", 100, "e-1");
        long start = time.milliseconds();

        Map<ErasureLookups.Search, Long> found = lookups.offsetsOf(new LinkedHashSet<>(List.of(a, b)), timer(1_000));

        assertThat(found).containsExactlyEntriesOf(Map.of(a, a1));
        assertThat(time.milliseconds() - start).isLessThanOrEqualTo(1_000);
        assertThat(consumer.pollTimeouts).allMatch(ms -> ms > 0 && ms <= 100);
    }

    @Test
    void aRequestThatIsNotThereIsNotATimeout() {
        // offset 1 was not readable (an aborted record, its marker): the consumer moves past it to the end, nothing comes.
        consumer.add("consent.events", 3, "c-1", 100, null);
        consumer.add("consent.events", 3, "c-1", 100, null);
        consumer.add("consent.events", 3, "c-1", 100, null);
        TopicPartition tp = new TopicPartition("consent.events", 3);
        consumer.logs.get(tp).remove(2);
        consumer.logs.get(tp).remove(1);
        consumer.skipTo.put(tp, 3L);

        assertThat(lookups.valueAt("consent.events", 3, 1, timer(2_500))).isEmpty();
    }

    @Test
    void theFirstAndTheLastOfOnePartitionAreSearchedInTwoRoundsAndBothFound() {
        for (int i = 0; i < 5; i++) {
            consumer.add(A, 0, "c-2", 100 + i, "x" + i);
        }
        long first = consumer.add(A, 0, "c-1", 105, "e-1");
        for (int i = 0; i < 5; i++) {
            consumer.add(A, 0, "c-2", 106 + i, "y" + i);
        }
        long last = consumer.add(A, 0, "c-1", 111, "e-9");
        ErasureLookups.Search f = search(A, 0, "c-1", 105, "e-1");
        ErasureLookups.Search l = search(A, 0, "c-1", 111, "e-9");

        Map<ErasureLookups.Search, Long> found = lookups.offsetsOf(new LinkedHashSet<>(List.of(l, f)), timer(10_000));

        assertThat(found).containsExactlyInAnyOrderEntriesOf(Map.of(f, first, l, last));
    }

    @Test
    void aTimeoutInTheRequestReadIsThrown() {
        consumer.add("consent.events", 3, "c-1", 100, null);
        consumer.fetchable.put(new TopicPartition("consent.events", 3), 0L);

        assertThatThrownBy(() -> lookups.valueAt("consent.events", 3, 0, timer(500)))
                .isInstanceOf(TimeoutException.class);
    }

    @Test
    void aSegmentDeletedByRetentionDuringTheSearchLeavesTheOffsetNull() {
        consumer.add(A, 0, "c-2", 100, "x");
        consumer.add(A, 0, "c-1", 100, "e-1");
        consumer.add(A, 0, "c-1", 200, "e-2");
        long last = consumer.logs.get(new TopicPartition(A, 0)).get(2).offset();
        // retention deletes the first segment after offsetsForTimes answered
        consumer.logStart.put(new TopicPartition(A, 0), 2L);
        ErasureLookups.Search f = search(A, 0, "c-1", 100, "e-1");
        ErasureLookups.Search l = search(A, 0, "c-1", 200, "e-2");

        assertThat(lookups.offsetsOf(new LinkedHashSet<>(List.of(f, l)), timer(2_500))).containsExactlyEntriesOf(Map.of(l, last));
    }

    @Test
    void aRequestRetentionDeletedIsNotThere() {
        consumer.add("consent.events", 3, "c-1", 100, null);
        consumer.add("consent.events", 3, "c-1", 100, null);
        consumer.logStart.put(new TopicPartition("consent.events", 3), 1L);

        assertThat(lookups.valueAt("consent.events", 3, 0, timer(2_500))).isEmpty();
    }
}
