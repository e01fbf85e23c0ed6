package dev.consentgate.enforce;

import dev.consentgate.audit.AuditChain;
import dev.consentgate.audit.CheckpointSigner;
import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.config.SigningKey;
import dev.consentgate.config.TopologySettings;
import dev.consentgate.deadletter.DeadLetterWriter;
import dev.consentgate.deadletter.DeadLetters;
import dev.consentgate.ingest.AvroCodec;
import dev.consentgate.ingest.ConsentReader;
import dev.consentgate.ingest.ConsentRerouter;
import dev.consentgate.ingest.ConsentUpdate;
import dev.consentgate.ingest.CustomerKeyPartitioner;
import dev.consentgate.ingest.CustomerPartitions;
import dev.consentgate.ingest.DeciderInput;
import dev.consentgate.ingest.EnforcerInput;
import dev.consentgate.ingest.EnvelopeReader;
import dev.consentgate.ingest.PendingEvent;
import dev.consentgate.ingest.PendingEventPartitioner;
import dev.consentgate.ingest.PendingEventSerde;
import dev.consentgate.ingest.ReaderOutput;
import dev.consentgate.ingest.ReviewRequestReader;
import dev.consentgate.ingest.Rejected;
import dev.consentgate.ingest.SignalReader;
import dev.consentgate.ingest.TimeAheadBound;
import dev.consentgate.output.Outbound;
import dev.consentgate.output.OutboundPartitioner;
import dev.consentgate.consent.ConsentHistory;
import dev.consentgate.metrics.EnforcementMetrics;
import dev.consentgate.policy.InputMapping;
import dev.consentgate.policy.KeyedHash;
import dev.consentgate.policy.Policy;
import dev.consentgate.signal.SignalStatements;
import dev.consentgate.topics.TopicLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * Builds the enforcement topology from a configuration and a policy; {@code main} and the tests
 * share this one method. Every processor, store and internal topic has a fixed name, so internal
 * topic names survive refactoring.
 *
 * <pre>
 * consent.events ─► consent-reader ─┬─ rejected ─► dead letters
 *                                   ├─ misplaced ─► consent-rerouter ─► consent.events.rerouted
 *                                   └─ in place ──────────────────────────┐
 * consent.events.rerouted ─► consent-rerouted-reader ─────────────────────┤
 * consent.review.decisions ─► review-decision-reader (review: required) ───┤   (held records: consent.review)
 * input topic ─► input-T-envelope ─┬─ rejected ─► dead letters            ├─► enforcer ─► purpose topics,
 *                                  ├─ keyed by customer id, on its        │        │     consent.audit,
 *                                  │  customer's partition ───────────────┤        │     consent.dlq
 *                                  ├─ keyed by customer id, elsewhere:    │        │
 *                                  │  [events-misplaced repartition] ─┐   │        │
 *                                  └─ not keyed by customer id ───────┴─► │        │
 *                                     [events-by-customer repartition] ───┘        │
 *                 erasure requests: [erasure-notices repartition] ─► erasure-notice-locator ─► privacy.erasure
 * </pre>
 *
 * <p>A customer's partition is the one {@link CustomerPartitions} names, whatever partitioner the producers used.
 * Internal topics and stores never hold a customer id as a key: they are keyed by its HMAC under the state key.
 */
public final class EnforcementTopology {

    /** Name of the processor that decides; its stores are the consent history and the grace buffer. */
    public static final String ENFORCER = "enforcer";
    /**
     * The store of the customers' consent histories, keyed by the state key's hash of the customer id. A replay running
     * several policies hands what one policy's decision recorded in it (a signal the event carried) to the others.
     */
    public static final String CONSENT_HISTORY_STORE = ConsentHistory.CONSENT_STORE;
    /** Name of the processor that completes erasure notices; its store holds the notices waiting for their lookups. */
    static final String ERASURE_NOTICE_LOCATOR = "erasure-notice-locator";

    private static final TopicNameExtractor<byte[], Outbound> OUTBOUND_TOPIC = (key, value, context) -> value.topic();
    private static final Produced<byte[], Outbound> OUTBOUND = Produced.with(Serdes.ByteArray(), Outbound.VALUE_SERDE)
            .withStreamPartitioner(new OutboundPartitioner());
    private static final Consumed<byte[], byte[]> RAW = Consumed.with(Serdes.ByteArray(), Serdes.ByteArray());

    private EnforcementTopology() {
    }

    /**
     * @param configs ConsentGate keys ({@link ConsentGateConfig}) and the serde's keys
     *                ({@code schema.registry.url}, {@code auto.register.schemas}, ...)
     */
    public static Topology build(Policy policy, Map<String, ?> configs) {
        return build(policy, configs, EnforcementMetrics.noop());
    }

    /** As {@link #build(Policy, Map)}, counting decisions, redactions, dead letters and consent updates in {@code metrics}. */
    public static Topology build(Policy policy, Map<String, ?> configs, EnforcementMetrics metrics) {
        return build(policy, configs, metrics, 1);
    }

    /**
     * As {@link #build(Policy, Map, EnforcementMetrics)} for a consent topic of {@code partitions} partitions: records on
     * another partition than their customer id's are moved to it. The service passes the count it finds on the broker.
     */
    public static Topology build(Policy policy, Map<String, ?> configs, EnforcementMetrics metrics, int partitions) {
        return build(policy, configs, metrics, partitions, Optional.empty());
    }

    /**
     * As {@link #build(Policy, Map, EnforcementMetrics, int)}, signing a checkpoint of each audit chain every
     * {@code consentgate.audit.checkpoint.interval} records with {@code signingKey} when given.
     */
    public static Topology build(Policy policy, Map<String, ?> configs, EnforcementMetrics metrics, int partitions,
                                 Optional<SigningKey> signingKey) {
        return build(policy, configs, metrics, partitions, signingKey, ErasureLookups.KAFKA);
    }

    /**
     * As {@link #build(Policy, Map, EnforcementMetrics, int, Optional)}, locating the records an erasure notice names with
     * {@code lookups} instead of on the brokers: tests that run without any.
     */
    public static Topology build(Policy policy, Map<String, ?> configs, EnforcementMetrics metrics, int partitions,
                                 Optional<SigningKey> signingKey, ErasureLookups.Factory lookups) {
        ConsentGateConfig config = new ConsentGateConfig(configs);
        return build(policy, config, config.valueSerde(configs), metrics, DecisionClock.TASK_TIME, new CustomerPartitions(partitions),
                signingKey.map(EnforcementTopology::checkpointSigner), Optional.of(lookups));
    }

    /**
     * As {@link #build(Policy, Map)}, with a value serde the caller made and configured instead of the
     * one {@code consentgate.value.serde} names, and a clock for the decisions' time: a replay decodes
     * through the production registry but must not register schemas in it, and decides each event at
     * its recorded time. It writes no erasure notices: a replay compares decisions, and reads no purpose topic.
     */
    public static Topology build(Policy policy, Map<String, ?> configs, Serde<Object> valueSerde, DecisionClock decisionClock) {
        return build(policy, new ConsentGateConfig(configs), valueSerde, EnforcementMetrics.noop(), decisionClock, CustomerPartitions.SINGLE,
                Optional.empty(), Optional.empty());
    }

    private static Topology build(Policy policy, ConsentGateConfig config, Serde<Object> valueSerde, EnforcementMetrics metrics,
                                  DecisionClock decisionClock, CustomerPartitions partitions, Optional<CheckpointSigner> signer,
                                  Optional<ErasureLookups.Factory> erasureLookups) {
        TopologySettings settings = TopologySettings.of(config, policy);
        AvroCodec codec = new AvroCodec(valueSerde);
        DeadLetters deadLetters = new DeadLetters(settings.dlqTopic(), metrics);
        TimeAheadBound timeAhead = new TimeAheadBound(settings.timeMaxAhead());

        StreamsBuilder builder = builder(config);
        ConsentHistory.storeBuilders().forEach(builder::addStateStore);
        builder.addStateStore(GraceBuffer.storeBuilder());
        builder.addStateStore(AuditChain.storeBuilder());
        // Their changelogs hold what an erasure removes: compacted as promptly as the key topic.
        builder.addStateStore(CustomerDataKeys.storeBuilder(TopicLayout.ERASABLE));
        builder.addStateStore(DeliverySummaries.storeBuilder(TopicLayout.ERASABLE));
        if (policy.usesReview()) {
            builder.addStateStore(ReviewHolds.storeBuilder(TopicLayout.ERASABLE));
        }

        List<KStream<String, EnforcerInput>> inbound = new ArrayList<>();
        KStream<String, ReaderOutput> consents = builder
                .stream(settings.consentTopic(), RAW.withName("consent-source"))
                .process(() -> new ConsentReader(codec, timeAhead), Named.as("consent-reader"));
        Map<String, KStream<String, ConsentUpdate>> placed = consentsOnly(consents, "consent", deadLetters)
                .split(Named.as("consent-placement-"))
                .branch((key, value) -> isMisplaced(partitions, value), Branched.as("misplaced"))
                .defaultBranch(Branched.as("in-place"));
        placed.get("consent-placement-misplaced")
                .process(() -> new ConsentRerouter(settings.reroutedConsentTopic(), metrics), Named.as("consent-rerouter"))
                .to(settings.reroutedConsentTopic(), Produced.with(Serdes.ByteArray(), Outbound.VALUE_SERDE)
                        .withStreamPartitioner(new CustomerKeyPartitioner()).withName("consent-rerouted-sink"));
        inbound.add(asInput(placed.get("consent-placement-in-place"), "consent-in-place"));
        // Written by the rerouter above, so on its customer's partition: never checked, or moved, again.
        KStream<String, ReaderOutput> rerouted = builder
                .stream(settings.reroutedConsentTopic(), RAW.withName("consent-rerouted-source"))
                .process(() -> new ConsentReader(codec, timeAhead), Named.as("consent-rerouted-reader"));
        inbound.add(asInput(consentsOnly(rerouted, "consent-rerouted", deadLetters), "consent-rerouted"));
        policy.signals().ifPresent(mapping -> readSignals(builder, policy, settings, codec, deadLetters, timeAhead));

        KeyedHash stateKey = settings.stateKey().hash();
        List<KStream<String, PendingEvent>> toMove = new ArrayList<>();
        List<KStream<String, PendingEvent>> misplaced = new ArrayList<>();
        List<InputMapping> inputs = policy.inputs().stream().sorted(Comparator.comparing(InputMapping::topic)).toList();
        for (InputMapping input : inputs) {
            String name = "input-" + input.topic();
            KStream<String, ReaderOutput> read = builder
                    .stream(input.topic(), RAW.withName(name + "-source"))
                    .process(() -> new EnvelopeReader(codec, input, metrics, timeAhead), Named.as(name + "-envelope"));
            KStream<String, PendingEvent> accepted = accepted(read, name, deadLetters, NONE_FROM_CONSENT, List::of);
            if (input.keyedByCustomerId()) {
                Map<String, KStream<String, PendingEvent>> placedEvents = accepted.split(Named.as(name + "-placement-"))
                        .branch((key, value) -> isMisplaced(partitions, value), Branched.as("misplaced"))
                        .defaultBranch(Branched.as("in-place"));
                inbound.add(asInput(placedEvents.get(name + "-placement-in-place"), name));
                misplaced.add(placedEvents.get(name + "-placement-misplaced")
                        .peek((key, value) -> metrics.misplacedRecord(value.position().topic()), Named.as(name + "-misplaced-count")));
            } else {
                toMove.add(pseudonymous(accepted, name, stateKey));
            }
        }
        if (!misplaced.isEmpty()) {
            toMove.add(outOfTheEnforcersTask(merged(misplaced, "events-misplaced-merge-"), partitions, stateKey));
        }
        if (!toMove.isEmpty()) {
            inbound.add(asInput(byCustomer(merged(toMove, "events-to-move-merge-"), partitions), "events-by-customer"));
        }

        if (policy.usesReview()) {
            // Keyed by review id, on the held record's partition: each decision meets the task that holds its record.
            inbound.add(builder.stream(settings.reviewDecisionsTopic(), RAW.withName("review-decision-source"))
                    .process(ReviewRequestReader::new, Named.as("review-decision-reader")));
        }

        Map<String, KStream<byte[], Outbound>> decided = merged(inbound, "merge-")
                .process(() -> new EnforcementProcessor(policy, codec, settings, metrics, decisionClock, signer), Named.as(ENFORCER),
                        enforcerStores(policy))
                .split(Named.as("enforcer-"))
                .branch((key, value) -> value.topic().equals(EnforcementProcessor.PENDING_ERASURE_NOTICES), Branched.as("erasure-notices"))
                .defaultBranch(Branched.as("records"));
        decided.get("enforcer-records").to(OUTBOUND_TOPIC, OUTBOUND.withName("outbound-sink"));
        erasureLookups.ifPresent(lookups -> locateErasureNotices(builder, decided.get("enforcer-erasure-notices"), codec, settings, lookups,
                deadLetters, metrics));
        return builder.build();
    }

    /**
     * Erasure notices are completed in a task of their own, behind an internal topic: under exactly-once it reads a notice
     * only once the transaction that wrote it is committed, and with it every delivery the notice names, so their offsets
     * can be found in the purpose topics. The lookups run off the stream thread ({@link ErasureNoticeLocator}).
     */
    private static void locateErasureNotices(StreamsBuilder builder, KStream<byte[], Outbound> pending, AvroCodec codec,
                                             TopologySettings settings, ErasureLookups.Factory lookups, DeadLetters deadLetters,
                                             EnforcementMetrics metrics) {
        builder.addStateStore(ErasureNoticeLocator.storeBuilder(TopicLayout.ERASABLE));
        pending.mapValues(Outbound::value, Named.as("erasure-notice-bytes"))
                .repartition(Repartitioned.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("erasure-notices"))
                .process(() -> new ErasureNoticeLocator(codec, settings, lookups, deadLetters, metrics), Named.as(ERASURE_NOTICE_LOCATOR),
                        ErasureNoticeLocator.WAITING_STORE)
                .to(OUTBOUND_TOPIC, OUTBOUND.withName("erasure-notice-sink"));
    }

    /**
     * Signals become consent events written to the rerouted-consent topic on their customer's partition, read back above
     * like any other: one consent history, and the audit records' rerouted offsets tell a replay exactly which it held.
     */
    private static void readSignals(StreamsBuilder builder, Policy policy, TopologySettings settings, AvroCodec codec,
                                    DeadLetters deadLetters, TimeAheadBound timeAhead) {
        SignalStatements statements = new SignalStatements(policy);
        KStream<String, ReaderOutput> signals = builder
                .stream(settings.signalsTopic(), RAW.withName("signal-source"))
                .process(() -> new SignalReader(codec, statements, settings.reroutedConsentTopic(), timeAhead), Named.as("signal-reader"));
        consentsOnly(signals, "signal", deadLetters)
                .map((customerId, statement) -> KeyValue.pair(statement.rawKey(), new Outbound(settings.reroutedConsentTopic(), statement.rawValue())),
                        Named.as("signal-statements"))
                .to(settings.reroutedConsentTopic(), Produced.with(Serdes.ByteArray(), Outbound.VALUE_SERDE)
                        .withStreamPartitioner(new CustomerKeyPartitioner()).withName("signal-statement-sink"));
    }

    /** The enforcer's stores; the review holds only when a purpose requires review, so other topologies stay as they were. */
    private static String[] enforcerStores(Policy policy) {
        List<String> stores = new ArrayList<>(List.of(ConsentHistory.CONSENT_STORE, ConsentHistory.WATERMARK_STORE, GraceBuffer.STORE,
                AuditChain.STORE, CustomerDataKeys.STORE, DeliverySummaries.STORE));
        if (policy.usesReview()) {
            stores.add(ReviewHolds.STORE);
        }
        return stores.toArray(String[]::new);
    }

    private static CheckpointSigner checkpointSigner(SigningKey key) {
        try {
            return CheckpointSigner.fromEncoded(key.privateKey(), key.privateSource(), key.publicKey(), key.publicSource());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(ConsentGateConfig.SIGNING_KEY_FILE + ": " + e.getMessage());
        }
    }

    /**
     * A builder under the application's Kafka Streams settings when they name an application, so that Kafka Streams checks
     * what they ask of the topology at build time: {@code ensure.explicit.internal.resource.naming} (on by default, see
     * {@link StreamsDefaults}) refuses a store, changelog or repartition topic without a chosen name. A test or a replay
     * that builds without an application id gets a plain builder.
     */
    private static StreamsBuilder builder(ConsentGateConfig config) {
        Map<String, Object> settings = config.originals();
        if (!settings.containsKey(StreamsConfig.APPLICATION_ID_CONFIG)) {
            return new StreamsBuilder();
        }
        return new StreamsBuilder(new TopologyConfig(new StreamsConfig(settings)));
    }

    private static final Function<ConsentUpdate, List<PendingEvent>> NONE_FROM_CONSENT = update -> List.of();
    private static final Function<PendingEvent, List<ConsentUpdate>> NONE_FROM_EVENT = event -> List.of();

    private static KStream<String, ConsentUpdate> consentsOnly(KStream<String, ReaderOutput> read, String name, DeadLetters deadLetters) {
        return accepted(read, name, deadLetters, List::of, NONE_FROM_EVENT);
    }

    /**
     * Sends a reader's rejected records to the dead-letter topic and returns the accepted ones of the kind the reader
     * makes: a consent reader's updates, an envelope reader's events.
     */
    private static <T> KStream<String, T> accepted(KStream<String, ReaderOutput> read, String name, DeadLetters deadLetters,
                                                   Function<ConsentUpdate, List<T>> fromConsent, Function<PendingEvent, List<T>> fromEvent) {
        read.flatMapValues(value -> value.match(update -> List.<Rejected>of(), event -> List.<Rejected>of(), List::of),
                        Named.as(name + "-rejected"))
                .process(() -> new DeadLetterWriter(deadLetters), Named.as(name + "-dead-letters"))
                .to(OUTBOUND_TOPIC, OUTBOUND.withName(name + "-dead-letter-sink"));
        return read.flatMapValues(value -> value.match(fromConsent, fromEvent, rejected -> List.<T>of()), Named.as(name + "-accepted"));
    }

    /** The enforcer's one input type; an upcast, named for the topology description. */
    private static KStream<String, EnforcerInput> asInput(KStream<String, ? extends DeciderInput> stream, String name) {
        return stream.mapValues(value -> (EnforcerInput) value, Named.as(name + "-input"));
    }

    /** Whether a consent event or an event read from a topic keyed by customer id is on another partition than its customer's. */
    private static boolean isMisplaced(CustomerPartitions partitions, DeciderInput value) {
        return partitions.isMisplaced(value.customerId(), value.position().partition());
    }

    /** The streams merged into one, the merges named {@code prefix} and a number; a single stream as it is. */
    private static <V> KStream<String, V> merged(List<KStream<String, V>> streams, String prefix) {
        KStream<String, V> merged = streams.get(0);
        for (int i = 1; i < streams.size(); i++) {
            merged = merged.merge(streams.get(i), Named.as(prefix + i));
        }
        return merged;
    }

    /** Events keyed by their customer id's HMAC, never the id: the key of every internal topic they cross. */
    private static KStream<String, PendingEvent> pseudonymous(KStream<String, PendingEvent> events, String name, KeyedHash stateKey) {
        return events.selectKey((customerId, event) -> stateKey.hex(event.customerId()), Named.as(name + "-pseudonymous-key"));
    }

    /**
     * Events of topics keyed by customer id that their producer's partitioner put on another partition than their
     * customer's. They leave the enforcer's task through a topic of their own and join the events of the topics not keyed
     * by customer id on their way to {@link #byCustomer}: so the enforcer's task reads one partition of events to be moved,
     * not one per input. Every input partition the task reads costs it work per record, even empty (Kafka Streams checks
     * each one before each record), and these rarely hold any.
     */
    private static KStream<String, PendingEvent> outOfTheEnforcersTask(KStream<String, PendingEvent> misplaced, CustomerPartitions partitions,
                                                                      KeyedHash stateKey) {
        return pseudonymous(misplaced, "events-misplaced", stateKey)
                .repartition(Repartitioned.with(Serdes.String(), new PendingEventSerde()).withNumberOfPartitions(partitions.count())
                        .withName("events-misplaced"));
    }

    /**
     * Moves events to the partition of their customer id, where that customer's consent lives, through one repartition
     * topic with as many partitions as the consent topic, whatever the inputs have. Its key is the customer id's HMAC,
     * never the id; the partition comes from the id the event carries.
     */
    private static KStream<String, PendingEvent> byCustomer(KStream<String, PendingEvent> events, CustomerPartitions partitions) {
        return events.repartition(Repartitioned.with(Serdes.String(), new PendingEventSerde())
                .withStreamPartitioner(new PendingEventPartitioner()).withNumberOfPartitions(partitions.count())
                .withName("events-by-customer"));
    }
}
