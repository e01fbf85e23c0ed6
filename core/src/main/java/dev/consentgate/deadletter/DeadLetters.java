package dev.consentgate.deadletter;

import dev.consentgate.ingest.RejectReason;
import dev.consentgate.ingest.Rejected;
import dev.consentgate.ingest.SourcePosition;
import dev.consentgate.output.Outbound;
import dev.consentgate.output.OutputHeaders;
import dev.consentgate.metrics.EnforcementMetrics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/** Builds dead-letter records, and counts them: the original key, value and headers, plus why and where from. */
public final class DeadLetters {

    private final String dlqTopic;
    private final EnforcementMetrics metrics;

    public DeadLetters(String dlqTopic, EnforcementMetrics metrics) {
        this.dlqTopic = dlqTopic;
        this.metrics = metrics;
    }

    /** The dead letter of a refused record, with its original headers and timestamp. */
    public Record<byte[], Outbound> record(Rejected rejected, Headers original, long timestamp) {
        metrics.deadLetter(rejected.reason().name());
        Headers headers = headers(original, rejected.reason(), rejected.detail(), rejected.position());
        return new Record<>(rejected.rawKey(), new Outbound(dlqTopic, rejected.rawValue()), timestamp, headers);
    }

    /** The input record's headers plus the dead-letter headers: why, and where the record was read. */
    static Headers headers(Headers original, RejectReason reason, String detail, SourcePosition position) {
        Headers headers = new RecordHeaders(original.toArray());
        headers.add(OutputHeaders.DLQ_REASON, utf8(reason.name()));
        headers.add(OutputHeaders.DLQ_DETAIL, utf8(detail));
        headers.add(OutputHeaders.DLQ_TOPIC, utf8(position.topic()));
        headers.add(OutputHeaders.DLQ_PARTITION, utf8(Integer.toString(position.partition())));
        headers.add(OutputHeaders.DLQ_OFFSET, utf8(Long.toString(position.offset())));
        return headers;
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
