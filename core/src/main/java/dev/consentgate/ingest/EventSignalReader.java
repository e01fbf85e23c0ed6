package dev.consentgate.ingest;

import dev.consentgate.policy.SignalSources;
import dev.consentgate.policy.ValueSource;
import dev.consentgate.schema.internal.BufferedEvent;
import dev.consentgate.schema.internal.BufferedHeader;
import dev.consentgate.signal.Signal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;

/**
 * Reads the privacy signals a CRM event carries, where its input mapping's {@code signals} say. Each is captured at the
 * event's time, with the event's topic as its source and the event id as its id, and without a jurisdiction: the caller
 * judges where GPC has effect. An absent or empty value is no signal: CMPs send an empty TC string where TCF does not apply.
 */
public final class EventSignalReader {

    private record Located(Signal.Kind kind, ValueSource source, String[] path) {
    }

    private final List<Located> sources = new ArrayList<>();

    public EventSignalReader(SignalSources signals) {
        add(Signal.Kind.TCF, signals.tcf());
        add(Signal.Kind.GPP, signals.gpp());
        add(Signal.Kind.GPC, signals.gpc());
    }

    private void add(Signal.Kind kind, Optional<ValueSource> source) {
        source.ifPresent(s -> sources.add(new Located(kind, s, s.kind() == ValueSource.Kind.FIELD ? s.name().split("\\.") : null)));
    }

    /** The signals the event (its decoded {@code value}, its buffered headers) carries, in the order TCF, GPP, GPC. */
    public List<Signal> read(BufferedEvent event, GenericRecord value) {
        List<Signal> signals = new ArrayList<>(sources.size());
        for (Located located : sources) {
            String text = located.kind() == Signal.Kind.GPC ? gpcFlag(valueAt(located, event, value)) : text(valueAt(located, event, value));
            if (text != null && !text.isEmpty()) {
                signals.add(new Signal(located.kind(), text, event.getEventTime(), null, event.getSourceTopic(), event.getEventId()));
            }
        }
        return signals;
    }

    private static Object valueAt(Located located, BufferedEvent event, GenericRecord value) {
        return located.source().kind() == ValueSource.Kind.FIELD ? EnvelopeExtractor.field(value, located.path())
                : lastHeader(event.getHeaders(), located.source().name());
    }

    /** As Kafka's {@code Headers.lastHeader}: of repeated headers the last counts. */
    private static String lastHeader(List<BufferedHeader> headers, String name) {
        for (int i = headers.size() - 1; i >= 0; i--) {
            BufferedHeader header = headers.get(i);
            if (header.getKey().equals(name)) {
                return header.getValue() == null ? null : StandardCharsets.UTF_8.decode(header.getValue().duplicate()).toString();
            }
        }
        return null;
    }

    /** A boolean field is the flag itself; any other value is read as text, so a value not 1 or 0 stays malformed. */
    private static String gpcFlag(Object value) {
        return value instanceof Boolean set ? (set ? "1" : "0") : text(value);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString().trim();
    }
}
