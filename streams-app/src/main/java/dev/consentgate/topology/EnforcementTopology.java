package dev.consentgate.topology;

import dev.consentgate.consent.ConsentHistory;
import dev.consentgate.metrics.EnforcementMetrics;
import dev.consentgate.policy.InputMapping;
import dev.consentgate.policy.Policy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
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
 * input topic ─► input-T-envelope ─┬─ rejected ─► dead letters            ├─► enforcer ─► purpose topics,
 *                                  └─ [input-T-by-customer repartition,   │              consent.audit,
 *                                      unless keyed by customer id and    │              consent.dlq
 *                                      on its customer's partition] ──────┘
 * </pre>
 *
 * <p>A customer's partition is the one {@link CustomerPartitions} names, whatever partitioner the producers used.
 */
public final class EnforcementTopology {

    /** Name of the processor that decides; its stores are the consent history and the grace buffer. */
    public static final String ENFORCER = "enforcer";

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
        ConsentGateConfig config = new ConsentGateConfig(configs);
        return build(policy, config, config.valueSerde(configs), metrics, DecisionClock.TASK_TIME, new CustomerPartitions(partitions));
    }

    /**
     * As {@link #build(Policy, Map)}, with a value serde the caller made and configured instead of the
     * one {@code consentgate.value.serde} names, and a clock for the decisions' time: a replay decodes
     * through the production registry but must not register schemas in it, and decides each event at
     * its recorded time.
     */
    public static Topology build(Policy policy, Map<String, ?> configs, Serde<Object> valueSerde, DecisionClock decisionClock) {
        return build(policy, new ConsentGateConfig(configs), valueSerde, EnforcementMetrics.noop(), decisionClock, CustomerPartitions.SINGLE);
    }

    private static Topology build(Policy policy, ConsentGateConfig config, Serde<Object> valueSerde, EnforcementMetrics metrics,
                                  DecisionClock decisionClock, CustomerPartitions partitions) {
        TopologySettings settings = TopologySettings.of(config, policy);
        AvroCodec codec = new AvroCodec(valueSerde);
        DeadLetters deadLetters = new DeadLetters(settings.dlqTopic(), metrics);

        StreamsBuilder builder = new StreamsBuilder();
        ConsentHistory.storeBuilders().forEach(builder::addStateStore);
        builder.addStateStore(GraceBuffer.storeBuilder());
        builder.addStateStore(AuditChain.storeBuilder());

        List<KStream<String, DeciderInput>> inbound = new ArrayList<>();
        KStream<String, DeciderInput> consents = builder
                .stream(settings.consentTopic(), RAW.withName("consent-source"))
                .process(() -> new ConsentReader(codec), Named.as("consent-reader"));
        Map<String, KStream<String, DeciderInput>> placed = acceptedOnly(consents, "consent", deadLetters).split(Named.as("consent-placement-"))
                .branch((key, value) -> isMisplaced(partitions, value), Branched.as("misplaced"))
                .defaultBranch(Branched.as("in-place"));
        placed.get("consent-placement-misplaced")
                .process(() -> new ConsentRerouter(settings.reroutedConsentTopic(), metrics), Named.as("consent-rerouter"))
                .to(settings.reroutedConsentTopic(), Produced.with(Serdes.ByteArray(), Outbound.VALUE_SERDE)
                        .withStreamPartitioner(new CustomerKeyPartitioner()).withName("consent-rerouted-sink"));
        inbound.add(placed.get("consent-placement-in-place"));
        // Written by the rerouter above, so on its customer's partition: never checked, or moved, again.
        KStream<String, DeciderInput> rerouted = builder
                .stream(settings.reroutedConsentTopic(), RAW.withName("consent-rerouted-source"))
                .process(() -> new ConsentReader(codec), Named.as("consent-rerouted-reader"));
        inbound.add(acceptedOnly(rerouted, "consent-rerouted", deadLetters));

        List<InputMapping> inputs = policy.inputs().stream().sorted(Comparator.comparing(InputMapping::topic)).toList();
        for (InputMapping input : inputs) {
            String name = "input-" + input.topic();
            KStream<String, DeciderInput> read = builder
                    .stream(input.topic(), RAW.withName(name + "-source"))
                    .process(() -> new EnvelopeReader(codec, input, metrics), Named.as(name + "-envelope"));
            KStream<String, DeciderInput> accepted = acceptedOnly(read, name, deadLetters);
            inbound.add(input.keyedByCustomerId() ? inPlaceOrMoved(accepted, name, partitions, metrics) : byCustomer(accepted, name));
        }

        KStream<String, DeciderInput> merged = inbound.get(0);
        for (int i = 1; i < inbound.size(); i++) {
            merged = merged.merge(inbound.get(i), Named.as("merge-" + i));
        }
        merged.process(() -> new EnforcementProcessor(policy, codec, settings, metrics, decisionClock), Named.as(ENFORCER),
                        ConsentHistory.CONSENT_STORE, ConsentHistory.WATERMARK_STORE, GraceBuffer.STORE, AuditChain.STORE)
                .to(OUTBOUND_TOPIC, OUTBOUND.withName("outbound-sink"));
        return builder.build();
    }

    /** Sends a reader's rejected records to the dead-letter topic and returns the rest. */
    private static KStream<String, DeciderInput> acceptedOnly(KStream<String, DeciderInput> read, String name, DeadLetters deadLetters) {
        Map<String, KStream<String, DeciderInput>> branches = read.split(Named.as(name + "-"))
                .branch((key, value) -> value instanceof Rejected, Branched.as("rejected"))
                .defaultBranch(Branched.as("accepted"));
        branches.get(name + "-rejected")
                .process(() -> new DeadLetterWriter(deadLetters), Named.as(name + "-dead-letters"))
                .to(OUTBOUND_TOPIC, OUTBOUND.withName(name + "-dead-letter-sink"));
        return branches.get(name + "-accepted");
    }

    /** Whether a consent event or an event read from a topic keyed by customer id is on another partition than its customer's. */
    private static boolean isMisplaced(CustomerPartitions partitions, DeciderInput value) {
        return value instanceof ConsentUpdate update
                ? partitions.isMisplaced(update.customerId(), update.position().partition())
                : partitions.isMisplaced(((PendingEvent) value).customerId(), ((PendingEvent) value).position().partition());
    }

    /**
     * Events of a topic keyed by customer id stay where they are when that is their customer's partition; the others, put
     * elsewhere by their producer's partitioner, are moved there like the events of any other topic.
     */
    private static KStream<String, DeciderInput> inPlaceOrMoved(KStream<String, DeciderInput> accepted, String name,
                                                                CustomerPartitions partitions, EnforcementMetrics metrics) {
        Map<String, KStream<String, DeciderInput>> placed = accepted.split(Named.as(name + "-placement-"))
                .branch((key, value) -> isMisplaced(partitions, value), Branched.as("misplaced"))
                .defaultBranch(Branched.as("in-place"));
        KStream<String, DeciderInput> misplaced = placed.get(name + "-placement-misplaced")
                .peek((key, value) -> metrics.misplacedRecord(((PendingEvent) value).position().topic()), Named.as(name + "-misplaced-count"));
        return placed.get(name + "-placement-in-place").merge(byCustomer(misplaced, name), Named.as(name + "-placed"));
    }

    /** Moves events to the partition of their customer id, where that customer's consent lives. */
    private static KStream<String, DeciderInput> byCustomer(KStream<String, DeciderInput> accepted, String name) {
        return accepted
                .mapValues(value -> (PendingEvent) value, Named.as(name + "-pending"))
                .repartition(Repartitioned.with(Serdes.String(), new PendingEventSerde()).withName(name + "-by-customer"))
                .mapValues(value -> (DeciderInput) value, Named.as(name + "-repartitioned"));
    }
}
