package dev.consentgate.ingest;

import dev.consentgate.output.Outbound;
import dev.consentgate.output.OutputHeaders;
import dev.consentgate.metrics.EnforcementMetrics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a consent event that arrived on a partition other than its customer id's to the rerouted-consent topic,
 * to be written to its customer id's partition by {@link CustomerKeyPartitioner}, where the task deciding that customer's events reads it. The copy keeps the
 * record's bytes, timestamp and headers and says where it came from; it commits with the consent topic's offset,
 * so under exactly-once it is written once. A topic of its own, not a repartition topic: Kafka Streams deletes
 * those after each commit, and an auditor's replay must read what the deciding task read.
 */
public final class ConsentRerouter implements Processor<String, ConsentUpdate, byte[], Outbound> {

    private static final Logger LOG = LoggerFactory.getLogger(ConsentRerouter.class);

    private final String reroutedTopic;
    private final EnforcementMetrics metrics;
    private ProcessorContext<byte[], Outbound> context;
    private boolean warned;

    public ConsentRerouter(String reroutedTopic, EnforcementMetrics metrics) {
        this.reroutedTopic = reroutedTopic;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], Outbound> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, ConsentUpdate> record) {
        ConsentUpdate update = record.value();
        SourcePosition from = update.position();
        if (!warned) {
            warned = true;
            LOG.warn("Consent events on {}-{} belong to other partitions by Kafka's default partitioner (murmur2 of the customer id):"
                    + " their producer partitions otherwise. They are copied to {} and applied on their customer's partition from there, a"
                    + " commit or more later than if produced in place: a \"no\" takes effect late. Partition consent with murmur2"
                    + " (docs/configuration.md, Partitioners); see consentgate_misplaced_records_total", from.topic(), from.partition(), reroutedTopic);
        }
        metrics.misplacedRecord(from.topic());
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.add(OutputHeaders.REROUTED_FROM, (from.topic() + "-" + from.partition() + "@" + from.offset()).getBytes(StandardCharsets.UTF_8));
        // The key is the customer id (the reader made sure): the sink's CustomerKeyPartitioner places the copy by it.
        context.forward(new Record<>(update.rawKey(), new Outbound(reroutedTopic, update.rawValue()), record.timestamp(), headers));
    }
}
