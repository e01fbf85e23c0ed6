package dev.consentgate.ingest;

import java.util.function.Function;

/**
 * What reaches the enforcement processor, keyed by customer id: a consent change or a CRM event, each read at a
 * position of a partition that may or may not be its customer's.
 */
public sealed interface DeciderInput extends ReaderOutput, EnforcerInput permits ConsentUpdate, PendingEvent {

    String customerId();

    SourcePosition position();

    /** The result of the one function that takes this input's kind. */
    <R> R match(Function<ConsentUpdate, R> consent, Function<PendingEvent, R> event);

    @Override
    default <R> R match(Function<ConsentUpdate, R> consent, Function<PendingEvent, R> event, Function<Rejected, R> rejected) {
        return match(consent, event);
    }

    @Override
    default <R> R route(Function<DeciderInput, R> decider, Function<ReviewRequest, R> review) {
        return decider.apply(this);
    }
}
