package dev.consentgate.enforce;

import com.google.crypto.tink.DeterministicAead;
import dev.consentgate.audit.AuditChain;
import dev.consentgate.client.EncryptedFields;
import dev.consentgate.client.FieldCipher;
import dev.consentgate.audit.AuditRecords;
import dev.consentgate.audit.Checkpoint;
import dev.consentgate.audit.CheckpointSigner;
import dev.consentgate.config.TopologySettings;
import dev.consentgate.deadletter.DeadLetters;
import dev.consentgate.ingest.AvroCodec;
import dev.consentgate.ingest.ConsentUpdate;
import dev.consentgate.ingest.EnforcerInput;
import dev.consentgate.ingest.PendingEvent;
import dev.consentgate.ingest.RejectException;
import dev.consentgate.ingest.RejectReason;
import dev.consentgate.ingest.Rejected;
import dev.consentgate.serde.TransientErrors;
import dev.consentgate.ingest.ReviewRequest;
import dev.consentgate.output.Outbound;
import dev.consentgate.output.OutputHeaders;
import dev.consentgate.output.OutputPlans;
import dev.consentgate.output.RecordMinimizer;
import dev.consentgate.consent.ConsentHistory;
import dev.consentgate.metrics.EnforcementMetrics;
import dev.consentgate.policy.ConsentChoice;
import dev.consentgate.policy.ConsentState;
import dev.consentgate.policy.DecisionContext;
import dev.consentgate.policy.DecisionFunction;
import dev.consentgate.policy.EnforcementMode;
import dev.consentgate.policy.EventDecision;
import dev.consentgate.policy.FieldEncrypter;
import dev.consentgate.policy.InputMapping;
import dev.consentgate.policy.Verdict;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyWords;
import dev.consentgate.policy.Purpose;
import dev.consentgate.policy.PurposeVerdict;
import dev.consentgate.policy.PurposeRule;
import dev.consentgate.schema.ReviewAction;
import dev.consentgate.schema.ReviewDecision;
import dev.consentgate.schema.ReviewOutcome;
import dev.consentgate.schema.internal.PendingErasureNotice;
import dev.consentgate.schema.internal.BufferedHeader;
import dev.consentgate.schema.internal.HeldRecord;
import dev.consentgate.signal.MalformedSignalException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of the topology: records consent changes in the consent history and decides each CRM
 * event against the consent of its own time and of the decision's time, for every purpose it declares. Per event it forwards
 * one record to each purpose that may receive it and one audit record, all through one sink, so
 * under exactly-once they commit together.
 */
final class EnforcementProcessor implements Processor<String, EnforcerInput, byte[], Outbound> {

    private static final Logger LOG = LoggerFactory.getLogger(EnforcementProcessor.class);
    /** The outbound "topic" of erasure notices still to be located: not a legal topic name, so no policy topic is it. */
    static final String PENDING_ERASURE_NOTICES = "(erasure notices to locate)";

    private final Policy policy;
    private final DecisionFunction decisions;
    private final AvroCodec codec;
    private final OutputPlans plans;
    private final RecordMinimizer minimizer;
    private final AuditRecords audit;
    private final DeadLetters deadLetters;
    private final TopologySettings settings;
    private final EnforcementMetrics metrics;
    private final DecisionClock decisionClock;
    private final Optional<CheckpointSigner> checkpointSigner;
    private final CarriedSignals carriedSignals;
    private final RepeatedHeaderValues headerValues = new RepeatedHeaderValues();
    /** The policy version and enforcement mode headers, the same on every record. */
    private final byte[] policyVersion;
    private final byte[] mode;

    private ProcessorContext<byte[], Outbound> context;
    private ConsentHistory history;
    private GraceBuffer graceBuffer;
    private AuditChain auditChain;
    private CustomerDataKeys dataKeys;
    private DeliverySummaries deliverySummaries;
    private ReviewHolds holds;
    private ReviewQueueGauges queueGauges;

    EnforcementProcessor(Policy policy, AvroCodec codec, TopologySettings settings, EnforcementMetrics metrics,
                         DecisionClock decisionClock, Optional<CheckpointSigner> checkpointSigner) {
        this.checkpointSigner = checkpointSigner;
        this.policy = policy;
        this.metrics = metrics;
        this.decisionClock = decisionClock;
        this.decisions = new DecisionFunction(policy);
        this.codec = codec;
        this.settings = settings;
        this.plans = new OutputPlans(settings.mappingsByTopic(), AuditRecords::fieldTreatments);
        this.minimizer = new RecordMinimizer(settings.redactor());
        this.audit = new AuditRecords(policy, settings.pseudonymKey());
        this.deadLetters = new DeadLetters(settings.dlqTopic(), metrics);
        this.carriedSignals = new CarriedSignals(policy);
        this.policyVersion = utf8(policy.version());
        this.mode = utf8(PolicyWords.word(policy.enforcementMode()));
    }

    @Override
    public void init(ProcessorContext<byte[], Outbound> context) {
        this.context = context;
        this.history = ConsentHistory.open(context, settings.stateKey().hash(), settings.historyRetention(),
                settings.cachedCustomers());
        this.graceBuffer = new GraceBuffer(
                context.getStateStore(GraceBuffer.STORE),
                context.getStateStore(ConsentHistory.WATERMARK_STORE),
                settings.grace().toMillis());
        this.auditChain = new AuditChain(context.getStateStore(AuditChain.STORE), context.taskId().partition());
        this.dataKeys = new CustomerDataKeys(context.getStateStore(CustomerDataKeys.STORE), settings.dataKeys(), settings.keysTopic(),
                context::forward);
        this.deliverySummaries = new DeliverySummaries(context.getStateStore(DeliverySummaries.STORE), settings.cachedCustomers());
        if (policy.usesReview()) {
            this.holds = new ReviewHolds(context.getStateStore(ReviewHolds.STORE));
            this.queueGauges = new ReviewQueueGauges(holds, metrics, context);
        }
    }

    @Override
    public void process(Record<String, EnforcerInput> record) {
        record.value().route(input -> input.match(update -> consent(update, record.timestamp()), this::event),
                request -> review(request, record));
    }

    @Override
    public void close() {
        if (queueGauges != null) {
            queueGauges.close();
        }
    }

    /** @param timestamp the consent record's Kafka timestamp */
    private Void consent(ConsentUpdate update, long timestamp) {
        applyConsent(update, timestamp);
        if (buffers()) {
            graceBuffer.advance(update.state().capturedAt());
            graceBuffer.releaseDue(this::decideReleased);
        }
        return null;
    }

    private Void event(PendingEvent event) {
        if (!buffers()) {
            // No grace: every event is decided as it comes, and the buffer and its event time are never needed.
            decide(event);
            return null;
        }
        graceBuffer.advance(event.eventTime());
        // Release the earlier waiting events first, so decisions stay in event-time order.
        graceBuffer.releaseDue(this::decideReleased);
        if (graceBuffer.isDue(event.eventTime())) {
            decide(event);
        } else {
            graceBuffer.hold(event);
        }
        return null;
    }

    /** With a grace period; or without one, while events held under an earlier one still wait. */
    private boolean buffers() {
        return !settings.grace().isZero() || graceBuffer.holdsEvents();
    }

    /**
     * Decides an event released from the grace buffer. One that fails goes to the dead-letter topic by itself, as it
     * would have without a grace period: Kafka Streams' handler would blame the record being processed, and the
     * failing event, still held, would fail every record after it. A transient error fails the thread as anywhere.
     */
    private void decideReleased(PendingEvent event) {
        try {
            decide(event);
        } catch (RuntimeException e) {
            if (TransientErrors.isTransient(e)) {
                throw e;
            }
            // The exception's message may quote data: its type and the position identify the event.
            LOG.warn("Unexpected {} deciding the event at {}-{} offset {} released from the grace buffer; it goes to the dead-letter topic",
                    e.getClass().getName(), event.position().topic(), event.position().partition(), event.position().offset());
            Rejected rejected = new Rejected(RejectReason.PROCESSING_ERROR, e.getClass().getName() + " in processor " + EnforcementTopology.ENFORCER
                    + " (released from the grace buffer)", event.event().getKey() == null ? null : bytes(event.event().getKey()),
                    bytes(event.event().getValue()), event.position());
            context.forward(deadLetters.record(rejected, inputHeaders(event), event.event().getRecordTimestamp()));
        }
    }

    private void applyConsent(ConsentUpdate update, long timestamp) {
        metrics.consentUpdate(update.state().status().name());
        if (update.position().topic().equals(settings.reroutedConsentTopic())) {
            history.markRerouted(update.position().offset());
        } else {
            history.markRead(update.position().offset());
        }
        history.record(update.customerId(), update.state());
        if (update.state().status() == ConsentChoice.ERASED) {
            erase(update, timestamp);
        }
    }

    /**
     * Destroys the customer's data key and starts the notice to the systems that must delete. The consent history already
     * drops what follows, and the key goes before anything can fail. The notice goes, without the customer id, through an
     * internal topic to {@link ErasureNoticeLocator}, which reads it only once this transaction, and with it every delivery
     * it names, is committed: only then can it find their offsets.
     */
    private void erase(ConsentUpdate update, long timestamp) {
        String subject = DataKeyReference.of(settings, update.customerId());
        // Stamped with the request's Kafka timestamp, which the brokers took, not its capture time, which may lie ahead of
        // their clock by more than they accept (log.message.timestamp.after.max.ms): a refused write would fail the task.
        dataKeys.destroy(subject, timestamp);
        ConsentState request = update.state();
        PendingErasureNotice notice = new PendingErasureNotice(subject, Instant.ofEpochMilli(request.capturedAt()), request.source(),
                request.consentId(), update.position().topic(), update.position().partition(), update.position().offset(), policy.version(),
                deliverySummaries.of(subject));
        byte[] encoded = ErasureNoticeLocator.PENDING.encode(notice);
        deliverySummaries.clear(subject);
        context.forward(new Record<>(utf8(subject), new Outbound(PENDING_ERASURE_NOTICES, encoded), timestamp));
    }

    /** The event's value: decoded already when its input was read, or decoded now from the bytes it was buffered as. */
    private GenericRecord decoded(PendingEvent event) {
        return event.decodedOrNull() != null ? event.decodedOrNull()
                : codec.decode(event.event().getSourceTopic(), bytes(event.event().getValue()));
    }

    /** The customer's pseudonym: the keyed hash of the customer id, as in audit records and hashed purpose-record keys. */
    private String pseudonym(String customerId) {
        return settings.pseudonymKey().hash().hex(customerId);
    }

    private void decide(PendingEvent event) {
        GenericRecord value = decoded(event);
        Optional<List<ConsentState>> carried = carriedStatements(event, value);
        if (carried.isEmpty()) {
            return;
        }
        // The event's own statements count for it, and stand only with its audit record: should it fail and be
        // dead-lettered, they must not count for the customer's later events, which a replay would decide without them.
        Optional<ConsentHistory.Snapshot> before = carried.get().isEmpty() ? Optional.empty()
                : Optional.of(history.snapshot(event.customerId()));
        carried.get().forEach(statement -> {
            metrics.consentUpdate(statement.status().name());
            history.record(event.customerId(), statement);
        });
        EventDecision decision;
        List<AuditRecords.Delivery> deliveries;
        try {
            decision = decisionFor(event, Purpose.allOf(event.purposes()));
            deliveries = emit(event, value, decision, null);
        } catch (RuntimeException e) {
            before.ifPresent(history::restore);
            throw e;
        }
        deliveries.forEach(this::count);
        metrics.decisionLag(Duration.ofMillis(context.currentSystemTimeMs() - event.eventTime()));
    }

    /** The decisions for {@code purposes} of the event, against its customer's consent at its time and at the task's time now. */
    private EventDecision decisionFor(PendingEvent event, List<Purpose> purposes) {
        String customerId = event.customerId();
        long eventTime = event.eventTime();
        // The customer's recorded jurisdiction stands; the event's own, which its producer chose, can only tighten it.
        long decidedAt = decisionClock.decidedAt(taskTime(eventTime));
        String jurisdiction = history.jurisdictionAt(customerId, eventTime);
        String jurisdictionAtDecision = decidedAt == eventTime ? jurisdiction : history.jurisdictionAt(customerId, decidedAt);
        DecisionContext decisionContext = new DecisionContext(eventTime, decidedAt, jurisdiction, event.event().getJurisdiction(),
                jurisdictionAtDecision);
        InputMapping input = settings.mappingsByTopic().get(event.event().getSourceTopic());
        return decisions.decide(purposes, input::mayDeclare, (purpose, time) -> history.at(customerId, purpose, time), decisionContext);
    }

    /**
     * Forwards what the decision gives each purpose and the event's audit record. A purpose that requires review gets its
     * record on the review topic instead, held under a review id, unless {@code review} (the reviewer's decision that led
     * to this one) is given: a record decided after review is never held again.
     */
    private List<AuditRecords.Delivery> emit(PendingEvent event, GenericRecord value, EventDecision decision, ReviewOutcome review) {
        String customerId = event.customerId();
        Headers passedHeaders = passedHeaders(event);
        long timestamp = event.event().getRecordTimestamp();
        List<AuditRecords.Delivery> deliveries = new ArrayList<>(decision.decisions().size());
        List<Record<byte[], Outbound>> outputs = new ArrayList<>(decision.decisions().size() + 1);
        List<ReviewId> held = new ArrayList<>();
        // One keyed hash per event, for its summary, its data key and its records' header, and only when it reaches a purpose.
        Supplier<String> reference = memoized(() -> DataKeyReference.of(settings, customerId));
        for (PurposeVerdict purposeDecision : decision.decisions()) {
            Optional<ReviewId> hold = review == null ? heldFor(purposeDecision) : Optional.empty();
            hold.ifPresent(held::add);
            deliveries.add(deliver(event, value, purposeDecision, passedHeaders, timestamp, reference, outputs, hold));
        }
        List<DeliverySummaries.Delivered> delivered = outputs.stream()
                .map(r -> new DeliverySummaries.Delivered(r.value().topic(), Arrays.equals(r.key(), utf8(customerId)))).toList();
        AuditChain.Sealed auditValue = auditChain.seal(
                audit.build(event, decision, deliveries, context.currentSystemTimeMs(), auditChain.partition(), history.lastReadOffset(),
                        history.lastReroutedOffset(), review),
                record -> codec.encode(settings.auditTopic(), record));
        // Counted once the audit record is built: an event that fails before it is not counted as delivered.
        if (!delivered.isEmpty()) {
            deliverySummaries.delivered(reference.get(), delivered, timestamp, event.event().getEventId());
        }
        held.forEach(id -> holds.hold(id, new HeldRecord(event.event(), id.purpose(), decision.decidedAt(), id.partition(), id.sequence())));
        byte[] auditKey = event.event().getEventId().getBytes(StandardCharsets.UTF_8);
        outputs.add(new Record<>(auditKey, new Outbound(settings.auditTopic(), auditValue.value(), auditChain.partition()), timestamp));
        // Everything is built before anything is forwarded: an error part-way leaves no purpose record without its audit record.
        outputs.forEach(context::forward);
        auditChain.advance(auditValue);
        signCheckpoint(auditValue, decision.decidedAt(), timestamp);
        return deliveries;
    }

    /**
     * The review id a purpose's record is held under, when its rule requires review and the record would reach the purpose
     * topic (in shadow mode, a would-be drop does too). It names the audit record about to be sealed.
     */
    private Optional<ReviewId> heldFor(PurposeVerdict decision) {
        boolean reaches = decision.forwards() || policy.enforcementMode() == EnforcementMode.SHADOW;
        if (decision.rule().isEmpty() || !decision.rule().get().requiresReview() || !reaches) {
            return Optional.empty();
        }
        return Optional.of(new ReviewId(auditChain.partition(), auditChain.nextSequence(), decision.purpose().key()));
    }

    /**
     * A reviewer's decision on a held record. The first one takes the record out of the store: approve decides it again,
     * at the task's time now, and forwards it only if that decision still lets it through; reject drops it. Both are
     * audited with the reviewer, the reason and the held record's audit reference. A decision on nothing held, or one
     * that cannot be read, goes to the dead letters and changes nothing.
     */
    private Void review(ReviewRequest request, Record<String, EnforcerInput> record) {
        ReviewDecision decision;
        try {
            decision = request.decision(codec);
        } catch (RejectException e) {
            refuse(request.refused(e), record);
            return null;
        }
        Optional<HeldRecord> held = holds.take(decision.getReviewId());
        if (held.isEmpty()) {
            refuse(request.refused(RejectReason.REVIEW_NOT_HELD, "no record is held under review id " + decision.getReviewId()
                    + ": never held, decided already, or its decision was written to another partition than the id names"), record);
            return null;
        }
        PendingEvent event = new PendingEvent(held.get().getEvent(), null);
        EventDecision fresh = decisionFor(event, List.of(Purpose.of(held.get().getPurpose())));
        EventDecision outcome = decision.getAction() == ReviewAction.APPROVE ? fresh : ReviewOutcomes.rejected(fresh);
        emit(event, decoded(event), outcome, ReviewOutcomes.of(decision, held.get(), request.position()));
        return null;
    }

    private void refuse(Rejected rejected, Record<String, EnforcerInput> record) {
        context.forward(deadLetters.record(rejected, record.headers(), record.timestamp()));
    }

    /**
     * The statements of the event's own signals, recorded in its customer's history before the event is decided, so they
     * count for it: there, in decision order, a restart and a replay apply them exactly as before. An event with a signal
     * that cannot be decoded is not decided at all but dead-lettered: deciding it without the signal could let through
     * what the customer refused with it, and no statement of the event counts.
     *
     * @return empty when the event went to the dead-letter topic
     */
    private Optional<List<ConsentState>> carriedStatements(PendingEvent event, GenericRecord value) {
        try {
            return Optional.of(carriedSignals.of(event, value, () -> history.jurisdictionAt(event.customerId(), event.eventTime())));
        } catch (MalformedSignalException e) {
            Rejected rejected = new Rejected(RejectReason.MALFORMED_SIGNAL, "signal carried by the event: " + e.getMessage(), null,
                    bytes(event.event().getValue()), event.position());
            context.forward(deadLetters.record(rejected, inputHeaders(event), event.event().getRecordTimestamp()));
            return Optional.empty();
        }
    }

    /**
     * Every {@code interval} records, a signed checkpoint of the head, in the same transaction as the record. Its content
     * depends only on the chain (partition, sequence, hash) and the record's decision time, never on the wall clock or
     * commit timing, so a restarted or replayed task signs the same checkpoints.
     */
    private void signCheckpoint(AuditChain.Sealed sealed, long decidedAt, long timestamp) {
        if (checkpointSigner.isEmpty() || (sealed.sequence() + 1) % settings.checkpointInterval() != 0) {
            return;
        }
        Checkpoint checkpoint = checkpointSigner.get().sign(auditChain.partition(), sealed.sequence(), sealed.hash(), decidedAt);
        context.forward(new Record<>(Integer.toString(auditChain.partition()).getBytes(StandardCharsets.UTF_8),
                new Outbound(settings.checkpointTopic(), checkpoint.encode(), auditChain.partition()), timestamp));
    }

    /**
     * The task's time as it decides an event: its stream time, but never before the event's time, nor before the capture
     * time of a consent record it has read (record timestamps need not be capture times), so every "no" read counts.
     */
    private long taskTime(long eventTime) {
        return Math.max(eventTime, Math.max(context.currentStreamTimeMs(), history.latestCaptureTime()));
    }

    /** Purpose labels are the policy's rule keys (or "unknown"), never the declared text: label values stay bounded. */
    private void count(AuditRecords.Delivery delivery) {
        PurposeVerdict decision = delivery.decision();
        String outcome = PolicyWords.word(decision.outcome());
        String reason = decision.reasons().get(0).name();
        if (decision.rule().isEmpty()) {
            metrics.decisionForUnknownPurpose(outcome, reason);
            return;
        }
        String purpose = decision.rule().get().purpose().key();
        metrics.decision(purpose, outcome, reason);
        delivery.fields().forEach(field -> metrics.redactedField(purpose, field.category().key()));
    }

    /**
     * Adds the purpose's record to {@code outputs} if it gets one, and says what was done for the audit record. A record
     * {@code held} for review goes to the review topic, minimized for its purpose as it would reach the purpose topic.
     */
    private AuditRecords.Delivery deliver(PendingEvent event, GenericRecord value, PurposeVerdict decision,
                                          Headers passedHeaders, long timestamp, Supplier<String> reference,
                                          List<Record<byte[], Outbound>> outputs, Optional<ReviewId> held) {
        boolean shadow = policy.enforcementMode() == EnforcementMode.SHADOW;
        if (decision.rule().isEmpty() || (!shadow && !decision.forwards())) {
            return AuditRecords.Delivery.none(decision);
        }
        PurposeRule rule = decision.rule().get();
        String destination = held.isPresent() ? settings.reviewTopic() : rule.outputTopic();
        // Shadow mode forwards what enforcement would drop, minimized exactly as a tagged record is.
        Verdict delivered = decision.outcome() == Verdict.DROP ? Verdict.TAG : decision.outcome();
        OutputPlans.PlannedOutput planned = plans.plan(event.event().getSourceTopic(), value.getSchema(), rule, delivered);
        String customerId = event.customerId();
        // What shadow mode forwards of a would-be drop (an erased customer's, say) is encrypted under a key nobody keeps:
        // it must not make the customer a data key again, nor be readable.
        boolean readable = decision.outcome() != Verdict.DROP;
        FieldEncrypter encrypter = !planned.plan().encrypts() ? FieldEncrypter.NONE
                : readable ? (field, text) -> FieldCipher.encrypt(dataKeys.keyOf(reference.get(), timestamp), destination, field, text)
                : unheldEncrypter(destination);
        byte[] output = planned.plan().isUnchanged()
                // Nothing to remove or transform: forward the producer's bytes as they came.
                ? bytes(event.event().getValue())
                : codec.encode(destination, minimizer.apply(value, planned.minimization(), encrypter));
        // The key is the customer id, in the clear only where the purpose may see its category: elsewhere its keyed
        // hash, which still puts each customer's records on one partition. The input key is never copied: it may hold
        // anything. A pseudonymized record carries no input header either.
        byte[] outputKey = utf8(planned.keyInClear() ? customerId : pseudonym(customerId));
        Headers headers = decisionHeaders(delivered == Verdict.REDACT ? new RecordHeaders() : passedHeaders,
                decision, event.event().getEventId());
        addKeyIds(headers, planned);
        held.ifPresent(id -> {
            headers.add(OutputHeaders.REVIEW_ID, utf8(id.toString()));
            headers.add(OutputHeaders.PURPOSE, utf8(id.purpose()));
        });
        if (planned.plan().encrypts() && readable) {
            // Which data key opens the record's encrypted fields, without the customer id or their pseudonym.
            headers.add(EncryptedFields.SUBJECT_HEADER, utf8(reference.get()));
        }
        outputs.add(new Record<>(outputKey, new Outbound(destination, output), timestamp, headers));
        return new AuditRecords.Delivery(decision, planned, destination);
    }

    /** {@code value}, computed on first use and kept. */
    private static Supplier<String> memoized(Supplier<String> value) {
        String[] kept = new String[1];
        return () -> {
            if (kept[0] == null) {
                kept[0] = value.get();
            }
            return kept[0];
        };
    }

    /** Encrypts a record's fields under one key made for it and kept by nobody. */
    private FieldEncrypter unheldEncrypter(String topic) {
        DeterministicAead[] key = new DeterministicAead[1];
        return (field, text) -> {
            if (key[0] == null) {
                key[0] = dataKeys.unheldKey();
            }
            return FieldCipher.encrypt(key[0], topic, field, text);
        };
    }

    private Headers decisionHeaders(Headers input, PurposeVerdict decision, String eventId) {
        Headers headers = new RecordHeaders(input.toArray());
        headers.add(OutputHeaders.DECISION, headerValues.word(decision.outcome()));
        headers.add(OutputHeaders.BASIS, headerValues.word(decision.basis()));
        headers.add(OutputHeaders.REASONS, headerValues.reasons(decision.reasons()));
        headers.add(OutputHeaders.POLICY_VERSION, policyVersion);
        headers.add(OutputHeaders.EVENT_ID, utf8(eventId));
        headers.add(OutputHeaders.MODE, mode);
        return headers;
    }

    /** Names the key of each kind of hash the record holds, so its reader knows which key made it, also after a rotation. */
    private void addKeyIds(Headers headers, OutputPlans.PlannedOutput planned) {
        if (!planned.keyInClear()) {
            headers.add(OutputHeaders.PSEUDONYM_KEY_ID, utf8(settings.pseudonymKey().id()));
        }
        if (planned.plan().hashes()) {
            headers.add(OutputHeaders.FIELD_HASH_KEY_ID, utf8(settings.fieldHashKey().id()));
        }
    }

    /**
     * The input headers the input mapping lists in {@code pass_headers}; every other one is dropped, since a header
     * is data nobody categorized. A {@code consent-} header never passes: only ConsentGate writes those.
     */
    private Headers passedHeaders(PendingEvent event) {
        RecordHeaders headers = new RecordHeaders();
        Set<String> passed = settings.mappingsByTopic().get(event.event().getSourceTopic()).passHeaders();
        if (passed.isEmpty()) {
            return headers;
        }
        for (BufferedHeader header : event.event().getHeaders()) {
            if (passed.contains(header.getKey()) && !header.getKey().startsWith(OutputHeaders.PREFIX)) {
                headers.add(header.getKey(), header.getValue() == null ? null : bytes(header.getValue()));
            }
        }
        return headers;
    }

    /** Every header of the input record, for its dead letter. */
    private static Headers inputHeaders(PendingEvent event) {
        RecordHeaders headers = new RecordHeaders();
        for (BufferedHeader header : event.event().getHeaders()) {
            headers.add(header.getKey(), header.getValue() == null ? null : bytes(header.getValue()));
        }
        return headers;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] copy = new byte[view.remaining()];
        view.get(copy);
        return copy;
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
