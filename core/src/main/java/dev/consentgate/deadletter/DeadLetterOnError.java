package dev.consentgate.deadletter;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.ingest.RejectReason;
import dev.consentgate.ingest.SourcePosition;
import dev.consentgate.serde.TransientErrors;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' processing exception handler for ConsentGate, using its built-in dead-letter
 * records (KIP-1034): an unexpected error on one record sends that record to the dead-letter topic
 * (reason {@code PROCESSING_ERROR}) and processing goes on, so one bad record cannot crash-loop the
 * service. A transient error (registry or broker away) fails the thread instead, to be retried from
 * the last commit: a good record is never dead-lettered for an outage.
 */
public final class DeadLetterOnError implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterOnError.class);

    private String dlqTopic = "consent.dlq";

    @Override
    public void configure(Map<String, ?> configs) {
        Object configured = configs.get(ConsentGateConfig.DLQ_TOPIC);
        if (configured != null) {
            dlqTopic = configured.toString();
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (TransientErrors.isTransient(exception)) {
            return Response.fail();
        }
        // The exception's message may quote data; its type, the processor and the position are enough to find the record.
        LOG.warn("Unexpected {} in processor {} on {}-{} offset {}; the record goes to the dead-letter topic {}",
                exception.getClass().getName(), context.processorNodeId(), context.topic(), context.partition(), context.offset(), dlqTopic);
        Headers headers = DeadLetters.headers(context.headers(), RejectReason.PROCESSING_ERROR,
                exception.getClass().getName() + " in processor " + context.processorNodeId(),
                new SourcePosition(context.topic(), context.partition(), context.offset()));
        return Response.resume(List.of(new ProducerRecord<>(dlqTopic, null, context.sourceRawKey(), context.sourceRawValue(), headers)));
    }
}
