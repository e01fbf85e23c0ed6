package dev.consentgate.tools;

import dev.consentgate.cli.CommandFailure;
import dev.consentgate.cli.ExitCodes;
import dev.consentgate.cli.Setup;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.serde.AvroSerdeConfig;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import dev.consentgate.serde.TransientErrors;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The audit topic as the auditor's commands read it: every record decoded into a {@link DecisionRecord}
 * with ConsentGate's own reader (whatever serde the service was configured with), and where it was
 * found. Older records read with today's schema: fields they lack take their defaults.
 */
final class AuditLog implements AutoCloseable {

    /** One audit record; {@code record} is null when the value cannot be read as a decision record. */
    record Entry(int partition, long offset, long timestamp, byte[] value, DecisionRecord record) {
    }

    private final String topic;
    private final BoundedTopicReader reader;
    private final ConfluentAvroDeserializer deserializer = new ConfluentAvroDeserializer();

    AuditLog(Setup setup) {
        this.topic = setup.config().auditTopic();
        this.reader = new BoundedTopicReader(setup.properties());
        Map<String, Object> configs = new HashMap<>(setup.properties());
        configs.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        deserializer.configure(configs, false);
    }

    String topic() {
        return topic;
    }

    List<BoundedTopicReader.Span> spans(RecordRange range) {
        return reader.spans(topic, range);
    }

    void read(List<BoundedTopicReader.Span> spans, Consumer<Entry> handler) {
        reader.read(spans, record -> handler.accept(
                new Entry(record.partition(), record.offset(), record.timestamp(), record.value(), decode(record.value()))));
    }

    private DecisionRecord decode(byte[] value) {
        try {
            return deserializer.deserialize(topic, value) instanceof DecisionRecord decision ? decision : null;
        } catch (SerializationException e) {
            if (TransientErrors.isTransient(e)) {
                throw new CommandFailure(ExitCodes.UNREACHABLE, "the schema registry cannot be reached: " + e.getMessage());
            }
            return null;
        }
    }

    @Override
    public void close() {
        reader.close();
        deserializer.close();
    }
}
