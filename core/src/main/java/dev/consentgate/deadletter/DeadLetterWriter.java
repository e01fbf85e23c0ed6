package dev.consentgate.deadletter;

import dev.consentgate.ingest.Rejected;
import dev.consentgate.output.Outbound;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Sends the readers' rejected records to the dead-letter topic. */
public final class DeadLetterWriter implements Processor<String, Rejected, byte[], Outbound> {

    private final DeadLetters deadLetters;
    private ProcessorContext<byte[], Outbound> context;

    public DeadLetterWriter(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @Override
    public void init(ProcessorContext<byte[], Outbound> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Rejected> record) {
        context.forward(deadLetters.record(record.value(), record.headers(), record.timestamp()));
    }
}
