package dev.consentgate.ingest;

import dev.consentgate.schema.internal.BufferedEvent;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.generic.GenericRecord;

/**
 * A CRM event with its envelope, on its way to a decision. It may cross the repartition topic and
 * wait in the grace buffer, so it carries the original bytes; the decoded value is kept only while
 * the event stays in memory, which spares a second decode on the common path.
 */
public final class PendingEvent implements DeciderInput {

    private final BufferedEvent event;
    private GenericRecord decoded;

    public PendingEvent(BufferedEvent event, GenericRecord decoded) {
        this.event = event;
        this.decoded = decoded;
    }

    public BufferedEvent event() {
        return event;
    }

    /** The decoded value if still in memory, else null (the caller decodes {@code event().getValue()}). */
    public GenericRecord decodedOrNull() {
        return decoded;
    }

    public String customerId() {
        return event.getCustomerId();
    }

    public long eventTime() {
        return event.getEventTime();
    }

    public List<String> purposes() {
        return event.getPurposes();
    }

    public SourcePosition position() {
        return new SourcePosition(event.getSourceTopic(), event.getSourcePartition(), event.getSourceOffset());
    }

    @Override
    public <R> R match(Function<ConsentUpdate, R> consent, Function<PendingEvent, R> event) {
        return event.apply(this);
    }
}
