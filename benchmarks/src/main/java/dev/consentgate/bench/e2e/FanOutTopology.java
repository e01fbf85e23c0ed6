package dev.consentgate.bench.e2e;

import dev.consentgate.bench.ExamplePolicy;
import dev.consentgate.config.ConsentGateConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Kafka's share of enforcement, without ConsentGate's code: the same input topics in one task per partition
 * (so Kafka Streams merges them and waits for them as it does for enforcement), every consent record read from and
 * written back to a cached key-value store with a changelog (as enforcement adds a statement to the customer's
 * history in {@code consent-histories}), and every event read against that store once (one history answers every
 * declared purpose) and copied byte for byte to the audit topic and to 1⅔ purpose topics on average (enforcement writes
 * 1.66 purpose records per event of the workload), spread over all of the policy's purpose topics. Nothing is
 * decoded, decided, minimized, encoded or hashed, and no headers are added.
 *
 * <p>Its events/s against the baseline's is the ratio no enforcement in Kafka Streams with the design's inputs,
 * store and outputs could beat on the same machine; enforcement's against it is what ConsentGate's own work costs.
 * Built {@code withoutAudit}, it writes the purpose records alone: what it gains over the full fan-out bounds what any
 * other way of writing the audit trail (a block of decisions per commit, say) could gain on Kafka's side.
 */
final class FanOutTopology {

    private static final Serde<byte[]> BYTES = Serdes.ByteArray();
    private static final String STORE = "consents";
    private static final String FAN_OUT = "fan-out";
    private static final String AUDIT_SINK = "audit-sink";

    private FanOutTopology() {
    }

    /** @param withAudit whether each event is also copied to the audit topic, as enforcement writes its audit record */
    static Topology build(boolean withAudit) {
        ConsentGateConfig config = Topics.consentGateConfig();
        Topology topology = new Topology();
        // The rerouted-consent topic too: enforcement's task reads it beside the consent topic, empty or not.
        List<String> inputs = new ArrayList<>(List.of(Topics.CONSENT, config.reroutedConsentTopic(), Topics.CONTACTS));
        inputs.addAll(Topics.UNUSED_INPUTS);
        for (String input : inputs) {
            topology.addSource(input, BYTES.deserializer(), BYTES.deserializer(), input);
        }
        List<String> purposeTopics = Topics.purposeTopics(ExamplePolicy.load());
        topology.addProcessor(FAN_OUT, () -> new FanOut(purposeTopics, withAudit), inputs.toArray(String[]::new));
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), BYTES, BYTES)
                .withCachingEnabled(), FAN_OUT);
        if (withAudit) {
            topology.addSink(AUDIT_SINK, config.auditTopic(), BYTES.serializer(), BYTES.serializer(), FAN_OUT);
        }
        for (String topic : purposeTopics) {
            topology.addSink(topic, topic, BYTES.serializer(), BYTES.serializer(), FAN_OUT);
        }
        return topology;
    }

    private static final class FanOut implements Processor<byte[], byte[], byte[], byte[]> {

        /** Each purpose topic's sink is named after it. */
        private final List<String> purposeSinks;
        private final boolean withAudit;
        private ProcessorContext<byte[], byte[]> context;
        private KeyValueStore<byte[], byte[]> consents;
        private long events;

        FanOut(List<String> purposeSinks, boolean withAudit) {
            this.purposeSinks = purposeSinks;
            this.withAudit = withAudit;
        }

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
            this.consents = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            String topic = context.recordMetadata().orElseThrow().topic();
            // Events come from the contacts topic alone (the workload leaves the other inputs empty); all else is consent.
            if (!Topics.CONTACTS.equals(topic)) {
                consents.get(record.key());
                consents.put(record.key(), record.value());
                return;
            }
            consents.get(record.key());
            if (withAudit) {
                context.forward(record, AUDIT_SINK);
            }
            int first = (int) (events % purposeSinks.size());
            context.forward(record, purposeSinks.get(first));
            // Two purpose records for two events in three, one for the third: 1⅔ on average.
            if (events % 3 != 0) {
                context.forward(record, purposeSinks.get((first + 1) % purposeSinks.size()));
            }
            events++;
        }
    }
}
