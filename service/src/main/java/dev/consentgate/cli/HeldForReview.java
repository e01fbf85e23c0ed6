package dev.consentgate.cli;

import dev.consentgate.output.OutputHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** One record of the review topic as {@code review list} shows it to a reviewer: its ConsentGate headers and its value. */
record HeldForReview(Headers headers, long timestamp, Object value) {

    static HeldForReview of(ConsumerRecord<byte[], byte[]> record, Object value) {
        return new HeldForReview(record.headers(), record.timestamp(), value);
    }

    /** The header's text, or an empty text when the record has none. */
    String header(String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** One line: review id, purpose, event id, would-be decision and reasons, the event's time, then the record. */
    String line() {
        return header(OutputHeaders.REVIEW_ID) + "  purpose=" + header(OutputHeaders.PURPOSE) + "  event=" + header(OutputHeaders.EVENT_ID)
                + "  decision=" + header(OutputHeaders.DECISION) + " (" + header(OutputHeaders.REASONS) + ")  timestamp="
                + Instant.ofEpochMilli(timestamp) + "  " + value;
    }
}
