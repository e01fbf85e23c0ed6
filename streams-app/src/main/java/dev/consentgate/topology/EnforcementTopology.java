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
 *                                   └─────────────────────────────┐
 * input topic ─► input-T-envelope ─┬─ rejected ─► dead letters    ├─► enforcer ─► purpose topics,
 *                                  └─ [input-T-by-customer        │              consent.audit,
 *                                      repartition, unless keyed  │              consent.dlq
 *                                      by customer id] ───────────┘
 * </pre>
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
        ConsentGateConfig config = new ConsentGateConfig(configs);
        return build(policy, config, config.valueSerde(configs), metrics, DecisionClock.TASK_TIME);
    }

    /**
     * As {@link #build(Policy, Map)}, with a value serde the caller made and configured instead of the
     * one {@code consentgate.value.serde} names, and a clock for the decisions' time: a replay decodes
     * through the production registry but must not register schemas in it, and decides each event at
     * its recorded time.
     */
    public static Topology build(Policy policy, Map<String, ?> configs, Serde<Object> valueSerde, DecisionClock decisionClock) {
        return build(policy, new ConsentGateConfig(configs), valueSerde, EnforcementMetrics.noop(), decisionClock);
    }

    private static Topology build(Policy policy, ConsentGateConfig config, Serde<Object> valueSerde, EnforcementMetrics metrics,
                                  DecisionClock decisionClock) {
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
        inbound.add(acceptedOnly(consents, "consent", deadLetters));

        List<InputMapping> inputs = policy.inputs().stream().sorted(Comparator.comparing(InputMapping::topic)).toList();
        for (InputMapping input : inputs) {
            String name = "input-" + input.topic();
            KStream<String, DeciderInput> read = builder
                    .stream(input.topic(), RAW.withName(name + "-source"))
                    .process(() -> new EnvelopeReader(codec, input, metrics), Named.as(name + "-envelope"));
            KStream<String, DeciderInput> accepted = acceptedOnly(read, name, deadLetters);
            inbound.add(input.keyedByCustomerId() ? accepted : byCustomer(accepted, name));
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

    /** Moves events to the partition of their customer id, where that customer's consent lives. */
    private static KStream<String, DeciderInput> byCustomer(KStream<String, DeciderInput> accepted, String name) {
        return accepted
                .mapValues(value -> (PendingEvent) value, Named.as(name + "-pending"))
                .repartition(Repartitioned.with(Serdes.String(), new PendingEventSerde()).withName(name + "-by-customer"))
                .mapValues(value -> (DeciderInput) value, Named.as(name + "-repartitioned"));
    }
}
