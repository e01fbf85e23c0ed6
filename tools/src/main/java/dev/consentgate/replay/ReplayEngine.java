package dev.consentgate.replay;

import dev.consentgate.policy.Policy;
import dev.consentgate.serde.AvroDecodeException;
import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.ingest.CustomerPartitions;
import dev.consentgate.output.OutputHeaders;
import dev.consentgate.serde.TransientErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Re-derives decisions from the sources and compares them with the audit topic.
 *
 * <p>Per consent partition p it runs the real enforcement topology ({@link PolicyDriver}) and feeds
 * it what the task of partition p applied: the consent records of p that belong to p (their customer
 * id's partition) in offset order up to each audit record's {@code consentOffset}, and those of the
 * rerouted-consent topic's partition p up to its {@code reroutedConsentOffset} (the consent records
 * that arrived on other partitions, copied to p), then the input record the audit record names,
 * decided at the audit record's {@code decidedAt}. The consent history answers the same whatever
 * order its records were applied in. Audit records of p are in decision order, and a decision depends only on
 * the consent read so far and the decision's time, so the replayed audit record must equal the
 * recorded one but for the wall clock, the chain link and the positions.
 *
 * <p>Kafka is read with one consumer that is assigned partitions (never subscribed, no group id),
 * read_committed, up to the end offsets captured at the start: the replay is bounded, joins no
 * consumer group and writes nothing to Kafka.
 */
public final class ReplayEngine {

    /**
     * @param configs        the application's properties: Kafka client and registry settings, consentgate.* topic names
     * @param policies       replay: the policy files the audit records may name (matched by content hash);
     *                       what-if: the one new policy every event is replayed under
     * @param whatIf         replay under {@code policies.get(0)} whatever the audit records name, and count transitions
     * @param from           first input record timestamp of the range, inclusive; null for the beginning
     * @param to             end of the range, exclusive; null for the end
     * @param shown          how many mismatches the report lists
     * @param progressEvery  how often a progress line is written
     * @param progressSink   where progress lines go (stderr for the command)
     * @param stateParent    where the drivers' temporary state directory is made; null for the system's temporary directory
     */
    public record Options(Map<String, Object> configs, List<Policy> policies, boolean whatIf, Instant from, Instant to,
                          int shown, Duration progressEvery, Consumer<String> progressSink, Path stateParent) {
    }

    /** Where a record was read. */
    record Position(String topic, int partition, long offset) {
        @Override
        public String toString() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    /** One recorded audit record, as plain values, with the fields the replay is driven by. */
    private record AuditEntry(int auditPartition, long auditOffset, Map<String, Object> recorded, Position input,
                              int consentPartition, long consentOffset, long reroutedConsentOffset, long decidedAt,
                              String policyHash, String policyVersion, String eventId) {
    }

    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
    /** How long the broker may hold a fetch of the replay's consumer when nothing new is there. */
    static final int FETCH_MAX_WAIT_MS = 10;

    private final Options options;
    private final ConsentGateConfig config;
    private final Progress progress;

    public ReplayEngine(Options options) {
        this.options = options;
        this.config = new ConsentGateConfig(options.configs());
        this.progress = new Progress(options.progressSink(), options.progressEvery(), System::nanoTime);
        if (options.policies().isEmpty() || (options.whatIf() && options.policies().size() != 1)) {
            throw new ReplayException(ReplayException.Kind.INVALID_INPUT, options.whatIf()
                    ? "a what-if replays under exactly one policy" : "give at least one policy file");
        }
    }

    public ReplayReport run() {
        Map<String, Policy> byHash = new LinkedHashMap<>();
        options.policies().forEach(p -> byHash.put(p.contentHash(), p));
        Map<String, String> versions = new TreeMap<>();
        options.policies().forEach(p -> versions.put(p.version(), p.contentHash()));
        ReplayReport report = new ReplayReport(options.whatIf() ? ReplayReport.Mode.WHAT_IF : ReplayReport.Mode.REPLAY,
                config.auditTopic(), rangeText(), versions, options.shown());
        Path stateDir = temporaryDirectory(options.stateParent());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(options.configs()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
             ReplaySerde serde = new ReplaySerde(options.configs())) {
            Set<String> inputTopics = new TreeSet<>();
            options.policies().forEach(p -> p.inputs().forEach(i -> inputTopics.add(i.topic())));
            List<TopicPartition> auditPartitions = partitions(consumer, config.auditTopic());
            List<TopicPartition> dlqPartitions = partitions(consumer, config.dlqTopic());
            List<TopicPartition> consentPartitions = partitions(consumer, config.consentTopic());
            List<TopicPartition> reroutedPartitions = optionalPartitions(consumer, config.reroutedConsentTopic());
            List<TopicPartition> inputPartitions = new ArrayList<>();
            for (String topic : inputTopics) {
                inputPartitions.addAll(partitions(consumer, topic));
            }
            List<TopicPartition> all = Stream.of(auditPartitions, dlqPartitions, consentPartitions, reroutedPartitions, inputPartitions)
                    .flatMap(List::stream).toList();
            Map<TopicPartition, Long> begin = offsets(() -> consumer.beginningOffsets(all, METADATA_TIMEOUT));
            Map<TopicPartition, Long> end = offsets(() -> consumer.endOffsets(all, METADATA_TIMEOUT));
            Map<TopicPartition, long[]> ranges = inputRanges(consumer, inputPartitions, begin, end);
            Stream.of(auditPartitions, dlqPartitions).flatMap(List::stream).forEach(tp -> progress.addToTotal(end.get(tp) - begin.get(tp)));
            ranges.values().forEach(r -> progress.addToTotal(r[1] - r[0]));

            List<AuditEntry> entries = readAudit(consumer, serde, auditPartitions, begin, end, ranges, byHash);
            Set<Position> deadLetters = readDeadLetters(consumer, dlqPartitions, begin, end);
            Set<Position> referenced = new HashSet<>();
            entries.forEach(e -> referenced.add(e.input()));
            Map<Position, ConsumerRecord<byte[], byte[]>> inputs = readInputs(consumer, ranges, referenced, deadLetters, report);
            ReviewReplay reviews = new ReviewReplay(config.reviewTopic(), config.reviewDecisionsTopic(), serde,
                    readReviewDecisions(consumer, entries));

            Map<Integer, List<AuditEntry>> byConsentPartition = new TreeMap<>();
            entries.forEach(e -> byConsentPartition.computeIfAbsent(e.consentPartition(), p -> new ArrayList<>()).add(e));
            for (Map.Entry<Integer, List<AuditEntry>> partition : byConsentPartition.entrySet()) {
                TopicPartition consentPartition = new TopicPartition(config.consentTopic(), partition.getKey());
                if (!begin.containsKey(consentPartition)) {
                    throw new ReplayException(ReplayException.Kind.INVALID_INPUT, "audit records name consent partition "
                            + partition.getKey() + ", which " + config.consentTopic() + " does not have");
                }
                ConsentSources sources = new ConsentSources(consentPartition, new TopicPartition(config.reroutedConsentTopic(), partition.getKey()),
                        new CustomerPartitions(consentPartitions.size()), begin, end);
                replayPartition(consumer, serde, sources, partition.getValue(), byHash, inputs, reviews, stateDir, report);
            }
        } catch (KafkaException e) {
            throw new ReplayException(ReplayException.Kind.UNREACHABLE, "Kafka: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            deleteRecursively(stateDir);
        }
        options.progressSink().accept(progress.line());
        return report;
    }

    /**
     * Where the task of one consent partition read its consent: that partition, and the same partition of the
     * rerouted-consent topic; with the first and end offsets of every partition the replay reads (a topic that does not
     * exist has none).
     */
    private record ConsentSources(TopicPartition consent, TopicPartition rerouted, CustomerPartitions customers,
                                  Map<TopicPartition, Long> begin, Map<TopicPartition, Long> end) {

        long begin(TopicPartition tp) {
            return begin.getOrDefault(tp, 0L);
        }

        long end(TopicPartition tp) {
            return end.getOrDefault(tp, 0L);
        }

        /** Whether the task applied the record of the consent partition: those on another partition than their customer's were copied away. */
        boolean applied(ConsumerRecord<byte[], byte[]> record) {
            // A key that is not the customer id was dead-lettered by the task as well; applying it does the same again.
            return record.key() == null || !customers.isMisplaced(new String(record.key(), StandardCharsets.UTF_8), consent.partition());
        }
    }

    private void replayPartition(KafkaConsumer<byte[], byte[]> consumer, ReplaySerde serde, ConsentSources sources,
                                 List<AuditEntry> entries, Map<String, Policy> byHash,
                                 Map<Position, ConsumerRecord<byte[], byte[]>> inputs, ReviewReplay reviews, Path stateDir,
                                 ReplayReport report) {
        entries.sort(Comparator.comparingInt(AuditEntry::auditPartition).thenComparingLong(AuditEntry::auditOffset));
        TopicPartition consentPartition = sources.consent();
        PartitionCursor consent = cursor(consumer, report, sources, consentPartition,
                entries.stream().mapToLong(AuditEntry::consentOffset).max().orElse(-1) + 1);
        PartitionCursor rerouted = cursor(consumer, report, sources, sources.rerouted(),
                entries.stream().mapToLong(AuditEntry::reroutedConsentOffset).max().orElse(-1) + 1);
        Map<String, PolicyDriver> drivers = new LinkedHashMap<>();
        try {
            if (options.whatIf()) {
                Policy policy = options.policies().get(0);
                drivers.put(policy.contentHash(), new PolicyDriver(policy, options.configs(), serde,
                        stateDir.resolve(consentPartition.partition() + "-" + 0)));
            } else {
                for (AuditEntry entry : entries) {
                    drivers.computeIfAbsent(entry.policyHash(), hash -> new PolicyDriver(byHash.get(hash), options.configs(), serde,
                            stateDir.resolve(consentPartition.partition() + "-" + drivers.size())));
                }
            }
            long applied = -1;
            long reroutedApplied = -1;
            for (AuditEntry entry : entries) {
                ConsumerRecord<byte[], byte[]> input = inputs.get(entry.input());
                if (input == null) {
                    // Below its partition's first offset the input was deleted since (retention, or deleted records for an
                    // erasure): nothing to replay, nothing wrong. Above it, the input should still be there.
                    if (entry.input().offset() < sources.begin(new TopicPartition(entry.input().topic(), entry.input().partition()))) {
                        report.inputDeleted(entry.eventId(), entry.input().toString());
                    } else {
                        report.auditWithoutInput(entry.eventId(), entry.input().toString());
                    }
                    continue;
                }
                if (entry.consentOffset() < applied || entry.reroutedConsentOffset() < reroutedApplied) {
                    mismatch(report, entry, "decided at consent offsets " + entry.consentOffset() + " and " + entry.reroutedConsentOffset()
                            + " (rerouted), before consent already applied for an earlier audit record (" + applied + " and "
                            + reroutedApplied + ")", List.of(), null);
                    continue;
                }
                while (consent.peek() != null && consent.peek().offset() <= entry.consentOffset()) {
                    ConsumerRecord<byte[], byte[]> record = consent.next();
                    if (sources.applied(record)) {
                        drivers.values().forEach(d -> d.consent(record));
                    }
                }
                while (rerouted.peek() != null && rerouted.peek().offset() <= entry.reroutedConsentOffset()) {
                    ConsumerRecord<byte[], byte[]> record = rerouted.next();
                    drivers.values().forEach(d -> d.consent(record));
                }
                applied = entry.consentOffset();
                reroutedApplied = entry.reroutedConsentOffset();
                PolicyDriver driver = options.whatIf() ? drivers.values().iterator().next() : drivers.get(entry.policyHash());
                if (ReviewReplay.decidesReview(entry.recorded())) {
                    replayReview(serde, driver, entry, reviews, report);
                } else {
                    replayEvent(serde, driver, entry, input, reviews, report);
                }
                driver.shareHistoriesWith(drivers.values());
                progress.replayed();
            }
        } finally {
            drivers.values().forEach(PolicyDriver::close);
        }
    }

    /** A cursor over {@code tp} up to {@code needed} (exclusive), noting in the report what the topic no longer holds. */
    private PartitionCursor cursor(KafkaConsumer<byte[], byte[]> consumer, ReplayReport report, ConsentSources sources,
                                   TopicPartition tp, long needed) {
        long begin = sources.begin(tp);
        long end = sources.end(tp);
        if (needed > end) {
            report.note("audit records of consent partition " + sources.consent().partition() + " name offsets of " + tp.topic()
                    + " up to " + (needed - 1) + " but its partition " + tp.partition() + " ends at " + end);
        }
        if (begin > 0 && needed > 0) {
            report.note(tp.topic() + " partition " + tp.partition() + " starts at offset " + begin
                    + ": the records before it are deleted, decisions that depended on them cannot be reproduced");
        }
        long bound = Math.min(needed, end);
        progress.addToTotal(Math.max(0, bound - begin));
        return new PartitionCursor(consumer, tp, begin, Math.max(begin, bound), progress);
    }

    private void replayEvent(ReplaySerde serde, PolicyDriver driver, AuditEntry entry, ConsumerRecord<byte[], byte[]> input,
                             ReviewReplay reviews, ReplayReport report) {
        if (!driver.reads(input.topic())) {
            if (options.whatIf()) {
                report.notDecided();
            } else {
                mismatch(report, entry, "policy " + driver.policy().version() + " has no input mapping for " + input.topic(), List.of(), null);
            }
            return;
        }
        PolicyDriver.Outcome outcome = driver.decide(input, entry.decidedAt());
        Map<String, Object> replayed = outcome.auditValues().size() == 1
                ? AuditView.of(serde.decodeReplayed(config.auditTopic(), outcome.auditValues().get(0))) : null;
        if (options.whatIf()) {
            if (replayed == null) {
                report.notDecided();
            } else {
                report.replayedUnderNewPolicy(transitions(entry.recorded(), replayed));
            }
            return;
        }
        if (replayed == null) {
            String note = outcome.deadLetterReasons().isEmpty()
                    ? "the replay wrote " + outcome.auditValues().size() + " audit records for it"
                    : "the replay sent it to the dead-letter topic: " + String.join(", ", outcome.deadLetterReasons());
            mismatch(report, entry, note, List.of(), null);
            return;
        }
        reviews.held(entry.auditPartition(), entry.recorded(), replayed);
        compare(report, entry, replayed);
    }

    /**
     * Applies the reviewer's decision the audit record reports, from the review-decision topic, to the record the replay
     * held, at the recorded decision time, and compares the audit record that follows.
     */
    private void replayReview(ReplaySerde serde, PolicyDriver driver, AuditEntry entry, ReviewReplay reviews, ReplayReport report) {
        if (options.whatIf() || !driver.reviews()) {
            if (options.whatIf()) {
                report.notDecided();
            } else {
                mismatch(report, entry, "policy " + driver.policy().version() + " has no purpose with review: required", List.of(), null);
            }
            return;
        }
        ReviewReplay.Copy copy = reviews.copy(entry.recorded());
        if (copy.problem() != null) {
            mismatch(report, entry, copy.problem(), List.of(), null);
            return;
        }
        PolicyDriver.Outcome outcome = driver.review(copy.record(), entry.decidedAt());
        if (outcome.auditValues().size() != 1) {
            mismatch(report, entry, "the replay wrote " + outcome.auditValues().size() + " audit records for the reviewer's decision"
                    + (outcome.deadLetterReasons().isEmpty() ? "" : " and dead-lettered it: " + String.join(", ", outcome.deadLetterReasons())),
                    List.of(), null);
            return;
        }
        Map<String, Object> replayed = AuditView.of(serde.decodeReplayed(config.auditTopic(), outcome.auditValues().get(0)));
        compare(report, entry, ReviewReplay.aligned(entry.recorded(), replayed, copy.replayId()));
    }

    private static void compare(ReplayReport report, AuditEntry entry, Map<String, Object> replayed) {
        List<AuditView.Difference> differences = AuditView.differences(entry.recorded(), replayed);
        if (differences.isEmpty()) {
            report.matched();
        } else {
            mismatch(report, entry, null, differences, replayed);
        }
    }

    /** The reviewers' decisions the audit records report, by where they were read; none when the topic does not exist. */
    private Map<Position, ConsumerRecord<byte[], byte[]>> readReviewDecisions(KafkaConsumer<byte[], byte[]> consumer, List<AuditEntry> entries) {
        Map<TopicPartition, TreeSet<Long>> wanted = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        entries.stream().filter(e -> ReviewReplay.decidesReview(e.recorded()))
                .map(e -> ReviewReplay.decisionPosition(config.reviewDecisionsTopic(), e.recorded()))
                .forEach(p -> wanted.computeIfAbsent(new TopicPartition(p.topic(), p.partition()), tp -> new TreeSet<>()).add(p.offset()));
        Map<Position, ConsumerRecord<byte[], byte[]>> read = new HashMap<>();
        if (wanted.isEmpty()) {
            return read;
        }
        Map<TopicPartition, Long> end = offsets(() -> consumer.endOffsets(wanted.keySet(), METADATA_TIMEOUT));
        wanted.forEach((tp, offsets) -> {
            PartitionCursor cursor = new PartitionCursor(consumer, tp, offsets.first(), Math.min(offsets.last() + 1, end.getOrDefault(tp, 0L)),
                    progress);
            for (ConsumerRecord<byte[], byte[]> record = cursor.next(); record != null; record = cursor.next()) {
                if (offsets.contains(record.offset())) {
                    read.put(new Position(record.topic(), record.partition(), record.offset()), record);
                }
            }
        });
        return read;
    }

    private static void mismatch(ReplayReport report, AuditEntry entry, String note, List<AuditView.Difference> differences,
                                 Map<String, Object> replayed) {
        report.mismatched(new ReplayReport.Mismatch(entry.eventId(), entry.auditPartition(), entry.auditOffset(),
                entry.input().toString(), note, differences, entry.recorded(), replayed));
    }

    /** Per purpose the recorded event declared: recorded decision → replayed decision, with the replayed reasons. */
    @SuppressWarnings("unchecked")
    static List<ReplayReport.Transition> transitions(Map<String, Object> recorded, Map<String, Object> replayed) {
        Map<String, Map<String, Object>> after = new HashMap<>();
        for (Object d : (List<Object>) replayed.get("decisions")) {
            Map<String, Object> decision = (Map<String, Object>) d;
            after.putIfAbsent(String.valueOf(decision.get("purpose")), decision);
        }
        List<ReplayReport.Transition> transitions = new ArrayList<>();
        for (Object d : (List<Object>) recorded.get("decisions")) {
            Map<String, Object> before = (Map<String, Object>) d;
            String purpose = String.valueOf(before.get("purpose"));
            Map<String, Object> now = after.get(purpose);
            String to = now == null ? "NONE" : String.valueOf(now.get("decision"));
            String reason = now == null ? "-" : String.join(",", ((List<Object>) now.get("reasons")).stream().map(String::valueOf).toList());
            transitions.add(new ReplayReport.Transition(purpose, String.valueOf(before.get("decision")), to, reason));
        }
        return transitions;
    }

    private List<AuditEntry> readAudit(KafkaConsumer<byte[], byte[]> consumer, ReplaySerde serde, List<TopicPartition> partitions,
                                       Map<TopicPartition, Long> begin, Map<TopicPartition, Long> end,
                                       Map<TopicPartition, long[]> ranges, Map<String, Policy> byHash) {
        List<AuditEntry> entries = new ArrayList<>();
        Map<String, String> unknownPolicies = new TreeMap<>();
        long unreplayable = 0;
        for (TopicPartition tp : partitions) {
            PartitionCursor cursor = new PartitionCursor(consumer, tp, begin.get(tp), end.get(tp), progress);
            for (ConsumerRecord<byte[], byte[]> record = cursor.next(); record != null; record = cursor.next()) {
                Map<String, Object> recorded = recordedAudit(serde, tp, record);
                Position input = new Position(String.valueOf(recorded.get("inputTopic")), ((Number) recorded.get("inputPartition")).intValue(),
                        ((Number) recorded.get("inputOffset")).longValue());
                if (!inRange(input, ranges)) {
                    continue;
                }
                AuditEntry entry = new AuditEntry(tp.partition(), record.offset(), recorded, input,
                        number(recorded.get("consentPartition"), -1).intValue(), number(recorded.get("consentOffset"), -1).longValue(),
                        number(recorded.get("reroutedConsentOffset"), -1).longValue(),
                        number(recorded.get("decidedAt"), -1).longValue(),
                        String.valueOf(recorded.get("policyHash")), String.valueOf(recorded.get("policyVersion")),
                        String.valueOf(recorded.get("eventId")));
                if (entry.consentPartition() < 0 || entry.decidedAt() < 0) {
                    unreplayable++;
                    continue;
                }
                if (!options.whatIf() && !byHash.containsKey(entry.policyHash())) {
                    unknownPolicies.put(entry.policyHash(), entry.policyVersion());
                }
                entries.add(entry);
            }
        }
        if (!unknownPolicies.isEmpty()) {
            List<String> named = new ArrayList<>();
            unknownPolicies.forEach((hash, version) -> named.add("version " + version + " (sha256 " + hash + ")"));
            throw new ReplayException(ReplayException.Kind.INVALID_INPUT, "audit records were decided under "
                    + String.join(", ", named) + ", and no --policy file given has that content hash");
        }
        if (unreplayable > 0) {
            throw new ReplayException(ReplayException.Kind.INVALID_INPUT, unreplayable + " audit records in the range were written"
                    + " before audit records named their consent offset and decision time, and cannot be replayed: choose a later --from");
        }
        return entries;
    }

    /**
     * The audit record as plain values. One that is not a decision record (a value of another schema, a string, garbage)
     * fails the replay with its position: an audit log that cannot be read cannot be vouched for. A registry that is
     * away propagates, to be reported as unreachable.
     */
    private static Map<String, Object> recordedAudit(ReplaySerde serde, TopicPartition tp, ConsumerRecord<byte[], byte[]> record) {
        Object decoded;
        try {
            decoded = serde.decodeRecorded(tp.topic(), record.value());
        } catch (SerializationException e) {
            if (TransientErrors.isTransient(e)) {
                throw e;
            }
            // ConsentGate's serde keeps the payload out of its messages; another serde's message may quote it.
            throw unreadableAudit(tp, record, e instanceof AvroDecodeException ? e.getMessage() : e.getClass().getSimpleName());
        }
        if (!(decoded instanceof GenericRecord)) {
            throw unreadableAudit(tp, record, "the value serde read a " + (decoded == null ? "null" : decoded.getClass().getSimpleName())
                    + ", not an Avro record");
        }
        return AuditView.of(decoded);
    }

    private static ReplayException unreadableAudit(TopicPartition tp, ConsumerRecord<byte[], byte[]> record, String why) {
        return new ReplayException(ReplayException.Kind.INVALID_INPUT, "the audit record at " + tp + " offset " + record.offset()
                + " is not a decision record (" + why + ")");
    }

    private static Number number(Object value, long absent) {
        return value instanceof Number n ? n : absent;
    }

    private Set<Position> readDeadLetters(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                                          Map<TopicPartition, Long> begin, Map<TopicPartition, Long> end) {
        Set<Position> positions = new HashSet<>();
        for (TopicPartition tp : partitions) {
            PartitionCursor cursor = new PartitionCursor(consumer, tp, begin.get(tp), end.get(tp), progress);
            for (ConsumerRecord<byte[], byte[]> record = cursor.next(); record != null; record = cursor.next()) {
                String topic = header(record, OutputHeaders.DLQ_TOPIC);
                String partition = header(record, OutputHeaders.DLQ_PARTITION);
                String offset = header(record, OutputHeaders.DLQ_OFFSET);
                if (topic != null && partition != null && offset != null) {
                    try {
                        positions.add(new Position(topic, Integer.parseInt(partition), Long.parseLong(offset)));
                    } catch (NumberFormatException e) {
                        // Not a dead letter ConsentGate wrote: it names no input.
                    }
                }
            }
        }
        return positions;
    }

    private Map<Position, ConsumerRecord<byte[], byte[]>> readInputs(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, long[]> ranges,
                                                                     Set<Position> referenced, Set<Position> deadLetters, ReplayReport report) {
        Map<Position, ConsumerRecord<byte[], byte[]>> inputs = new HashMap<>();
        for (Map.Entry<TopicPartition, long[]> range : ranges.entrySet()) {
            TopicPartition tp = range.getKey();
            PartitionCursor cursor = new PartitionCursor(consumer, tp, range.getValue()[0], range.getValue()[1], progress);
            for (ConsumerRecord<byte[], byte[]> record = cursor.next(); record != null; record = cursor.next()) {
                Position position = new Position(record.topic(), record.partition(), record.offset());
                if (referenced.contains(position)) {
                    inputs.put(position, record);
                } else if (deadLetters.contains(position)) {
                    report.deadLettered();
                } else {
                    report.missingAudit(position.toString());
                }
            }
        }
        return inputs;
    }

    /** Per input partition, the offsets [first, end) whose records fall in the time range. */
    private Map<TopicPartition, long[]> inputRanges(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                                                    Map<TopicPartition, Long> begin, Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> first = options.from() == null ? begin : offsetsFor(consumer, partitions, options.from(), end);
        Map<TopicPartition, Long> last = options.to() == null ? end : offsetsFor(consumer, partitions, options.to(), end);
        Map<TopicPartition, long[]> ranges = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            long from = Math.max(first.get(tp), begin.get(tp));
            ranges.put(tp, new long[] {from, Math.max(from, Math.min(last.get(tp), end.get(tp)))});
        }
        return ranges;
    }

    private static Map<TopicPartition, Long> offsetsFor(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                                                       Instant time, Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, time.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, METADATA_TIMEOUT);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp at = found.get(tp);
            offsets.put(tp, at == null ? end.get(tp) : at.offset());
        }
        return offsets;
    }

    /** Whole topics: every audit record counts, and one whose input is gone is an audit record without input. */
    private boolean inRange(Position input, Map<TopicPartition, long[]> ranges) {
        if (options.from() == null && options.to() == null) {
            return true;
        }
        long[] range = ranges.get(new TopicPartition(input.topic(), input.partition()));
        // An input topic no given policy reads, or a partition the topic does not have: the input cannot be found.
        return range == null || input.offset() >= range[0] && input.offset() < range[1];
    }

    private String rangeText() {
        if (options.from() == null && options.to() == null) {
            return "everything";
        }
        return "[" + (options.from() == null ? "beginning" : options.from()) + ", " + (options.to() == null ? "end" : options.to()) + ")";
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new ReplayException(ReplayException.Kind.TOPIC_PROBLEM, "topic " + topic + " does not exist");
        }
        return infos.stream().map(i -> new TopicPartition(topic, i.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
    }

    /** The partitions of a topic that need not exist (the rerouted-consent topic of a deployment from before it): none if it does not. */
    private static List<TopicPartition> optionalPartitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        return infos == null || infos.isEmpty() ? List.of() : partitions(consumer, topic);
    }

    private static Map<TopicPartition, Long> offsets(java.util.function.Supplier<Map<TopicPartition, Long>> query) {
        return new HashMap<>(query.get());
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Client settings for a consumer that joins no group: the application's connection and security settings only. */
    static Properties consumerProperties(Map<String, Object> configs) {
        Properties properties = new Properties();
        Set<String> known = ConsumerConfig.configNames();
        Collection<String> excluded = Set.of(ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.CLIENT_ID_CONFIG);
        configs.forEach((name, value) -> {
            if (known.contains(name) && !excluded.contains(name)) {
                properties.put(name, value);
            }
        });
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "consentgate-replay");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Everything below the bounds is already in the log, so the replay never needs the broker to hold
        // a fetch for new data. With the default (500 ms) the fetch the consumer sends ahead at the end of
        // each partition is held that long, and the first poll after assigning the next partition waits for it.
        properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
        return properties;
    }

    private static Path temporaryDirectory(Path parent) {
        try {
            return parent == null ? Files.createTempDirectory("consentgate-replay") : Files.createTempDirectory(parent, "consentgate-replay");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is no reason to fail the replay.
        }
    }
}
