package dev.consentgate.enforce;

import dev.consentgate.ingest.EventSignalReader;
import dev.consentgate.ingest.PendingEvent;
import dev.consentgate.policy.ConsentState;
import dev.consentgate.policy.InputMapping;
import dev.consentgate.policy.JurisdictionTie;
import dev.consentgate.policy.Policy;
import dev.consentgate.signal.MalformedSignalException;
import dev.consentgate.signal.Signal;
import dev.consentgate.signal.SignalStatements;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;

/**
 * The consent statements that the privacy signals a CRM event carries make, as the policy's {@code signals} section maps
 * them. The enforcer records them in the customer's consent history just before it decides the event, on the customer's
 * partition: so they count for that very event and every later one, in the order a replay repeats, whatever the other
 * topics do.
 */
final class CarriedSignals {

    private final Optional<SignalStatements> statements;
    private final Map<String, EventSignalReader> readers;

    CarriedSignals(Policy policy) {
        this.statements = policy.signals().map(mapping -> new SignalStatements(policy));
        this.readers = policy.inputs().stream().filter(input -> !input.signals().isEmpty())
                .collect(Collectors.toUnmodifiableMap(InputMapping::topic, input -> new EventSignalReader(input.signals())));
    }

    /**
     * The statements of the event's signals, none when its input maps no signal. They carry no jurisdiction: the event's
     * producer chose the event's, which may only tighten a decision, never move the customer to where they were not recorded.
     *
     * @param recordedJurisdiction the customer's jurisdiction at the event's time, from their consent history (null if none);
     *                             asked only for GPC
     * @throws MalformedSignalException when any signal of the event cannot be decoded: then none counts
     */
    List<ConsentState> of(PendingEvent event, GenericRecord value, Supplier<String> recordedJurisdiction) throws MalformedSignalException {
        EventSignalReader reader = readers.get(event.event().getSourceTopic());
        if (reader == null || statements.isEmpty()) {
            return List.of();
        }
        List<ConsentState> carried = new ArrayList<>();
        for (Signal signal : reader.read(event.event(), value)) {
            for (String jurisdiction : judgedIn(signal, recordedJurisdiction, event.event().getJurisdiction())) {
                Signal judged = new Signal(signal.kind(), signal.value(), signal.capturedAt(), jurisdiction, signal.source(), signal.signalId());
                carried.addAll(statements.get().of(judged));
            }
        }
        return carried;
    }

    /**
     * Where a signal is judged: only GPC depends on it. GPC counts in the customer's recorded jurisdiction (in each of a
     * {@link JurisdictionTie}'s) and in the event's own, both where given (the event's may tighten, never loosen), and
     * everywhere it has effect when neither is.
     */
    private static List<String> judgedIn(Signal signal, Supplier<String> recorded, String sent) {
        if (signal.kind() != Signal.Kind.GPC) {
            return Collections.singletonList(null);
        }
        TreeSet<String> known = new TreeSet<>();
        for (String jurisdiction : Arrays.asList(recorded.get(), sent)) {
            if (jurisdiction != null) {
                known.addAll(JurisdictionTie.codes(jurisdiction));
            }
        }
        return known.isEmpty() ? Collections.singletonList(null) : List.copyOf(known);
    }

}
