package dev.consentgate.ingest;

import dev.consentgate.policy.ConsentState;
import java.util.function.Function;

/** A readable consent event, with its raw bytes kept to copy it to its customer's partition should it arrive on another. */
public record ConsentUpdate(String customerId, ConsentState state, byte[] rawKey, byte[] rawValue, SourcePosition position)
        implements DeciderInput {

    @Override
    public <R> R match(Function<ConsentUpdate, R> consent, Function<PendingEvent, R> event) {
        return consent.apply(this);
    }
}
