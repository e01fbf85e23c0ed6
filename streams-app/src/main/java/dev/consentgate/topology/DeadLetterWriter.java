package dev.consentgate.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Sends the readers' rejected records to the dead-letter topic. */
final class DeadLetterWriter implements Processor<String, DeciderInput, byte[], Outbound> {

    private final DeadLetters deadLetters;
    private ProcessorContext<byte[], Outbound> context;

    DeadLetterWriter(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @Override
    public void init(ProcessorContext<byte[], Outbound> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, DeciderInput> record) {
        context.forward(deadLetters.record((Rejected) record.value(), record.headers(), record.timestamp()));
    }
}
