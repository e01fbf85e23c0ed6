package dev.consentgate.tools;

import dev.consentgate.cli.CommandFailure;
import dev.consentgate.cli.ExitCodes;
import dev.consentgate.cli.Setup;
import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.ingest.CustomerPartitions;
import dev.consentgate.output.OutputHeaders;
import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ErasureNotice;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.Header;

/**
 * Reads one customer's history from the one partition of each topic that holds it, instead of the whole topics. The
 * service decides a customer's events on their customer partition ({@link CustomerPartitions}: murmur2 of the id, as
 * Kafka's default partitioner): task <i>i</i> reads consent partition <i>i</i> and rerouted-consent partition <i>i</i>
 * (where consent produced on another partition is copied) and writes audit partition <i>i</i>. So the partition number
 * is the index: a scan costs one partition of each of the three topics, 1 of P, and one partition of the erasure topic.
 */
final class CustomerPartitionScan {

    private final Setup setup;
    private final PrintWriter err;
    private final Duration progressInterval;

    CustomerPartitionScan(Setup setup, PrintWriter err, Duration progressInterval) {
        this.setup = setup;
        this.err = err;
        this.progressInterval = progressInterval;
    }

    /** Offers {@code history} every record of its customer's partition of the consent, rerouted-consent and audit topics. */
    void scan(SubjectHistory history) {
        ConsentGateConfig config = setup.config();
        try (BoundedTopicReader reader = new BoundedTopicReader(setup.properties());
             SpecificDecoder decoder = new SpecificDecoder(setup.properties());
             AuditLog audit = new AuditLog(setup)) {
            int partition = customerPartition(reader, history.customerId());
            for (String topic : List.of(config.consentTopic(), config.reroutedConsentTopic())) {
                BoundedTopicReader.Span span = onlySpan(reader.spans(topic, RecordRange.partition(partition)));
                ScanProgress progress = new ScanProgress(span, err, progressInterval, System::nanoTime);
                reader.read(List.of(span), record -> {
                    progress.read(record.offset());
                    history.consentRecord(new SubjectHistory.Position(topic, record.partition(), record.offset()), record.key(),
                            () -> decoder.decode(topic, record.value(), ConsentEvent.class), reroutedFrom(record.headers().lastHeader(OutputHeaders.REROUTED_FROM)));
                });
                history.source(progress.done());
            }
            readErasureNotices(reader, decoder, history);
            BoundedTopicReader.Span span = onlySpan(audit.spans(RecordRange.partition(partition)));
            ScanProgress progress = new ScanProgress(span, err, progressInterval, System::nanoTime);
            audit.read(List.of(span), entry -> {
                progress.read(entry.offset());
                history.auditRecord(new SubjectHistory.Position(audit.topic(), entry.partition(), entry.offset()), entry.record());
            });
            history.source(progress.done());
        }
    }

    /**
     * The customer's erasure notices: keyed by the customer id and written with Kafka's default partitioner, so on the
     * partition their id hashes to among the erasure topic's partitions.
     */
    private void readErasureNotices(BoundedTopicReader reader, SpecificDecoder decoder, SubjectHistory history) {
        String topic = setup.config().erasureTopic();
        int partition = new CustomerPartitions(reader.partitionCount(topic)).of(history.customerId());
        BoundedTopicReader.Span span = onlySpan(reader.spans(topic, RecordRange.partition(partition)));
        ScanProgress progress = new ScanProgress(span, err, progressInterval, System::nanoTime);
        reader.read(List.of(span), record -> {
            progress.read(record.offset());
            history.erasureNotice(new SubjectHistory.Position(topic, record.partition(), record.offset()), record.key(),
                    () -> decoder.decode(topic, record.value(), ErasureNotice.class));
        });
        history.source(progress.done());
    }

    /**
     * The customer's partition, by the consent topic's partition count. The rerouted-consent and audit topics must have
     * as many partitions (the service refuses to start otherwise), or the customer's records are elsewhere.
     */
    private int customerPartition(BoundedTopicReader reader, String customerId) {
        ConsentGateConfig config = setup.config();
        int count = reader.partitionCount(config.consentTopic());
        for (String topic : List.of(config.reroutedConsentTopic(), config.auditTopic())) {
            int other = reader.partitionCount(topic);
            if (other != count) {
                throw new CommandFailure(ExitCodes.TOPIC_PROBLEM, "topic " + topic + " has " + other + " partitions, the consent topic "
                        + config.consentTopic() + " " + count + ": they must have as many for a customer's records to be on one partition of each");
            }
        }
        return new CustomerPartitions(count).of(customerId);
    }

    private static BoundedTopicReader.Span onlySpan(List<BoundedTopicReader.Span> spans) {
        return spans.get(0);
    }

    private static String reroutedFrom(Header header) {
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
