package dev.consentgate.tools;

import dev.consentgate.cli.Setup;
import dev.consentgate.schema.DecisionRecord;
import java.util.List;
import java.util.function.Consumer;

/**
 * The audit topic as the auditor's commands read it: every record decoded into a {@link DecisionRecord}
 * ({@link SpecificDecoder}), and where it was found.
 */
final class AuditLog implements AutoCloseable {

    /** One audit record; {@code record} is null when the value cannot be read as a decision record. */
    record Entry(int partition, long offset, long timestamp, byte[] value, DecisionRecord record) {
    }

    private final String topic;
    private final BoundedTopicReader reader;
    private final SpecificDecoder decoder;

    AuditLog(Setup setup) {
        this.topic = setup.config().auditTopic();
        this.reader = new BoundedTopicReader(setup.properties());
        this.decoder = new SpecificDecoder(setup.properties());
    }

    String topic() {
        return topic;
    }

    List<BoundedTopicReader.Span> spans(RecordRange range) {
        return reader.spans(topic, range);
    }

    void read(List<BoundedTopicReader.Span> spans, Consumer<Entry> handler) {
        reader.read(spans, record -> handler.accept(
                new Entry(record.partition(), record.offset(), record.timestamp(), record.value(),
                        decoder.decode(topic, record.value(), DecisionRecord.class))));
    }

    @Override
    public void close() {
        reader.close();
        decoder.close();
    }
}
